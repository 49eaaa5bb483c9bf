package dev.camelassistant.crypto;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files that hold secrets (the generated encryption key, the embedded database's passwords): readable
 * and writable by their owner only, created whole or not at all.
 */
public final class OwnerOnlyFiles {

    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private OwnerOnlyFiles() {
    }

    /**
     * Writes {@code content} to a temporary owner-only file next to {@code file}, then links it into
     * place, so that no other process ever sees a partly written or readable file. Returns false,
     * writing nothing, when {@code file} exists already (another process was first).
     */
    public static boolean createExclusively(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        String prefix = "." + file.getFileName() + ".";
        Path tmp = posix
                ? Files.createTempFile(dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(dir, prefix, ".tmp");
        try {
            restrictToOwner(tmp);
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException | IOException noHardLinks) {
                try {
                    Files.move(tmp, file);
                } catch (FileAlreadyExistsException e) {
                    return false;
                }
            }
            return true;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Owner-only permissions (POSIX), or the closest the file system offers; false when they could not be set. */
    public static boolean restrictToOwner(Path path) throws IOException {
        if (Files.getFileStore(path).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(path, OWNER_ONLY);
            return true;
        }
        File f = path.toFile();
        return f.setReadable(false, false) & f.setReadable(true, true)
               & f.setWritable(false, false) & f.setWritable(true, true)
               & f.setExecutable(false, false);
    }
}
