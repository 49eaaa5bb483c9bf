package dev.camelassistant.audit;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.TestDatabases;
import org.apache.camel.CamelContext;

/** Helpers shared by the audit tests and benchmarks: a light Camel context running only the audit routes. */
final class AuditTestSupport {

    private AuditTestSupport() {
    }

    /**
     * The ids of every step of a route as its file names them (nested steps too, in order; a route made
     * from a template without its prefixId), each with "*" appended when Camel generated it instead.
     */
    static List<String> stepIds(CamelContext ctx, String routeId) {
        org.apache.camel.model.RouteDefinition route = ((org.apache.camel.model.ModelCamelContext) ctx).getRouteDefinition(routeId);
        List<String> out = new ArrayList<>();
        collectIds(route.getOutputs(), out);
        return out;
    }

    private static void collectIds(List<? extends org.apache.camel.model.ProcessorDefinition<?>> steps, List<String> out) {
        for (org.apache.camel.model.ProcessorDefinition<?> step : steps) {
            out.add(step.getId() + (step.hasCustomIdAssigned() ? "" : "*"));
            collectIds(step.getOutputs(), out);
            if (step instanceof org.apache.camel.model.TryDefinition doTry) {
                collectIds(doTry.getCatchClauses(), out);
            }
        }
    }

    static AuditEntry entry(String correlationId, int seq) {
        return AuditEntry.success(correlationId, "42", "test_entry", "test", Map.of("seq", seq));
    }

    static List<Integer> ints(DataSource ds, String sql) {
        List<Integer> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static List<String> strings(DataSource ds, String sql) {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static void execute(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs SQL against the server's maintenance database (TEST_DATABASE_URL), e.g. ALTER DATABASE. */
    static void executeAsAdmin(String sql) {
        String server = System.getenv("TEST_DATABASE_URL");
        try (Connection c = java.sql.DriverManager.getConnection(server, TestDatabases.user(), TestDatabases.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The database name of a TestDatabases on the external server. */
    static String databaseName(TestDatabases db) {
        String url = db.url();
        org.junit.jupiter.api.Assumptions.assumeTrue(url != null,
                "needs TEST_DATABASE_URL: the test makes its database refuse connections, which the embedded server cannot");
        String rest = url.substring(url.indexOf('/', "jdbc:postgresql://".length()) + 1);
        int q = rest.indexOf('?');
        return q < 0 ? rest : rest.substring(0, q);
    }

    /**
     * Makes a database refuse new connections and ends its sessions (PostgreSQL answers
     * "database ... is not currently accepting connections"), as when it is down for a while.
     */
    static void refuseConnections(TestDatabases db) {
        String name = databaseName(db);
        executeAsAdmin("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
        executeAsAdmin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
    }

    static void acceptConnections(TestDatabases db) {
        executeAsAdmin("ALTER DATABASE " + databaseName(db) + " ALLOW_CONNECTIONS true");
    }

    /** A HikariCP pool that can never connect (a closed port), failing after 250 ms like an unreachable server. */
    static HikariDataSource unreachablePool() {
        HikariConfig c = new HikariConfig();
        c.setPoolName("unreachable");
        c.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + BotRouteTestSupport.freePort() + "/nothing?connectTimeout=1");
        c.setUsername("postgres");
        c.setMaximumPoolSize(2);
        c.setMinimumIdle(0);
        c.setConnectionTimeout(250);
        c.setInitializationFailTimeout(-1);
        return new HikariDataSource(c);
    }

    /** Inserts one entry per statement with autocommit, as a writer without batching would. */
    static void insertOneByOne(DataSource ds, List<AuditEntry> entries) throws SQLException {
        try (Connection c = ds.getConnection()) {
            insertOneByOne(c, entries);
        }
    }

    static void insertOneByOne(Connection c, List<AuditEntry> entries) throws SQLException {
        // the baseline of AuditBenchmark: plain JDBC, the statement of sql/audit-insert.sql with ? for its names
        String sql;
        try (java.io.InputStream in = AuditTestSupport.class.getResourceAsStream("/sql/audit-insert.sql")) {
            sql = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        List<String> names = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(":#(\\w+)").matcher(sql);
        while (m.find()) {
            names.add(m.group(1));
        }
        String jdbc = sql.replaceAll(":#(\\w+)", "?");
        try (PreparedStatement ps = c.prepareStatement(jdbc)) {
            c.setAutoCommit(true);
            for (AuditEntry e : entries) {
                Map<String, Object> row = AuditRows.toRow(e);
                for (int i = 0; i < names.size(); i++) {
                    ps.setObject(i + 1, row.get(names.get(i)));
                }
                ps.executeUpdate();
            }
        }
    }

    /** A DataSource that can be pointed at another one at any time: the database "goes away" and "comes back". */
    static final class SwitchableDataSource implements DataSource {
        private final AtomicReference<DataSource> current;

        SwitchableDataSource(DataSource initial) {
            this.current = new AtomicReference<>(initial);
        }

        void switchTo(DataSource ds) {
            current.set(ds);
        }

        @Override
        public Connection getConnection() throws SQLException {
            return current.get().getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return current.get().getConnection(username, password);
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
