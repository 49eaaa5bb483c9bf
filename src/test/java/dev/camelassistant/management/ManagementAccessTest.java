package dev.camelassistant.management;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ManagementAccessTest {

    @Test
    void onlyLoopbackAddressesCountAsLocal() {
        assertThat(access("127.0.0.1", null).loopbackOnly()).isTrue();
        assertThat(access("localhost", null).loopbackOnly()).isTrue();
        assertThat(access("::1", null).loopbackOnly()).isTrue();
        assertThat(access("0.0.0.0", null).loopbackOnly()).isFalse();
        assertThat(access("192.0.2.10", null).loopbackOnly()).isFalse();
    }

    @Test
    void theDevConsoleNeedsBothTheRequestAndAPassword() {
        assertThat(new ManagementAccess("127.0.0.1", "admin", "a-long-password-1", true).devConsole()).isTrue();
        assertThat(new ManagementAccess("127.0.0.1", "admin", null, true).devConsole()).isFalse();
        assertThat(new ManagementAccess("127.0.0.1", "admin", "a-long-password-1", false).devConsole()).isFalse();
    }

    @Test
    void aBlankPasswordIsNoPasswordAndTheUserDefaultsToAdmin() {
        ManagementAccess a = new ManagementAccess("127.0.0.1", " ", "  ", false);
        assertThat(a.passwordSet()).isFalse();
        assertThat(a.user()).isEqualTo("admin");
        assertThat(access("127.0.0.1", "p4ssword-long").passwordSet()).isTrue();
    }

    @Test
    void theCredentialsFileIsOwnerOnlyInVertxFormatAndToStringNeverShowsThePassword() throws Exception {
        ManagementAccess a = new ManagementAccess("127.0.0.1", "ops", "s3cret-value-42", false);
        Path file = a.writePropertiesFile();
        try {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(Files.readString(file)).isEqualTo("user.ops=s3cret-value-42,operator\n");
            assertThat(a.toString()).contains("ops").doesNotContain("s3cret-value-42");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static ManagementAccess access(String host, String password) {
        return new ManagementAccess(host, "admin", password, false);
    }
}
