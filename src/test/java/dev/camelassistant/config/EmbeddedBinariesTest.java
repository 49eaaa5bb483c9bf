package dev.camelassistant.config;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import com.sun.security.auth.module.UnixSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The folder the embedded PostgreSQL's programs are unpacked into and run from: created private,
 * accepted when it is this user's alone, refused (one line naming it) otherwise. No server starts
 * here; EmbeddedDatabaseTest checks that the running server's programs come from this folder.
 */
class EmbeddedBinariesTest {

    @Test
    void anAbsentFolderIsCreatedPrivateUnderDataDir(@TempDir Path dataDir) throws Exception {
        Path folder = EmbeddedBinaries.prepare(dataDir.resolve("nested"));

        assertThat(folder).isEqualTo(dataDir.resolve("nested").resolve(EmbeddedBinaries.FOLDER).toAbsolutePath());
        assertThat(permissions(folder)).isEqualTo("rwx------");
    }

    @Test
    void aPrivateFolderOfThisUserIsAcceptedAsItIs(@TempDir Path dataDir) throws Exception {
        Path folder = Files.createDirectory(dataDir.resolve(EmbeddedBinaries.FOLDER));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(folder.resolve("kept"), "unpacked before");

        assertThatCode(() -> EmbeddedBinaries.prepare(dataDir)).doesNotThrowAnyException();
        assertThat(permissions(folder)).isEqualTo("rwxr-xr-x");
        assertThat(folder.resolve("kept")).hasContent("unpacked before");
    }

    @Test
    void aFolderOthersOrItsGroupMayWriteToIsRefusedAndLeftAlone(@TempDir Path dataDir) throws Exception {
        Path folder = Files.createDirectory(dataDir.resolve(EmbeddedBinaries.FOLDER));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> EmbeddedBinaries.prepare(dataDir))
                .isInstanceOf(FileSystemException.class)
                .hasMessageStartingWith(folder.toString() + ": is writable by other users (rwxrwxrwx)")
                .hasMessageContaining("chmod 700")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(permissions(folder)).isEqualTo("rwxrwxrwx");

        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwx---"));
        assertThatThrownBy(() -> EmbeddedBinaries.prepare(dataDir))
                .hasMessageStartingWith(folder + ": is writable by its group (rwxrwx---)");
    }

    @Test
    void aFileInThePlaceOfTheFolderIsRefused(@TempDir Path dataDir) throws Exception {
        Files.writeString(dataDir.resolve(EmbeddedBinaries.FOLDER), "not a folder");

        assertThatThrownBy(() -> EmbeddedBinaries.prepare(dataDir)).hasMessageContaining("exists and is not a folder");
    }

    @Test
    void aFolderOfAnotherUserIsRefused(@TempDir Path dataDir) throws Exception {
        assumeTrue(new UnixSystem().getUid() == 0, "only root can give a folder to another user (this run is not root)");
        Path folder = Files.createDirectory(dataDir.resolve(EmbeddedBinaries.FOLDER),
                PosixFilePermissions.asFileAttribute(EmbeddedBinaries.PRIVATE));
        Files.setAttribute(folder, "unix:uid", 65534);

        assertThatThrownBy(() -> EmbeddedBinaries.prepare(dataDir))
                .hasMessageStartingWith(folder + ": belongs to uid 65534, not to this user (uid 0)");
    }

    @Test
    void theRefusalIsTheOneLineConfigurationErrorOfTheStart(@TempDir Path dataDir) throws Exception {
        Path folder = Files.createDirectory(dataDir.resolve(EmbeddedBinaries.FOLDER));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));

        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> Database.open(null, null, null, dataDir, 1));

        assertThat(DatabaseStartup.describe(null, dataDir, failure))
                .startsWith("DATA_DIR: cannot start the embedded PostgreSQL in " + dataDir.toAbsolutePath())
                .contains(folder + ": is writable by other users")
                .doesNotContain("\n");
        // refused before anything was unpacked or initialised
        assertThat(folder).isEmptyDirectory();
        assertThat(dataDir.resolve("postgres")).doesNotExist();
    }

    @Test
    void whatZonkyGivesAwayIsTakenBack(@TempDir Path dataDir) throws Exception {
        Path folder = EmbeddedBinaries.prepare(dataDir);
        // zonky 2.2.2's prepareBinaries: setWritable(true, false) on the folder it unpacks into
        folder.toFile().setWritable(true, false);
        assertThat(permissions(folder)).isEqualTo("rwx-w--w-");

        EmbeddedBinaries.makePrivate(folder);

        assertThat(permissions(folder)).isEqualTo("rwx------");
    }

    @Test
    void zonkysScanForStaleClustersLooksAtAnEmptyFolderOfOursNotAtTmp(@TempDir Path dataDir) throws Exception {
        Path folder = EmbeddedBinaries.prepare(dataDir);
        String before = System.getProperty(EmbeddedBinaries.WORKING_DIR_PROPERTY);

        Object builder = EmbeddedBinaries.builder(folder);

        // the builder's working directory, where zonky stops and deletes "stale" clusters at start
        java.lang.reflect.Field parent = builder.getClass().getDeclaredField("parentDirectory");
        parent.setAccessible(true);
        assertThat(((java.io.File) parent.get(builder)).toPath()).isEqualTo(folder.resolve(EmbeddedBinaries.SCRATCH));
        assertThat(folder.resolve(EmbeddedBinaries.SCRATCH)).isEmptyDirectory();
        assertThat(System.getProperty(EmbeddedBinaries.WORKING_DIR_PROPERTY)).isEqualTo(before);
    }

    @Test
    void eachFolderHasAResolverOfItsOwnForZonkysCache(@TempDir Path dataDir) {
        assertThat(new EmbeddedBinaries.Resolver(dataDir.resolve("a"))).isEqualTo(new EmbeddedBinaries.Resolver(dataDir.resolve("a")))
                .isNotEqualTo(new EmbeddedBinaries.Resolver(dataDir.resolve("b")));
    }

    private static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
