package dev.camelassistant.crypto;

import static dev.camelassistant.crypto.CredentialCipherTest.KEY_A;
import static dev.camelassistant.crypto.CredentialCipherTest.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import javax.sql.DataSource;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditRecorder;
import dev.camelassistant.support.TestDatabaseExtension;
import dev.camelassistant.support.TestDatabases;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@link CredentialsCli#run} in this JVM: argument handling, stdin and exit codes. */
class CredentialsCliTest {

    record Result(int exitCode, String stdout, String stderr) {
    }

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();

    @TempDir
    Path dataDir;

    @BeforeEach
    void emptyTable() throws SQLException {
        try (Connection c = DB.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM credentials");
            s.execute("DELETE FROM key_check");
        }
    }

    @Test
    void keygenPrintsANewKey() {
        Result first = run(Map.of(), null, "keygen");
        Result second = run(Map.of(), null, "keygen");
        assertThat(first.exitCode()).isZero();
        assertThat(first.stdout()).matches("[0-9a-f]{64}\n");
        assertThat(first.stderr()).isEmpty();
        assertThat(second.stdout()).isNotEqualTo(first.stdout());
        assertThat(run(Map.of(), null, "keygen", "extra").exitCode()).isEqualTo(2);
    }

    @Test
    void usageErrorsExitWithTwoAndOneLine() {
        assertUsage(run(env(KEY_A), null), "expected keygen or credentials");
        assertUsage(run(env(KEY_A), null, "credentials"), "needs a subcommand");
        assertUsage(run(env(KEY_A), null, "credentials", "frobnicate"), "unknown credentials subcommand 'frobnicate'");
        assertUsage(run(env(KEY_A), null, "credentials", "get"), "usage: credentials get NAME");
        assertUsage(run(env(KEY_A), null, "credentials", "set", "a", "b"), "usage: credentials set NAME");
        assertUsage(run(env(KEY_A), null, "credentials", "list", "x"), "usage: credentials list");
        assertUsage(run(env(KEY_A), "v", "credentials", "set", "bad name"), "invalid credential name");
        assertUsage(run(env(KEY_A), null, "credentials", "get", "x".repeat(129)), "invalid credential name");
    }

    @Test
    void configurationErrorsNameTheVariableButNotTheValue() {
        Map<String, String> badKey = env("0123456789abcdef-not-hex");
        Result r = run(badKey, null, "credentials", "list");
        assertUsage(r, "configuration error: ENCRYPTION_KEY: must be 64 hexadecimal characters");
        assertThat(r.stderr()).doesNotContain("0123456789abcdef");

        Map<String, String> badPrevious = env(KEY_A);
        badPrevious.put("ENCRYPTION_KEYS_PREVIOUS", KEY_B + ",deadbeefcafe");
        r = run(badPrevious, null, "credentials", "rotate");
        assertUsage(r, "configuration error: ENCRYPTION_KEYS_PREVIOUS:");
        assertThat(r.stderr()).doesNotContain("deadbeefcafe").doesNotContain(KEY_B);

        Map<String, String> badUrl = env(KEY_A);
        badUrl.put("DATABASE_URL", "mysql://somewhere/db");
        assertUsage(run(badUrl, null, "credentials", "list"), "configuration error: DATABASE_URL:");

        // bot settings are not needed and not checked
        Map<String, String> withBotJunk = env(KEY_A);
        withBotJunk.put("TELEGRAM_BOT_TOKEN", "nonsense");
        withBotJunk.put("APP_ROLE", "bot");
        if (DB.url() != null) {
            assertThat(run(withBotJunk, null, "credentials", "list").exitCode()).isZero();
        }
    }

    @Test
    void credentialCommandsSetGetListDeleteAndRotateWithTheDocumentedExitCodes() {
        requireExternalDatabase();
        Result set = run(env(KEY_A), "s3cret ✓ 🐪\n", "credentials", "set", "mail.password");
        assertThat(set.exitCode()).isZero();
        assertThat(set.stdout()).isEmpty();
        assertThat(set.stderr()).isEqualTo("camel-assistant: stored mail.password\n");
        assertThat(run(env(KEY_A), "other", "credentials", "set", "api.key").exitCode()).isZero();

        Result get = run(env(KEY_A), null, "credentials", "get", "mail.password");
        assertThat(get.exitCode()).isZero();
        assertThat(get.stdout()).isEqualTo("s3cret ✓ 🐪\n");
        assertThat(get.stderr()).isEmpty();

        assertThat(run(env(KEY_A), null, "credentials", "list").stdout()).isEqualTo("api.key\nmail.password\n");

        Result missing = run(env(KEY_A), null, "credentials", "get", "nope");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.stdout()).isEmpty();
        assertThat(missing.stderr()).isEqualTo("camel-assistant: no credential named 'nope'\n");
        assertThat(run(env(KEY_A), null, "credentials", "delete", "nope").exitCode()).isEqualTo(1);

        Result delete = run(env(KEY_A), null, "credentials", "delete", "api.key");
        assertThat(delete.exitCode()).isZero();
        assertThat(delete.stderr()).isEqualTo("camel-assistant: deleted api.key\n");
        assertThat(run(env(KEY_A), null, "credentials", "get", "api.key").exitCode()).isEqualTo(1);

        Result notAuthentic = run(env(KEY_B), null, "credentials", "get", "mail.password");
        assertThat(notAuthentic.exitCode()).isEqualTo(3);
        assertThat(notAuthentic.stderr()).startsWith("camel-assistant: credential 'mail.password' could not be authenticated")
                .doesNotContain("s3cret").doesNotContain(KEY_A).doesNotContain(KEY_B);
        assertThat(notAuthentic.stderr().lines()).hasSize(1);

        Map<String, String> rotating = env(KEY_B);
        rotating.put("ENCRYPTION_KEYS_PREVIOUS", KEY_A);
        Result rotate = run(rotating, null, "credentials", "rotate");
        assertThat(rotate.exitCode()).isZero();
        // one line per encrypted table, in EncryptedColumns' order: only the credential had a row
        StringBuilder perTable = new StringBuilder();
        for (EncryptedColumns.Column column : EncryptedColumns.ALL) {
            perTable.append("camel-assistant: ").append(column.table()).append(": moved ")
                    .append(column.table().equals("credentials") ? 1 : 0).append(" row\\(s\\)\n");
        }
        assertThat(EncryptedColumns.ALL.get(0).table()).isEqualTo("credentials");
        assertThat(rotate.stderr()).matches(perTable
                                            + "camel-assistant: re-encrypted 1 row\\(s\\) under key version "
                                            + KeyRing.of(KEY_B).currentVersion() + " in \\d+ ms; no row is left under an"
                                            + " earlier key: the earlier keys can be removed from ENCRYPTION_KEYS_PREVIOUS\n");
        assertThat(run(env(KEY_B), null, "credentials", "get", "mail.password").stdout()).isEqualTo("s3cret ✓ 🐪\n");

        // the retired key alone no longer opens the database: rotate refuses before it moves anything
        Result retired = run(env(KEY_A), null, "credentials", "rotate");
        assertUsage(retired, "configuration error: ENCRYPTION_KEY: is not the key this database was written with");
        assertThat(retired.stderr()).doesNotContain(KEY_A).doesNotContain(KEY_B);
        assertThat(run(env(KEY_B), null, "credentials", "get", "mail.password").stdout()).isEqualTo("s3cret ✓ 🐪\n");
    }

    @Test
    void theCliAuditsThroughTheFactoryHook() {
        requireExternalDatabase();
        List<AuditEntry> entries = Collections.synchronizedList(new ArrayList<>());
        Function<DataSource, AuditRecorder> before = CredentialsCli.auditRecorderFactory;
        CredentialsCli.auditRecorderFactory = ds -> entries::add;
        try {
            run(env(KEY_A), "v", "credentials", "set", "audited");
            run(env(KEY_A), null, "credentials", "get", "audited");
            run(env(KEY_A), null, "credentials", "delete", "audited");
        } finally {
            CredentialsCli.auditRecorderFactory = before;
        }
        assertThat(entries).extracting(AuditEntry::action).containsExactly("credential_store", "credential_delete");
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.source()).isEqualTo("cli");
            assertThat(e.metadata()).isEqualTo(Map.of("name", "audited"));
        });
    }

    @Test
    void setRejectsTooLargeOrInvalidInputBeforeTouchingTheDatabase() {
        Map<String, String> unreachable = env(KEY_A);
        unreachable.put("DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/none");
        byte[] big = new byte[CredentialRepository.MAX_VALUE_BYTES + 1];
        java.util.Arrays.fill(big, (byte) 'x');
        Result r = runBytes(unreachable, big, "credentials", "set", "big");
        assertUsage(r, "credential value is too large");
        assertThat(r.stderr()).doesNotContain("xxxx");

        r = runBytes(unreachable, new byte[] {'o', 'k', (byte) 0xC3}, "credentials", "set", "latin1");
        assertUsage(r, "not valid UTF-8");
    }

    @Test
    void anUnreachableDatabaseIsOneLineWithoutAStackTrace() {
        Map<String, String> unreachable = env(KEY_A);
        unreachable.put("DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/none");
        Result r = run(unreachable, null, "credentials", "list");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).startsWith("camel-assistant: ").doesNotContain("\tat ").doesNotContain(KEY_A);
        assertThat(r.stderr().lines()).hasSize(1);
    }

    @Test
    void withoutEncryptionKeyTheCliUsesTheKeyFileInDataDir() {
        requireExternalDatabase();
        Map<String, String> env = env(null);
        assertThat(run(env, "v", "credentials", "set", "k").exitCode()).isZero();
        assertThat(dataDir.resolve(KeyRing.KEY_FILE)).exists();
        assertThat(run(env, null, "credentials", "get", "k").stdout()).isEqualTo("v\n");
    }

    @Test
    void readValueStripsExactlyOneTrailingNewline() throws IOException {
        assertThat(read("value\n")).isEqualTo("value");
        assertThat(read("value\r\n")).isEqualTo("value");
        assertThat(read("value")).isEqualTo("value");
        assertThat(read("value\n\n")).isEqualTo("value\n");
        assertThat(read("value\r\n\r\n")).isEqualTo("value\r\n");
        assertThat(read("two\nlines\n")).isEqualTo("two\nlines");
        assertThat(read("value\r")).isEqualTo("value\r");
        assertThat(read("\n")).isEmpty();
        assertThat(read("")).isEmpty();
        assertThat(read("ü ✓ 🐪\n")).isEqualTo("ü ✓ 🐪");

        String max = "y".repeat(CredentialRepository.MAX_VALUE_BYTES);
        assertThat(read(max + "\r\n")).isEqualTo(max);
        assertThatThrownBy(() -> read(max + "z\n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too large");
    }

    private static String read(String stdin) throws IOException {
        return CredentialsCli.readValue(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertUsage(Result r, String message) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).startsWith("camel-assistant: ").contains(message).doesNotContain("Exception");
        assertThat(r.stderr().lines()).as(r.stderr()).hasSize(1);
    }

    private void requireExternalDatabase() {
        Assumptions.assumeTrue(DB.url() != null, "needs TEST_DATABASE_URL (a PostgreSQL the CLI can reach by URL)");
    }

    private Map<String, String> env(String key) {
        Map<String, String> env = new HashMap<>();
        if (DB.url() != null) {
            env.put("DATABASE_URL", DB.url());
        } else {
            env.put("DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/no-external-test-database");
        }
        env.put("DATABASE_USER", TestDatabases.user());
        env.put("DATABASE_PASSWORD", TestDatabases.password());
        env.put("DATA_DIR", dataDir.toString());
        if (key != null) {
            env.put("ENCRYPTION_KEY", key);
        }
        return env;
    }

    private static Result run(Map<String, String> env, String stdin, String... args) {
        return runBytes(env, stdin == null ? new byte[0] : stdin.getBytes(StandardCharsets.UTF_8), args);
    }

    private static Result runBytes(Map<String, String> env, byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CredentialsCli.run(args, new ByteArrayInputStream(stdin), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
