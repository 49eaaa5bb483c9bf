package dev.camelassistant.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import dev.camelassistant.config.Database;

/**
 * A fresh, migrated database for one test class: a new database on the server named by
 * TEST_DATABASE_URL (CI: the local PostgreSQL), or an embedded PostgreSQL in a temporary folder
 * when that variable is unset. {@link #close()} drops the database again.
 */
public final class TestDatabases implements AutoCloseable {

    private final Database database;
    private final String adminUrl;
    private final String name;
    private final String url;

    private TestDatabases(Database database, String adminUrl, String name, String url) {
        this.database = database;
        this.adminUrl = adminUrl;
        this.name = name;
        this.url = url;
    }

    public static TestDatabases create() {
        String server = System.getenv("TEST_DATABASE_URL");
        try {
            if (server == null || server.isBlank()) {
                Path dir = Files.createTempDirectory("camel-assistant-test-db");
                Database db = Database.open(null, null, null, dir, 4);
                db.migrate();
                return new TestDatabases(db, null, null, null);
            }
            String name = "ca_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
            try (Connection c = DriverManager.getConnection(server, user(), password()); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name);
            }
            String url = withDatabase(server, name);
            Database db = Database.open(url, user(), password(), Path.of("target"), 4);
            db.migrate();
            return new TestDatabases(db, server, name, url);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create a test database: " + e.getMessage(), e);
        }
    }

    /** The JDBC URL of this test database on the external server, or null when embedded. */
    public String url() {
        return url;
    }

    /** A JDBC URL that reaches this test database, external or embedded. */
    public String jdbcUrl() {
        return url != null ? url : database.jdbcUrl();
    }

    public Database database() {
        return database;
    }

    public javax.sql.DataSource dataSource() {
        return database.dataSource();
    }

    public static String user() {
        String u = System.getenv("TEST_DATABASE_USER");
        return u == null ? "postgres" : u;
    }

    public static String password() {
        String p = System.getenv("TEST_DATABASE_PASSWORD");
        return p == null ? "" : p;
    }

    /** jdbc:postgresql://host:port/anything?x → jdbc:postgresql://host:port/name?x */
    public static String withDatabase(String serverUrl, String name) {
        int slash = serverUrl.indexOf('/', "jdbc:postgresql://".length());
        int query = serverUrl.indexOf('?');
        String base = slash < 0 ? (query < 0 ? serverUrl : serverUrl.substring(0, query)) : serverUrl.substring(0, slash);
        String params = query < 0 ? "" : serverUrl.substring(query);
        return base + "/" + name + params;
    }

    @Override
    public void close() {
        database.close();
        if (adminUrl != null) {
            try (Connection c = DriverManager.getConnection(adminUrl, user(), password()); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                System.err.println("could not drop test database " + name + ": " + e.getMessage());
            }
        }
    }

    /** {@link Sql#count} on this database. */
    public long count(String sql) {
        return Sql.count(dataSource(), sql);
    }
}
