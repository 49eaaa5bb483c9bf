package dev.camelassistant.crypto;

import static dev.camelassistant.crypto.CredentialCipherTest.KEY_A;
import static dev.camelassistant.crypto.CredentialCipherTest.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.camelassistant.audit.AuditRecorder;
import dev.camelassistant.support.TestDatabaseExtension;
import dev.camelassistant.support.TestDatabases;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java ... dev.camelassistant.CamelAssistant credentials ...} as a separate process, the way
 * an operator runs it: real exit codes, and standard output holding nothing but what was asked for.
 */
class CredentialsCliProcessTest {

    record Result(int exitCode, String stdout, String stderr) {
    }

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();

    @TempDir
    Path dataDir;

    @BeforeEach
    void needsAnExternalDatabase() throws SQLException {
        Assumptions.assumeTrue(DB.url() != null,
                "TEST_DATABASE_URL is unset: the CLI process cannot reach the embedded test database");
        try (Connection c = DB.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM credentials");
            s.execute("DELETE FROM key_check");
        }
    }

    @Test
    void aCredentialSetThroughTheJarIsReadListedAndDeleted() throws Exception {
        String value = "line one\nzwei ✓ 🔑 密码";
        Result set = cli(env(KEY_A), value + "\n", "credentials", "set", "mail.password");
        assertThat(set.exitCode()).as(set.toString()).isZero();
        assertThat(set.stdout()).isEmpty();
        assertThat(set.stderr()).contains("camel-assistant: stored mail.password").doesNotContain("zwei");

        repository(KeyRing.of(KEY_A)).store("api.key", "other");

        Result get = cli(env(KEY_A), null, "credentials", "get", "mail.password");
        assertThat(get.exitCode()).as(get.toString()).isZero();
        assertThat(get.stdout()).isEqualTo(value + "\n");

        Result list = cli(env(KEY_A), null, "credentials", "list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.stdout()).isEqualTo("api.key\nmail.password\n");

        Result delete = cli(env(KEY_A), null, "credentials", "delete", "mail.password");
        assertThat(delete.exitCode()).isZero();
        assertThat(delete.stderr()).contains("camel-assistant: deleted mail.password");

        Result gone = cli(env(KEY_A), null, "credentials", "get", "mail.password");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.stdout()).isEmpty();
        assertThat(gone.stderr()).contains("no credential named 'mail.password'");

        assertThat(dataDir.resolve(KeyRing.KEY_FILE)).doesNotExist();
    }

    @Test
    void unknownSubcommandIsAUsageError() throws Exception {
        Result r = cli(env(KEY_A), null, "credentials", "frobnicate");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).contains("camel-assistant: unknown credentials subcommand 'frobnicate'");
    }

    @Test
    void malformedEncryptionKeyIsAConfigurationErrorThatDoesNotEchoTheValue() throws Exception {
        String malformed = "c0ffee" + "g".repeat(58);
        Result r = cli(env(malformed), null, "credentials", "list");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr().strip()).isEqualTo(
                "camel-assistant: configuration error: ENCRYPTION_KEY: must be 64 hexadecimal characters (32 bytes)");
        assertThat(r.stderr()).doesNotContain("c0ffee").doesNotContain("ggg");
    }

    @Test
    void aChangedKeyCannotAuthenticateUntilRotatedWithThePreviousKey() throws Exception {
        CredentialRepository underA = repository(KeyRing.of(KEY_A));
        underA.store("github.token", "ghp_example ✓");
        underA.store("smtp.password", "");

        Result wrongKey = cli(env(KEY_B), null, "credentials", "get", "github.token");
        assertThat(wrongKey.exitCode()).as(wrongKey.toString()).isEqualTo(3);
        assertThat(wrongKey.stdout()).isEmpty();
        assertThat(wrongKey.stderr()).contains("camel-assistant: credential 'github.token' could not be authenticated")
                .doesNotContain("ghp_example").doesNotContain(KEY_A).doesNotContain(KEY_B).doesNotContain("\tat ");

        Map<String, String> rotating = env(KEY_B);
        rotating.put("ENCRYPTION_KEYS_PREVIOUS", KEY_A);
        Result rotate = cli(rotating, null, "credentials", "rotate");
        assertThat(rotate.exitCode()).as(rotate.toString()).isZero();
        assertThat(rotate.stdout()).isEmpty();
        assertThat(rotate.stderr()).contains("camel-assistant: credentials: moved 2 row(s)\n")
                .containsPattern("camel-assistant: re-encrypted 2 row\\(s\\) under key version "
                                 + KeyRing.of(KEY_B).currentVersion() + " in \\d+ ms; no row is left under an earlier key");

        Result get = cli(env(KEY_B), null, "credentials", "get", "github.token");
        assertThat(get.exitCode()).as(get.toString()).isZero();
        assertThat(get.stdout()).isEqualTo("ghp_example ✓\n");
        assertThat(repository(KeyRing.of(KEY_B)).retrieve("smtp.password")).contains("");
    }

    private static CredentialRepository repository(KeyRing ring) {
        return new CredentialRepository(DB.dataSource(), new CredentialCipher(ring), AuditRecorder.NONE);
    }

    private Map<String, String> env(String key) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", DB.url());
        env.put("DATABASE_USER", TestDatabases.user());
        if (!TestDatabases.password().isEmpty()) {
            env.put("DATABASE_PASSWORD", TestDatabases.password());
        }
        env.put("ENCRYPTION_KEY", key);
        env.put("LOG_FORMAT", "text");
        env.put("DATA_DIR", dataDir.toString());
        return env;
    }

    private static Result cli(Map<String, String> env, String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx128m");
        cmd.add("-XX:TieredStopAtLevel=1"); // short-lived JVM: start fast
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.camelassistant.CamelAssistant");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // nothing from the developer's or CI's environment may leak in (a real ENCRYPTION_KEY, DATABASE_URL, ...)
        String path = System.getenv("PATH");
        pb.environment().clear();
        if (path != null) {
            pb.environment().put("PATH", path);
        }
        pb.environment().putAll(env);
        File stderrFile = File.createTempFile("credentials-cli-stderr", ".txt");
        stderrFile.deleteOnExit();
        pb.redirectError(stderrFile);
        Process p = pb.start();
        try {
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[] stdout;
            try (InputStream out = p.getInputStream()) {
                stdout = out.readAllBytes();
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("the CLI did not finish within 60 s: " + String.join(" ", args));
            }
            return new Result(p.exitValue(), new String(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderrFile.toPath(), StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(stderrFile.toPath());
        }
    }
}
