package dev.camelassistant.crypto;

import static dev.camelassistant.crypto.CredentialCipherTest.KEY_A;
import static dev.camelassistant.crypto.CredentialCipherTest.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;

import dev.camelassistant.audit.AuditRecorder;
import dev.camelassistant.support.Sql;
import dev.camelassistant.support.TestDatabaseExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link KeyCheck} against a real PostgreSQL: which keys a start accepts, and that a refusal changes nothing. */
class KeyCheckTest {

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();

    static final String KEY_C = "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf";
    static final String A = KeyRing.of(KEY_A).currentVersion();
    static final String B = KeyRing.of(KEY_B).currentVersion();

    @BeforeEach
    void empty() throws SQLException {
        sql("DELETE FROM key_check");
        sql("DELETE FROM credentials");
    }

    @Test
    void theFirstStartRecordsTheKeyAndTheNextStartWithTheSameKeyIsVerified() throws Exception {
        assertThat(verify(KEY_A)).isEqualTo(KeyCheck.Outcome.RECORDED);
        assertThat(versions()).isEqualTo(A);
        assertThat(Sql.count(DB.dataSource(), "SELECT count(*) FROM key_check WHERE ciphertext LIKE '%key check%'"))
                .as("the check value is stored encrypted").isZero();
        assertThat(verify(KEY_A)).isEqualTo(KeyCheck.Outcome.VERIFIED);
        assertThat(versions()).isEqualTo(A);
    }

    @Test
    void anotherKeyIsRefusedWithOneLineNamingEncryptionKeyAndNothingIsRecorded() throws Exception {
        verify(KEY_A);
        assertThatThrownBy(() -> verify(KEY_B))
                .isInstanceOf(KeyCheck.Refused.class)
                .hasMessageStartingWith("ENCRYPTION_KEY: is not the key this database was written with")
                .hasMessageContaining(A).hasMessageContaining(B)
                .hasMessageNotContaining(KEY_A).hasMessageNotContaining(KEY_B)
                .hasMessageNotContaining(KEY_A.toUpperCase()).hasMessageNotContaining("\n");
        assertThat(versions()).as("nothing recorded for the refused key").isEqualTo(A);
        // positive control: the right key still passes
        assertThat(verify(KEY_A)).isEqualTo(KeyCheck.Outcome.VERIFIED);
    }

    @Test
    void aNewKeyWithTheEarlierOneInPreviousIsRecordedAsARotationBegun() throws Exception {
        verify(KEY_A);
        assertThat(verify(KEY_B, KEY_A)).isEqualTo(KeyCheck.Outcome.RECORDED);
        assertThat(versions()).isEqualTo(sorted(A, B));
        // a third key whose previous key is only B: B opened its row, so C is a rotation too
        assertThat(verify(KEY_C, KEY_B)).isEqualTo(KeyCheck.Outcome.RECORDED);
        // a retired key's row that no configured key opens does not block a start
        assertThat(verify(KEY_C)).isEqualTo(KeyCheck.Outcome.VERIFIED);
    }

    @Test
    void aKeyThatClaimsAVersionButDoesNotOpenItsRowIsRefused() throws Exception {
        verify(KEY_A);
        String tag = CredentialCipherTest.flipBit(string("SELECT tag FROM key_check"), 0);
        sql("UPDATE key_check SET tag = '" + tag + "'");
        assertThatThrownBy(() -> verify(KEY_A)).isInstanceOf(KeyCheck.Refused.class)
                .hasMessageStartingWith("ENCRYPTION_KEY: the key of version " + A + " does not open this database's key check");
        assertThatThrownBy(() -> verify(KEY_B, KEY_A)).isInstanceOf(KeyCheck.Refused.class)
                .hasMessageStartingWith("ENCRYPTION_KEYS_PREVIOUS: the key of version " + A);
        assertThat(versions()).isEqualTo(A);
    }

    @Test
    void withoutAKeyCheckYetEncryptedRowsUnderAnotherKeyAreRefusedAndRowsUnderTheRingAreAccepted() throws Exception {
        repository(KEY_A).store("api.key", "written before key checks existed");
        assertThatThrownBy(() -> verify(KEY_B)).isInstanceOf(KeyCheck.Refused.class)
                .hasMessageStartingWith("ENCRYPTION_KEY: is not the key this database was written with (its data is under key version "
                                        + A + ";");
        assertThat(versions()).isEmpty();
        // positive controls: the key the rows were written with, or a new key with it in previous
        assertThat(verify(KEY_B, KEY_A)).isEqualTo(KeyCheck.Outcome.RECORDED);
        assertThat(versions()).isEqualTo(B);
        sql("DELETE FROM key_check");
        assertThat(verify(KEY_A)).isEqualTo(KeyCheck.Outcome.RECORDED);
    }

    @Test
    void aRotationThatMovedEveryRowRemovesTheEarlierChecksSoTheRetiredKeyAloneIsRefused() throws Exception {
        repository(KEY_A).store("api.key", "v");
        verify(KEY_A);
        KeyRotation.Result r = new KeyRotation(DB.dataSource(), new CredentialCipher(KeyRing.of(KEY_B, KEY_A)),
                AuditRecorder.NONE).rotate();
        assertThat(r.complete()).isTrue();
        assertThat(versions()).isEqualTo(B);
        assertThatThrownBy(() -> verify(KEY_A)).isInstanceOf(KeyCheck.Refused.class);
        assertThat(verify(KEY_B)).isEqualTo(KeyCheck.Outcome.VERIFIED);
    }

    private static KeyCheck.Outcome verify(String current, String... previous) throws SQLException {
        return KeyCheck.verify(DB.dataSource(), new CredentialCipher(KeyRing.of(current, previous)));
    }

    private static CredentialRepository repository(String key) {
        return new CredentialRepository(DB.dataSource(), new CredentialCipher(KeyRing.of(key)), AuditRecorder.NONE);
    }

    /** The stored key versions, sorted, comma-separated ("" when none). */
    private static String versions() {
        String s = string("SELECT coalesce(string_agg(key_version, ',' ORDER BY key_version), '') FROM key_check");
        return s == null ? "" : s;
    }

    private static String sorted(String a, String b) {
        return a.compareTo(b) < 0 ? a + "," + b : b + "," + a;
    }

    static String string(String sql) {
        return Sql.string(DB.dataSource(), sql);
    }

    private static void sql(String sql) throws SQLException {
        Sql.execute(DB.dataSource(), sql);
    }
}
