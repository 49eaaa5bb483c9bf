package dev.camelassistant.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.KeyCheck;
import dev.camelassistant.crypto.KeyRing;
import dev.camelassistant.logging.LogMasker;

/**
 * Opens and migrates the database on its own thread while camel-main boots, so that the slowest
 * parts of a start (starting PostgreSQL, Flyway) overlap with Camel's, then checks ENCRYPTION_KEY
 * against the database's key check ({@link KeyCheck}) before any route can read or write an
 * encrypted row. {@link CoreConfiguration} takes the result; when the database could not be opened
 * the process stops there with exit code 2 and one line that names DATABASE_URL (or DATA_DIR for
 * the embedded server), never the password; when the key does not fit, one line that names
 * ENCRYPTION_KEY, never a key.
 */
public final class DatabaseStartup {

    static final String POOL_SIZE = "database.pool-size";

    private static volatile CompletableFuture<Database> pending;

    private DatabaseStartup() {
    }

    public static void begin(Map<String, String> env) {
        // initialise logging here, on the main thread, before two threads log at once
        org.slf4j.LoggerFactory.getLogger(DatabaseStartup.class);
        String url = blankToNull(env.get("DATABASE_URL"));
        String user = env.getOrDefault("DATABASE_USER", "postgres");
        String password = env.get("DATABASE_PASSWORD");
        Path dataDir = Path.of(env.getOrDefault("DATA_DIR", "./data"));
        CompletableFuture<Database> f = new CompletableFuture<>();
        int poolSize;
        try {
            poolSize = poolSize();
        } catch (IllegalArgumentException e) {
            // reported by take() like any other configuration error: one line, exit code 2
            f.completeExceptionally(new IllegalStateException(e.getMessage(), e));
            pending = f;
            return;
        }
        Thread t = new Thread(() -> {
            try {
                Database db = Database.open(url, user, password, dataDir, poolSize);
                try {
                    db.migrate();
                    // before anything reads or writes an encrypted row: a wrong key stops the start here
                    KeyCheck.verify(db.dataSource(), cipher(env, dataDir));
                } catch (RuntimeException | SQLException e) {
                    db.close();
                    throw e;
                }
                f.complete(db);
            } catch (KeyCheck.Refused | UnusableKey e) {
                f.completeExceptionally(new IllegalStateException(LogMasker.maskSingleLine(e.getMessage()), e));
            } catch (Throwable e) {
                f.completeExceptionally(new IllegalStateException(describe(url, dataDir, e), e));
            }
        }, "database-startup");
        t.setDaemon(true);
        t.start();
        pending = f;
    }

    /** ENCRYPTION_KEY (or the key file) and ENCRYPTION_KEYS_PREVIOUS as CryptoConfiguration will load them. */
    private static CredentialCipher cipher(Map<String, String> env, Path dataDir) {
        try {
            KeyRing ring = KeyRing.load(env.get("ENCRYPTION_KEY"), env.get("ENCRYPTION_KEYS_PREVIOUS"), dataDir);
            ring.secretsForMasking().forEach(LogMasker::registerSecret);
            return new CredentialCipher(ring);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new UnusableKey(e.getMessage());
        }
    }

    /** The key ring cannot be loaded (an unreadable key file): its message names the variable. */
    private static final class UnusableKey extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnusableKey(String message) {
            super(message, null, false, false);
        }
    }

    /** The database begun by {@link #begin}, or null when none was (tests build their own). */
    static Database take() {
        CompletableFuture<Database> f = pending;
        pending = null;
        if (f == null) {
            return null;
        }
        try {
            return f.join();
        } catch (CompletionException e) {
            System.err.println("camel-assistant: configuration error: " + e.getCause().getMessage());
            System.exit(2);
            throw new IllegalStateException("unreachable");
        }
    }

    /**
     * {@code database.pool-size} as camel-main would resolve it for {@link CoreConfiguration} (which
     * reads it when no database was begun here): a JVM system property overrides application.properties;
     * 8 when neither sets it. Read before Camel starts, so from the same two sources directly.
     */
    static int poolSize() {
        String value = System.getProperty(POOL_SIZE);
        if (value == null || value.isBlank()) {
            Properties file = new Properties();
            try (InputStream in = DatabaseStartup.class.getResourceAsStream("/application.properties")) {
                if (in != null) {
                    file.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            value = file.getProperty(POOL_SIZE);
        }
        return parsePoolSize(value);
    }

    static int parsePoolSize(String value) {
        if (value == null || value.isBlank()) {
            return 8;
        }
        try {
            int size = Integer.parseInt(value.trim());
            if (size > 0) {
                return size;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(POOL_SIZE + ": not a positive whole number: '" + value.trim() + "'");
    }

    static String describe(String url, Path dataDir, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = LogMasker.maskSingleLine(root.getClass().getSimpleName()
                                                 + (root.getMessage() == null ? "" : ": " + root.getMessage()));
        if (url == null) {
            return "DATA_DIR: cannot start the embedded PostgreSQL in " + dataDir.toAbsolutePath() + " (" + reason + ")";
        }
        return "DATABASE_URL: cannot open PostgreSQL at " + Database.hostAndDatabase(url) + " (" + reason + ")";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
