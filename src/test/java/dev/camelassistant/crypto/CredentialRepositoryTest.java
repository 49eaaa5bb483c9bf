package dev.camelassistant.crypto;

import static dev.camelassistant.crypto.CredentialCipherTest.KEY_A;
import static dev.camelassistant.crypto.CredentialCipherTest.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.support.TestDatabaseExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CredentialRepositoryTest {

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();

    private final List<AuditEntry> audit = Collections.synchronizedList(new ArrayList<>());
    private CredentialRepository repo;

    @BeforeEach
    void emptyTable() throws SQLException {
        sql("DELETE FROM credentials");
        repo = repository(KeyRing.of(KEY_A));
    }

    private CredentialRepository repository(KeyRing ring) {
        return new CredentialRepository(DB.dataSource(), new CredentialCipher(ring), audit::add);
    }

    @Test
    void storesRetrievesListsAndDeletes() {
        repo.store("b.token", "value-b");
        repo.store("a.token", "value-a");
        repo.store("C:upper-case_1", "value-c");

        assertThat(repo.retrieve("a.token")).contains("value-a");
        assertThat(repo.retrieve("b.token")).contains("value-b");
        assertThat(repo.retrieve("missing")).isEmpty();
        assertThat(repo.list()).containsExactly("C:upper-case_1", "a.token", "b.token");

        assertThat(repo.delete("a.token")).isTrue();
        assertThat(repo.delete("a.token")).isFalse();
        assertThat(repo.retrieve("a.token")).isEmpty();
        assertThat(repo.list()).containsExactly("C:upper-case_1", "b.token");
    }

    @Test
    void storeReplacesAndTouchesUpdatedAt() throws Exception {
        repo.store("api", "first");
        String created = queryOne("SELECT created_at::text || '|' || updated_at::text FROM credentials WHERE name = 'api'");
        Thread.sleep(5);
        repo.store("api", "second");
        assertThat(repo.retrieve("api")).contains("second");
        assertThat(queryOne("SELECT count(*)::text FROM credentials")).isEqualTo("1");
        String[] before = created.split("\\|");
        String[] after = queryOne("SELECT created_at::text || '|' || updated_at::text FROM credentials WHERE name = 'api'")
                .split("\\|");
        assertThat(after[0]).isEqualTo(before[0]);
        assertThat(after[1]).isNotEqualTo(before[1]);
    }

    @Test
    void roundTripsEmptyUnicodeAndSixtyFourKibibyteValues() {
        String unicode = "ключ ✓ 🔑🐪 密码 パスワード";
        String big = "x".repeat(CredentialRepository.MAX_VALUE_BYTES);
        repo.store("empty", "");
        repo.store("unicode", unicode);
        repo.store("big", big);
        assertThat(repo.retrieve("empty")).contains("");
        assertThat(repo.retrieve("unicode")).contains(unicode);
        assertThat(repo.retrieve("big")).contains(big);
    }

    @Test
    void theRawRowHoldsNoPlaintext() throws Exception {
        String value = "plain-secret-value-4711 ✓";
        repo.store("visible.name", value);
        String row = queryOne("SELECT c::text FROM credentials c WHERE name = 'visible.name'");
        assertThat(row).contains("visible.name").doesNotContain(value).doesNotContain("plain-secret")
                .doesNotContain("4711");
        String ciphertext = queryOne("SELECT ciphertext FROM credentials WHERE name = 'visible.name'");
        String decoded = new String(Base64.getDecoder().decode(ciphertext), StandardCharsets.ISO_8859_1);
        assertThat(decoded).doesNotContain("plain-secret");
        assertThat(queryOne("SELECT key_version FROM credentials WHERE name = 'visible.name'"))
                .isEqualTo(KeyRing.of(KEY_A).currentVersion());
    }

    @Test
    void swappingTwoRowsCiphertextsMakesBothUnreadable() throws Exception {
        repo.store("alice", "alice-secret");
        repo.store("bob", "bob-secret");
        sql("""
                UPDATE credentials c
                   SET ciphertext = o.ciphertext, iv = o.iv, tag = o.tag
                  FROM credentials o
                 WHERE (c.name = 'alice' AND o.name = 'bob') OR (c.name = 'bob' AND o.name = 'alice')
                """);
        assertThatThrownBy(() -> repo.retrieve("alice"))
                .isInstanceOf(CredentialAuthenticationException.class)
                .hasMessageContaining("'alice'")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> repo.retrieve("bob")).isInstanceOf(CredentialAuthenticationException.class);
    }

    @Test
    void renamingARowMakesItUnreadable() throws Exception {
        repo.store("original", "v");
        assertThat(repo.retrieve("original")).contains("v");
        sql("UPDATE credentials SET name = 'renamed' WHERE name = 'original'");
        assertThatThrownBy(() -> repo.retrieve("renamed")).isInstanceOf(CredentialAuthenticationException.class);
    }

    @Test
    void tamperedColumnsInTheDatabaseFailAuthentication() throws Exception {
        for (String column : List.of("ciphertext", "iv", "tag")) {
            repo.store("t", "tamper-me");
            String stored = queryOne("SELECT " + column + " FROM credentials WHERE name = 't'");
            String flipped = CredentialCipherTest.flipBit(stored, 3);
            try (Connection c = DB.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("UPDATE credentials SET " + column + " = ? WHERE name = 't'")) {
                ps.setString(1, flipped);
                ps.executeUpdate();
            }
            assertThatThrownBy(() -> repo.retrieve("t")).as(column).isInstanceOf(CredentialAuthenticationException.class);
        }
    }

    @Test
    void namesAndValuesAreValidated() {
        for (String bad : new String[] {null, "", "has space", "slash/name", "ü", "a".repeat(129), "semi;colon", "new\nline"}) {
            assertThatThrownBy(() -> repo.store(bad, "v")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("credential name");
            assertThatThrownBy(() -> repo.retrieve(bad)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> repo.delete(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        repo.store("a".repeat(128), "longest name");
        repo.store("Aa0._:-", "all the punctuation");

        String tooBig = "é".repeat(CredentialRepository.MAX_VALUE_BYTES / 2) + "x"; // 65537 bytes of UTF-8
        assertThatThrownBy(() -> repo.store("big", tooBig))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too large").hasMessageContaining("65536")
                .hasMessageNotContaining("éé");
        assertThatThrownBy(() -> repo.store("null", null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(repo.list()).containsExactly("Aa0._:-", "a".repeat(128));
    }

    @Test
    void auditsStoreAndDeleteWithTheNameButNeverTheValue() {
        repo.store("audited", "do-not-log-me");
        repo.retrieve("audited");
        repo.list();
        repo.delete("audited");
        repo.delete("audited"); // nothing deleted: nothing to audit

        assertThat(audit).extracting(AuditEntry::action)
                .containsExactly("credential_store", "credential_delete");
        assertThat(audit.get(0).metadata()).isEqualTo(Map.of("name", "audited"));
        assertThat(audit.get(1).metadata()).isEqualTo(Map.of("name", "audited"));
        assertThat(audit).allSatisfy(e -> {
            assertThat(e.source()).isEqualTo("vault");
            assertThat(e.status()).isEqualTo(AuditEntry.Status.SUCCESS);
            assertThat(e.toString()).doesNotContain("do-not-log-me");
        });

        List<AuditEntry> cli = new ArrayList<>();
        new CredentialRepository(DB.dataSource(), new CredentialCipher(KeyRing.of(KEY_A)), cli::add, "cli").store("c", "v");
        assertThat(cli).singleElement().extracting(AuditEntry::source).isEqualTo("cli");
    }

    @Test
    void aFailingAuditRecorderDoesNotBreakTheVault() {
        CredentialRepository r = new CredentialRepository(DB.dataSource(), new CredentialCipher(KeyRing.of(KEY_A)),
                e -> {
                    throw new IllegalStateException("audit down");
                });
        r.store("n", "v");
        assertThat(r.retrieve("n")).contains("v");
    }

    private static void sql(String statement) throws SQLException {
        DataSource ds = DB.dataSource();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static String queryOne(String query) throws SQLException {
        try (Connection c = DB.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            assertThat(rs.next()).as("a row for " + query).isTrue();
            return rs.getString(1);
        }
    }
}
