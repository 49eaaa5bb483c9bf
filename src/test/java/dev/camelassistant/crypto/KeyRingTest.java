package dev.camelassistant.crypto;

import static dev.camelassistant.crypto.CredentialCipherTest.KEY_A;
import static dev.camelassistant.crypto.CredentialCipherTest.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.Set;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class KeyRingTest {

    @TempDir
    Path tmp;

    @Test
    void versionIdIsTheStartOfASha256OverAPrefixAndTheKey() {
        // independently computed: sha256(b"camel-assistant/key-version/" + bytes(32)).hexdigest()[:8]
        assertThat(KeyRing.versionOf(new byte[32])).isEqualTo("cc2938c5");
        assertThat(KeyRing.of("0".repeat(64)).currentVersion()).isEqualTo("cc2938c5");
        // feffe992... (the GCM test key): 6931828b
        assertThat(KeyRing.of("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308").currentVersion())
                .isEqualTo("6931828b");
        String version = KeyRing.of(KEY_A).currentVersion();
        assertThat(version).matches("[0-9a-f]{8}");
        assertThat(KEY_A).doesNotContain(version);
        // upper- and lowercase spellings are the same key
        assertThat(KeyRing.of(KEY_A.toUpperCase()).currentVersion()).isEqualTo(version);
    }

    @Test
    void holdsCurrentAndPreviousKeys() {
        KeyRing ring = KeyRing.load(KEY_B, " " + KEY_A + " , ,", null);
        String a = KeyRing.of(KEY_A).currentVersion();
        String b = KeyRing.of(KEY_B).currentVersion();
        assertThat(ring.currentVersion()).isEqualTo(b);
        assertThat(ring.versions()).containsExactly(b, a);
        assertThat(ring.key(a)).isPresent();
        assertThat(ring.key(a).get().getEncoded()).isEqualTo(HexFormat.of().parseHex(KEY_A));
        assertThat(ring.key("00000000")).isEmpty();
        assertThat(ring.key(null)).isEmpty();
        assertThat(ring.secretsForMasking()).contains(KEY_A, KEY_B, KEY_A.toUpperCase());
        assertThat(ring.toString()).doesNotContain(KEY_A).doesNotContain(KEY_B);
        // the current key listed again as previous is harmless
        assertThat(KeyRing.load(KEY_B, KEY_B + "," + KEY_A, null).versions()).containsExactly(b, a);
    }

    @Test
    void malformedKeysAreRejectedNamingTheVariableButNotTheValue() {
        String bad = "a1b2c3d4e5f6" + "zz".repeat(26);
        assertThatThrownBy(() -> KeyRing.load(bad, null, tmp))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ENCRYPTION_KEY")
                .hasMessageNotContaining("a1b2c3d4");
        assertThatThrownBy(() -> KeyRing.load(KEY_A.substring(2), null, tmp))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ENCRYPTION_KEY");
        assertThatThrownBy(() -> KeyRing.load(KEY_A, KEY_B + ",a1b2c3d4", tmp))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ENCRYPTION_KEYS_PREVIOUS")
                .hasMessageContaining("entry 2")
                .hasMessageNotContaining("a1b2c3d4")
                .hasMessageNotContaining(KEY_B);
        assertThat(Files.exists(tmp.resolve(KeyRing.KEY_FILE))).isFalse();
    }

    @Test
    void generatesSixtyFourLowercaseHexCharacters() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String k = KeyRing.generateHex();
            assertThat(k).matches("[0-9a-f]{64}");
            keys.add(k);
        }
        assertThat(keys).hasSize(100);
    }

    @Test
    void blankKeyGeneratesAnOwnerOnlyKeyFileOnceAndReusesIt() throws Exception {
        Path dataDir = tmp.resolve("nested/data");
        Logger logger = (Logger) LoggerFactory.getLogger(KeyRing.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            KeyRing first = KeyRing.load("  ", null, dataDir);
            Path file = dataDir.resolve(KeyRing.KEY_FILE);
            assertThat(file).exists();
            String hex = Files.readString(file, StandardCharsets.US_ASCII).trim();
            assertThat(hex).matches("[0-9a-f]{64}");
            assertThat(first.currentVersion()).isEqualTo(KeyRing.of(hex).currentVersion());
            assertThat(first.secretsForMasking()).contains(hex);
            if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            }
            try (var listing = Files.list(dataDir)) {
                assertThat(listing.map(p -> p.getFileName().toString())).containsExactly(KeyRing.KEY_FILE);
            }
            assertThat(logs.list).anySatisfy(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.WARN);
                assertThat(e.getFormattedMessage()).contains(file.toAbsolutePath().toString())
                        .contains("ENCRYPTION_KEY").doesNotContain(hex);
            });

            logs.list.clear();
            KeyRing second = KeyRing.load(null, "", dataDir);
            assertThat(second.currentVersion()).isEqualTo(first.currentVersion());
            assertThat(Files.readString(file, StandardCharsets.US_ASCII).trim()).isEqualTo(hex);
            assertThat(logs.list).noneMatch(e -> e.getLevel() == Level.WARN);

            // a set ENCRYPTION_KEY wins over the file
            assertThat(KeyRing.load(KEY_A, null, dataDir).currentVersion()).isEqualTo(KeyRing.of(KEY_A).currentVersion());
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void previousKeysWorkWithTheKeyFileToo() {
        KeyRing ring = KeyRing.load("", KEY_A, tmp);
        assertThat(ring.versions()).hasSize(2).contains(KeyRing.of(KEY_A).currentVersion());
    }

    @Test
    void aDamagedKeyFileIsAnErrorNotSilentlyReplaced() throws Exception {
        Path file = tmp.resolve(KeyRing.KEY_FILE);
        Files.writeString(file, "not-a-key-0123456789\n");
        assertThatThrownBy(() -> KeyRing.load("", null, tmp))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageNotContaining("not-a-key-0123456789");
        assertThat(Files.readString(file)).isEqualTo("not-a-key-0123456789\n");
    }
}
