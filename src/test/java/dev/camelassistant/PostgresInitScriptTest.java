package dev.camelassistant;

import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.camelassistant.support.TestDatabases;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docker/postgres-init/01-bot-role.sh, which the postgres image runs on a new data volume, run here
 * the same way (psql as the superuser, the image's variables) against the local PostgreSQL
 * (TEST_DATABASE_URL), on a fresh database and a role of a fresh name, both dropped afterwards.
 */
class PostgresInitScriptTest {

    private static final Path SCRIPT = Path.of("docker/postgres-init/01-bot-role.sh");

    @Test
    void theBotsRoleOwnsItsDatabaseAndIsNoSuperuser() throws Exception {
        String server = System.getenv("TEST_DATABASE_URL");
        assumeTrue(server != null && !server.isBlank(), "TEST_DATABASE_URL is not set: no PostgreSQL to run the script on");
        assumeTrue(onPath("psql"), "psql is not installed: the script runs it");
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String database = "ca_init_" + suffix;
        String role = "ca_role_" + suffix;
        URI uri = URI.create(server.substring("jdbc:".length()));
        try (Connection admin = DriverManager.getConnection(server, TestDatabases.user(), TestDatabases.password());
             Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + database);
            try {
                ProcessBuilder pb = new ProcessBuilder("sh", SCRIPT.toString()).redirectErrorStream(true);
                pb.environment().putAll(Map.of("PGHOST", uri.getHost(), "PGPORT", String.valueOf(uri.getPort() > 0 ? uri.getPort() : 5432),
                        "PGPASSWORD", TestDatabases.password(), "POSTGRES_USER", TestDatabases.user(), "POSTGRES_DB", database,
                        "DATABASE_USER", role, "DATABASE_PASSWORD", "it's a \"quoted\" password; DROP ROLE x"));
                Process p = pb.start();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(output).isZero();

                String db = TestDatabases.withDatabase(server, database);
                try (Connection c = DriverManager.getConnection(db, TestDatabases.user(), TestDatabases.password());
                     Statement q = c.createStatement()) {
                    assertThat(single(q, "SELECT rolsuper::text || rolcreatedb::text || rolcreaterole::text || rolcanlogin::text"
                                         + " FROM pg_roles WHERE rolname = '" + role + "'")).isEqualTo("falsefalsefalsetrue");
                    assertThat(single(q, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"))
                            .isEqualTo(role);
                    assertThat(single(q, "SELECT rolpassword IS NOT NULL FROM pg_authid WHERE rolname = '" + role + "'")).isEqualTo("t");
                    // nobody but the owner (and superusers) may connect
                    assertThat(single(q, "SELECT datacl::text FROM pg_database WHERE datname = current_database()"))
                            .doesNotContain("{=").doesNotContain(",=");
                    assertThat(single(q, "SELECT count(*) FROM pg_database WHERE pg_get_userbyid(datdba) = '" + role + "'")).isEqualTo("1");
                }
                try (Connection c = DriverManager.getConnection(db, role, "it's a \"quoted\" password; DROP ROLE x");
                     Statement q = c.createStatement()) {
                    // Flyway creates the tables in the public schema as this role
                    q.execute("CREATE TABLE bot_table (id int)");
                    assertThatThrownBy(() -> q.execute("COPY (SELECT 1) TO PROGRAM 'true'"))
                            .isInstanceOf(SQLException.class)
                            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
                    assertThatThrownBy(() -> q.execute("CREATE ROLE intruder")).isInstanceOf(SQLException.class);
                }
            } finally {
                s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
                s.execute("DROP ROLE IF EXISTS " + role);
            }
        }
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, program).canExecute()) {
                return true;
            }
        }
        return false;
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
