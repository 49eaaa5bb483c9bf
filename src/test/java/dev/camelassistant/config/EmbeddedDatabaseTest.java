package dev.camelassistant.config;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.camelassistant.crypto.CredentialsCli;
import dev.camelassistant.logging.LogMasker;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded PostgreSQL (DATABASE_URL unset) is locked: passwords for every connection, loopback
 * only, the bot as a role that is not a superuser; and a DATA_DIR of an earlier version (trust,
 * everything owned by postgres) is migrated on start. Each start of the embedded server costs
 * time, so each test checks everything it can on the starts it needs.
 */
class EmbeddedDatabaseTest {

    private static final String KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    @Test
    void aFreshDataDirIsLockedAndTheCliStillWorks(@TempDir Path dataDir) throws Exception {
        Path passwordFile = dataDir.resolve(EmbeddedServer.PASSWORD_FILE);
        try (Database db = Database.open(null, null, null, dataDir, 2)) {
            assertThat(db.migrate()).isPositive();
            assertRunsAsAProductionServer(dataDir, db);
            Properties passwords = passwords(passwordFile);
            String app = passwords.getProperty("assistant");
            String superuser = passwords.getProperty("postgres");
            assertThat(app).hasSizeGreaterThanOrEqualTo(32).isNotEqualTo(superuser);
            assertThat(superuser).hasSizeGreaterThanOrEqualTo(32);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
            assertThat(db.description()).contains(passwordFile.toAbsolutePath().toString())
                    .doesNotContain(app).doesNotContain(superuser);
            assertThat(LogMasker.mask("url?password=" + app + " and " + superuser)).doesNotContain(app, superuser);

            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                assertThat(single(s, "SELECT current_user")).isEqualTo("assistant");
                assertThat(single(s, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user")).isEqualTo("false");
                assertThat(single(s, "SHOW listen_addresses")).isEqualTo("localhost");
                assertThatThrownBy(() -> s.execute("COPY (SELECT 1) TO PROGRAM 'true'"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
            }

            String server = serverUrl(db);
            for (String role : List.of("assistant", "postgres")) {
                assertThatThrownBy(() -> connect(server, role, null)).isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> connect(server, role, "not-the-password"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
            }
            try (Connection c = connect(server, "assistant", app); Statement s = c.createStatement()) {
                assertThat(single(s, "SELECT count(*) FROM credentials")).isEqualTo("0");
            }
            try (Connection c = connect(server, "postgres", superuser); Statement s = c.createStatement()) {
                assertThat(single(s, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user")).isEqualTo("true");
                // every rule pg_hba.conf holds (socket and TCP) asks for a SCRAM password
                assertThat(rows(s, "SELECT type || ' ' || auth_method || ' ' || coalesce(error, '') FROM pg_hba_file_rules"))
                        .containsExactlyInAnyOrder("local scram-sha-256 ", "host scram-sha-256 ", "host scram-sha-256 ");
            }
        }

        // the CLI opens the same embedded database
        Map<String, String> env = Map.of("DATA_DIR", dataDir.toString(), "ENCRYPTION_KEY", KEY);
        assertThat(cli(env, "s3cret-value", "credentials", "set", "demo")).startsWith("0");

        // a lost password file: the next start locks the database again with new passwords
        String before = Files.readString(passwordFile);
        Files.delete(passwordFile);
        assertThat(cli(env, null, "credentials", "get", "demo")).isEqualTo("0 s3cret-value");
        assertThat(Files.readString(passwordFile)).isNotEqualTo(before);
    }

    @Test
    void anOldStyleDataDirIsMigratedAndItsRowsStayReadable(@TempDir Path dataDir) throws Exception {
        // the previous version: zonky's defaults (trust), everything as the superuser in database postgres,
        // here migrated only up to V2 so that the bot's role must then run V3 and V4 itself
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dataDir.resolve("postgres"))
                .setCleanDataDirectory(false).start()) {
            Flyway.configure().dataSource(old.getPostgresDatabase()).locations("classpath:db/migration").target("2")
                    .load().migrate();
            try (Connection c = old.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO audit_trail (correlation_id, action, status) VALUES ('old-1', 'test', 'success')");
                s.execute("INSERT INTO credentials (name, ciphertext, iv, tag, key_version) VALUES ('old', 'c', 'i', 't', 'v1')");
            }
        }
        assertThat(Files.exists(dataDir.resolve(EmbeddedServer.PASSWORD_FILE))).isFalse();

        try (Database db = Database.open(null, null, null, dataDir, 2)) {
            // every migration after V2, run by the bot's own role
            assertThat(db.migrate()).isEqualTo(migrationsAfter(2));
            // zonky caches the programs it unpacked (here in its default folder) per resolver, not per folder
            assertRunsAsAProductionServer(dataDir, db);
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                assertThat(single(s, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user")).isEqualTo("false");
                assertThat(single(s, "SELECT correlation_id FROM audit_trail")).isEqualTo("old-1");
                assertThat(single(s, "SELECT name FROM credentials")).isEqualTo("old");
                s.execute("INSERT INTO audit_trail (correlation_id, action, status) VALUES ('new-1', 'test', 'success')");
                s.execute("UPDATE credentials SET ciphertext = 'c2' WHERE name = 'old'");
                s.execute("INSERT INTO telegram_inbox (chat_id, message_id, correlation_id) VALUES (1, 1, 'new-1')");
                assertThat(single(s, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                     + "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) <> 'assistant'")).isEqualTo("0");
                assertThatThrownBy(() -> s.execute("COPY (SELECT 1) TO PROGRAM 'true'")).isInstanceOf(SQLException.class);
            }
            assertThatThrownBy(() -> connect(serverUrl(db), "postgres", null)).isInstanceOf(SQLException.class);
        }
        assertThat(EmbeddedServer.isLocked(dataDir.resolve("postgres"))).isTrue();
    }

    /**
     * The server's programs run from DATA_DIR (a folder private to this user), and fsync and
     * synchronous commit are on: as the server reports them, and on its command line, where zonky's
     * -F (fsync off) is followed by -c fsync=on.
     */
    private static void assertRunsAsAProductionServer(Path dataDir, Database db) throws Exception {
        Path binaries = dataDir.resolve(EmbeddedBinaries.FOLDER).toRealPath();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(binaries))).isEqualTo("rwx------");
        long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).trim());
        assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(postmaster), "exe"))).startsWith(binaries);
        List<String> command = List.of(Files.readString(Path.of("/proc", Long.toString(postmaster), "cmdline")).split("\0"));
        assertThat(command.get(0)).startsWith(binaries.toString());
        assertThat(command).contains("fsync=on", "synchronous_commit=on", "full_page_writes=on")
                .doesNotContain("fsync=off", "synchronous_commit=off");
        assertThat(command.lastIndexOf("fsync=on")).isGreaterThan(command.lastIndexOf("-F"));
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            String backend = single(s, "SELECT pg_backend_pid()");
            assertThat(Files.readSymbolicLink(Path.of("/proc", backend, "exe"))).startsWith(binaries);
            assertThat(single(s, "SHOW fsync")).isEqualTo("on");
            assertThat(single(s, "SHOW synchronous_commit")).isEqualTo("on");
            assertThat(single(s, "SHOW full_page_writes")).isEqualTo("on");
        }
    }

    private static String cli(Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        InputStream in = new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8));
        int code = CredentialsCli.run(args, in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("error", "cannot");
        return (code + " " + out.toString(StandardCharsets.UTF_8)).strip();
    }

    private static Properties passwords(Path file) throws Exception {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p;
    }

    /** jdbc:postgresql://localhost:port/postgres, without role or password. */
    private static String serverUrl(Database db) {
        return db.jdbcUrl().substring(0, db.jdbcUrl().indexOf('?'));
    }

    private static Connection connect(String url, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        return DriverManager.getConnection(url, p);
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static List<String> rows(Statement s, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** How many migrations in db/migration have a version above {@code version}. */
    private static int migrationsAfter(int version) throws Exception {
        try (var files = Files.list(Path.of(EmbeddedDatabaseTest.class.getResource("/db/migration").toURI()))) {
            return (int) files.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .filter(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))) > version)
                    .count();
        }
    }
}
