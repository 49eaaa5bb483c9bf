package dev.camelassistant.config;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bot's PostgreSQL: the one named by DATABASE_URL, or an embedded PostgreSQL whose data lives
 * in DATA_DIR/postgres when DATABASE_URL is unset (locked with passwords, see {@link EmbeddedServer}).
 * Opens a HikariCP pool and applies the Flyway migrations; {@link #close()} closes the pool and
 * stops the embedded server.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource dataSource;
    private final EmbeddedPostgres embedded;
    private final String description;
    private final String jdbcUrl;
    private final HikariConfig config;
    private final java.util.List<HikariDataSource> extraPools = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Database(HikariDataSource dataSource, EmbeddedPostgres embedded, String description, String jdbcUrl,
                     HikariConfig config) {
        this.dataSource = dataSource;
        this.embedded = embedded;
        this.description = description;
        this.jdbcUrl = jdbcUrl;
        this.config = config;
    }

    /** Whether a pool's commits wait for the WAL flush (the server's synchronous_commit) or not. */
    public enum Commits {
        /** what the bot promised rests on it (the inbox's record, the outbox's reply): survives a power cut */
        DURABLE,
        /** losing the last few hundred ms of it to an operating-system crash loses nothing promised */
        ASYNCHRONOUS
    }

    /**
     * A small extra pool on the same database whose callers must never wait long for a connection
     * (the Telegram inbox): it gives up after {@code connectionTimeoutMs} (at least 250 ms).
     */
    public DataSource fastFailPool(String name, int size, long connectionTimeoutMs, Commits commits) {
        HikariConfig c = new HikariConfig();
        config.copyStateTo(c);
        c.setPoolName(name);
        c.setMaximumPoolSize(size);
        c.setMinimumIdle(1);
        c.setConnectionTimeout(Math.max(250, connectionTimeoutMs));
        c.setValidationTimeout(250);
        if (commits == Commits.ASYNCHRONOUS) {
            // a commit here need not wait for the WAL flush: the row survives a crash of the bot; an
            // operating-system crash or a power cut may lose the last ~600 ms of commits, whole
            c.setConnectionInitSql("SET synchronous_commit = off");
        }
        HikariDataSource ds = new HikariDataSource(c);
        extraPools.add(ds);
        return ds;
    }

    /**
     * The JDBC URL in use; for the embedded server it names the bot's role and holds its password, so
     * that it works on its own. May hold credentials: do not log.
     */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /**
     * @param url      a jdbc:postgresql:// URL, or null/blank for the embedded server
     * @param poolSize the most connections the pool opens
     */
    public static Database open(String url, String user, String password, Path dataDir, int poolSize) {
        EmbeddedPostgres embedded = null;
        String jdbcUrl = url;
        String poolUrl = url;
        String description;
        try {
            if (url == null || url.isBlank()) {
                EmbeddedServer server = EmbeddedServer.start(dataDir);
                embedded = server.postgres();
                poolUrl = server.poolUrl();
                jdbcUrl = server.urlWithPassword();
                user = server.user();
                password = server.password();
                description = "embedded PostgreSQL in " + dataDir.resolve("postgres").toAbsolutePath() + " (localhost:"
                              + server.port() + ", database " + EmbeddedServer.DATABASE + ", role " + server.user()
                              + ", password in " + dataDir.resolve(EmbeddedServer.PASSWORD_FILE).toAbsolutePath() + ")";
            } else {
                description = "PostgreSQL at " + hostAndDatabase(url);
            }
            HikariConfig config = new HikariConfig();
            config.setPoolName("camel-assistant");
            config.setJdbcUrl(poolUrl);
            if (user != null && !user.isBlank()) {
                config.setUsername(user);
            }
            if (password != null && !password.isBlank()) {
                config.setPassword(password);
            }
            config.setMaximumPoolSize(poolSize);
            // one multi-row INSERT per JDBC batch: the audit writer's batches get about 1.5x faster
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
            config.setMinimumIdle(1);
            config.setConnectionTimeout(5_000);
            config.setValidationTimeout(2_000);
            // start even when the database is down: the audit queue and the inbox fall back to memory
            config.setInitializationFailTimeout(-1);
            HikariDataSource ds = new HikariDataSource(config);
            Database db = new Database(ds, embedded, description, jdbcUrl, config);
            LOG.info("Database: {}", description);
            return db;
        } catch (IOException | RuntimeException e) {
            if (embedded != null) {
                closeQuietly(embedded);
            }
            throw new IllegalStateException("could not start the database (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** Applies the migrations under classpath:db/migration; returns how many were applied now. */
    public int migrate() {
        int applied = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate()
                .migrationsExecuted;
        LOG.info("Database schema up to date ({} migration(s) applied now)", applied);
        return applied;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public String description() {
        return description;
    }

    @Override
    public void close() {
        extraPools.forEach(HikariDataSource::close);
        dataSource.close();
        if (embedded != null) {
            closeQuietly(embedded);
            LOG.info("Embedded PostgreSQL stopped");
        }
    }

    /** "host:port/database" of a JDBC URL: what may be logged (never user or password). */
    static String hostAndDatabase(String jdbcUrl) {
        try {
            URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
            String port = uri.getPort() > 0 ? ":" + uri.getPort() : "";
            String path = uri.getPath() == null ? "" : uri.getPath();
            return uri.getHost() + port + path;
        } catch (RuntimeException e) {
            return "(unparsable URL)";
        }
    }

    private static void closeQuietly(EmbeddedPostgres pg) {
        try {
            pg.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getClass().getSimpleName());
        }
    }
}
