package dev.camelassistant.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import javax.sql.DataSource;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import dev.camelassistant.audit.AuditRecorder;
import dev.camelassistant.audit.AuditTrail;
import dev.camelassistant.config.Database;
import dev.camelassistant.config.Settings;
import dev.camelassistant.logging.LogMasker;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code keygen} and {@code credentials set|get|list|delete|rotate}: the vault from the command line.
 * <p>
 * Standard output carries only what was asked for (the key, the value, the names); messages go to
 * standard error as one line each, and log output is moved to standard error at WARN (unless
 * LOG_LEVEL is set) so that {@code $(... credentials get NAME)} captures exactly the value.
 * Exit codes: 0 done, 1 not found, 2 usage or configuration error, 3 a stored value that cannot be
 * authenticated.
 */
public final class CredentialsCli {

    public static final int EXIT_OK = 0;
    public static final int EXIT_NOT_FOUND = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_NOT_AUTHENTIC = 3;

    /**
     * Where the CLI's audit entries go: written at once, as there is no writer route in a one-shot
     * process (tests put a recorder of their own here).
     */
    static volatile Function<DataSource, AuditRecorder> auditRecorderFactory = ds -> entry -> AuditTrail.writeNow(ds, entry);

    private static final String PREFIX = "camel-assistant: ";
    private static final String LOGBACK_STATUS_LISTENER = "logback.statusListenerClass";
    private static final List<String> CHECKED = List.of("DATABASE_URL", "ENCRYPTION_KEY", "ENCRYPTION_KEYS_PREVIOUS");
    private static final String SUBCOMMANDS = "set NAME | get NAME | list | delete NAME | rotate";

    private CredentialsCli() {
    }

    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        Map<String, String> environment = env == null ? Map.of() : env;
        // logback prints its own configuration status to stdout when that status holds warnings;
        // a command-line tool's stdout is for its output (effective only if logback is not yet initialised)
        if (System.getProperty(LOGBACK_STATUS_LISTENER) == null) {
            System.setProperty(LOGBACK_STATUS_LISTENER, "ch.qos.logback.core.status.NopStatusListener");
        }
        Runnable restoreLogging = quietLogging(environment);
        try {
            return dispatch(args == null ? new String[0] : args, in, out, err, environment);
        } finally {
            out.flush();
            err.flush();
            restoreLogging.run();
        }
    }

    private static int dispatch(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        if (args.length == 0) {
            return usage(err, "expected keygen or credentials " + SUBCOMMANDS);
        }
        switch (args[0]) {
            case "keygen":
                if (args.length != 1) {
                    return usage(err, "keygen takes no arguments");
                }
                writeLine(out, KeyRing.generateHex());
                return EXIT_OK;
            case "credentials":
                return credentials(args, in, out, err, env);
            default:
                return usage(err, "unknown command '" + shown(args[0]) + "' (expected keygen or credentials)");
        }
    }

    private static int credentials(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        if (args.length < 2) {
            return usage(err, "credentials needs a subcommand: " + SUBCOMMANDS);
        }
        String sub = args[1];
        String name = null;
        switch (sub) {
            case "set", "get", "delete":
                if (args.length != 3) {
                    return usage(err, "usage: credentials " + sub + " NAME");
                }
                name = args[2];
                try {
                    CredentialRepository.validateName(name);
                } catch (IllegalArgumentException e) {
                    return usage(err, e.getMessage());
                }
                break;
            case "list", "rotate":
                if (args.length != 2) {
                    return usage(err, "usage: credentials " + sub + " (no arguments)");
                }
                break;
            default:
                return usage(err, "unknown credentials subcommand '" + shown(sub) + "' (expected " + SUBCOMMANDS + ")");
        }

        List<String> problems = validateEnvironment(env);
        if (!problems.isEmpty()) {
            problems.forEach(p -> message(err, "configuration error: " + p));
            return EXIT_USAGE;
        }

        String value = null;
        if (sub.equals("set")) {
            if (in == System.in && System.console() != null) {
                message(err, "reading the value of " + name + " from standard input (end it with Ctrl-D)");
            }
            try {
                value = readValue(in);
            } catch (IllegalArgumentException e) {
                return usage(err, e.getMessage());
            } catch (IOException e) {
                message(err, "cannot read the value from standard input (" + e.getClass().getSimpleName() + ")");
                return EXIT_USAGE;
            }
        }

        Path dataDir = Path.of(orDefault(env.get("DATA_DIR"), "./data"));
        KeyRing keyRing;
        try {
            keyRing = KeyRing.load(env.get("ENCRYPTION_KEY"), env.get("ENCRYPTION_KEYS_PREVIOUS"), dataDir);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            message(err, "configuration error: " + e.getMessage());
            return EXIT_USAGE;
        }
        keyRing.secretsForMasking().forEach(LogMasker::registerSecret);
        if (env.get("DATABASE_PASSWORD") != null) {
            LogMasker.registerSecret(env.get("DATABASE_PASSWORD"));
        }

        Database db;
        try {
            db = Database.open(env.get("DATABASE_URL"), orDefault(env.get("DATABASE_USER"), "postgres"),
                    env.get("DATABASE_PASSWORD"), dataDir, 2);
        } catch (RuntimeException e) {
            message(err, "cannot open the database: " + rootMessage(e));
            return EXIT_USAGE;
        }
        try (db) {
            try {
                db.migrate();
            } catch (RuntimeException e) {
                message(err, "cannot use the database (" + db.description() + "): " + rootMessage(e));
                return EXIT_USAGE;
            }
            AuditRecorder audit = auditRecorderFactory.apply(db.dataSource());
            if (sub.equals("rotate")) {
                return rotate(new KeyRotation(db.dataSource(), new CredentialCipher(keyRing), audit), err);
            }
            CredentialRepository repo = new CredentialRepository(db.dataSource(), new CredentialCipher(keyRing), audit, "cli");
            return execute(sub, name, value, repo, out, err);
        } catch (KeyCheck.Refused e) {
            message(err, "configuration error: " + e.getMessage());
            return EXIT_USAGE;
        } catch (CredentialAuthenticationException e) {
            message(err, e.getMessage());
            return EXIT_NOT_AUTHENTIC;
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        } catch (RuntimeException | java.sql.SQLException e) {
            message(err, "failed: " + rootMessage(e));
            return EXIT_USAGE;
        }
    }

    private static int execute(String sub, String name, String value, CredentialRepository repo, PrintStream out,
                               PrintStream err) {
        switch (sub) {
            case "set":
                repo.store(name, value);
                message(err, "stored " + name);
                return EXIT_OK;
            case "get":
                Optional<String> found = repo.retrieve(name);
                if (found.isEmpty()) {
                    message(err, "no credential named '" + name + "'");
                    return EXIT_NOT_FOUND;
                }
                writeLine(out, found.get());
                return EXIT_OK;
            case "list":
                repo.list().forEach(n -> writeLine(out, n));
                return EXIT_OK;
            case "delete":
                if (!repo.delete(name)) {
                    message(err, "no credential named '" + name + "'");
                    return EXIT_NOT_FOUND;
                }
                message(err, "deleted " + name);
                return EXIT_OK;
            default:
                throw new IllegalStateException("unreachable: " + sub);
        }
    }

    /**
     * Every encrypted row to the current key, one line per table and one summary line; exit code 3 when
     * a row did not authenticate (it is left as it is, and the earlier key is still needed).
     */
    private static int rotate(KeyRotation rotation, PrintStream err) throws java.sql.SQLException {
        long start = System.nanoTime();
        KeyRotation.Result result = rotation.rotate();
        long ms = (System.nanoTime() - start) / 1_000_000;
        for (KeyRotation.TableResult t : result.tables()) {
            StringBuilder line = new StringBuilder(t.table()).append(": moved ").append(t.moved()).append(" row(s)");
            if (t.notAuthentic() > 0) {
                line.append(", ").append(t.notAuthentic()).append(" could not be authenticated (left as they are)");
            }
            if (t.leftUnderEarlierKeys() > t.notAuthentic()) {
                line.append(", ").append(t.leftUnderEarlierKeys() - t.notAuthentic())
                        .append(" written under an earlier key meanwhile (run rotate again)");
            }
            if (t.underUnknownKeys() > 0) {
                line.append(", ").append(t.underUnknownKeys()).append(" under a key version no configured key opens");
            }
            message(err, line.toString());
        }
        message(err, "re-encrypted " + result.moved() + " row(s) under key version " + result.currentVersion() + " in " + ms
                     + " ms; " + (result.complete()
                ? "no row is left under an earlier key: the earlier keys can be removed from ENCRYPTION_KEYS_PREVIOUS"
                : "rows are left under an earlier key: keep ENCRYPTION_KEYS_PREVIOUS"));
        return result.notAuthentic() > 0 ? EXIT_NOT_AUTHENTIC : EXIT_OK;
    }

    /** Problems of the variables the CLI uses, in Settings.validate's words ("NAME: what is wrong"). */
    static List<String> validateEnvironment(Map<String, String> env) {
        Map<String, String> subset = new HashMap<>();
        for (String name : CHECKED) {
            String v = env.get(name);
            if (v != null) {
                subset.put(name, v);
            }
        }
        subset.put("APP_ROLE", "worker"); // the CLI needs no bot settings
        return Settings.validate(subset);
    }

    /**
     * All of standard input as UTF-8, without exactly one trailing "\n" or "\r\n".
     *
     * @throws IllegalArgumentException more than 64 KiB, or not valid UTF-8 (the value is not echoed)
     */
    static String readValue(InputStream in) throws IOException {
        int limit = CredentialRepository.MAX_VALUE_BYTES;
        byte[] bytes = in.readNBytes(limit + 3);
        try {
            int length = bytes.length;
            if (length >= 2 && bytes[length - 2] == '\r' && bytes[length - 1] == '\n') {
                length -= 2;
            } else if (length >= 1 && bytes[length - 1] == '\n') {
                length -= 1;
            }
            if (length > limit) {
                throw new IllegalArgumentException("credential value is too large: more than " + limit
                        + " bytes (64 KiB) on standard input");
            }
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes, 0, length))
                        .toString();
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("the value on standard input is not valid UTF-8");
            }
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Writes text + "\n" as UTF-8, whatever the platform encoding. */
    private static void writeLine(PrintStream out, String text) {
        byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
        out.flush();
    }

    private static int usage(PrintStream err, String problem) {
        message(err, problem);
        return EXIT_USAGE;
    }

    private static void message(PrintStream err, String text) {
        err.println(PREFIX + LogMasker.maskSingleLine(text));
    }

    private static String shown(String arg) {
        String s = arg.length() > 40 ? arg.substring(0, 40) + "…" : arg;
        return s.replaceAll("\\p{Cntrl}", "?");
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage() == null ? "" : root.getMessage().strip();
        int nl = msg.indexOf('\n');
        if (nl >= 0) {
            msg = msg.substring(0, nl).strip();
        }
        String text = root.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
        if (root != e && e.getMessage() != null && !e.getMessage().contains("\n")) {
            text = e.getMessage() + " (" + text + ")";
        }
        return text;
    }

    /**
     * Moves console logging to standard error and, unless LOG_LEVEL is set, raises the root level to
     * WARN; returns what undoes it (for in-process callers such as tests).
     */
    private static Runnable quietLogging(Map<String, String> env) {
        try {
            ILoggerFactory factory = LoggerFactory.getILoggerFactory();
            if (!(factory instanceof LoggerContext context)) {
                return () -> { };
            }
            ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            Level before = root.getLevel();
            String configured = env.get("LOG_LEVEL");
            if (configured == null || configured.isBlank()) {
                root.setLevel(Level.WARN);
            }
            List<ConsoleAppender<ILoggingEvent>> moved = new ArrayList<>();
            for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
                if (it.next() instanceof ConsoleAppender<ILoggingEvent> console
                    && "System.out".equals(console.getTarget())) {
                    retarget(console, "System.err");
                    moved.add(console);
                }
            }
            return () -> {
                root.setLevel(before);
                moved.forEach(console -> retarget(console, "System.out"));
            };
        } catch (RuntimeException | LinkageError e) {
            return () -> { };
        }
    }

    private static void retarget(ConsoleAppender<ILoggingEvent> console, String target) {
        console.stop();
        console.setTarget(target);
        console.start();
    }
}
