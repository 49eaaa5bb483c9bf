package dev.camelassistant.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.camelassistant.logging.LogMasker;

/**
 * Opens and migrates the database on its own thread while camel-main boots, so that the slowest
 * parts of a start (starting PostgreSQL, Flyway) overlap with Camel's. {@link AppConfiguration}
 * takes the result; when the database could not be opened the process stops there with exit
 * code 2 and one line that names DATABASE_URL (or DATA_DIR for the embedded server), never the
 * password.
 */
public final class DatabaseStartup {

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
        Thread t = new Thread(() -> {
            try {
                Database db = Database.open(url, user, password, dataDir, 8);
                try {
                    db.migrate();
                } catch (RuntimeException e) {
                    db.close();
                    throw e;
                }
                f.complete(db);
            } catch (Throwable e) {
                f.completeExceptionally(new IllegalStateException(describe(url, dataDir, e), e));
            }
        }, "database-startup");
        t.setDaemon(true);
        t.start();
        pending = f;
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
