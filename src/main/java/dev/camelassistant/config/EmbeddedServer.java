package dev.camelassistant.config;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import dev.camelassistant.crypto.OwnerOnlyFiles;
import dev.camelassistant.logging.LogMasker;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import org.postgresql.util.PasswordUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL in DATA_DIR/postgres, locked: it listens on localhost only, every
 * connection (TCP and Unix socket) must give a SCRAM password, and the bot connects as
 * {@value #APP_ROLE}, a role that owns the bot's schema and tables but is not a superuser (so it
 * cannot run programs with {@code COPY ... TO PROGRAM} or read server files). Its programs run from
 * DATA_DIR/{@value EmbeddedBinaries#FOLDER} (see {@link EmbeddedBinaries}), and it runs with a production
 * server's durability ({@link #DURABLE}), not zonky's test settings.
 * <p>
 * The two passwords (the bot's and the superuser's) are generated once into
 * DATA_DIR/{@value #PASSWORD_FILE} with owner-only permissions. They differ so that what the bot
 * holds in its pool and JDBC URL never grants superuser rights; the superuser's is used only by
 * zonky's readiness check.
 * <p>
 * Locking happens before the server starts, with no extra start: zonky runs initdb (trust, as it
 * always does), then its data-directory hook runs PostgreSQL in single-user mode (no network, no
 * other client) to set the passwords, create the role and hand it the schema and any existing
 * tables, and writes pg_hba.conf last. The same step migrates a DATA_DIR written by earlier
 * versions (trust authentication, tables owned by postgres) and repairs a lost password file. It
 * runs whenever the password file was just created or pg_hba.conf is not the one written here.
 */
final class EmbeddedServer {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);

    static final String APP_ROLE = "assistant";
    static final String DATABASE = "postgres";
    static final String SUPERUSER = "postgres";
    static final String PASSWORD_FILE = "postgres.passwords";

    /** First line of the pg_hba.conf written here: tells a locked data directory from an earlier one. */
    static final String HBA_MARKER = "# camel-assistant: every connection needs a SCRAM password";

    /**
     * A production server's durability, instead of zonky's test settings: its builder sets
     * synchronous_commit=off, and its start command carries -F (fsync off), which cannot be taken
     * out. Every setting here goes on the same command line as {@code -c name=value} after -F, and
     * PostgreSQL applies its options in order, so fsync=on wins (EmbeddedDatabaseTest reads both
     * the command line and SHOW).
     */
    static final Map<String, String> DURABLE = Map.of("fsync", "on", "synchronous_commit", "on", "full_page_writes", "on");

    private final EmbeddedPostgres postgres;
    private final String appPassword;

    private EmbeddedServer(EmbeddedPostgres postgres, String appPassword) {
        this.postgres = postgres;
        this.appPassword = appPassword;
    }

    /** Starts (and, when needed, first locks) the embedded server whose data lives in dataDir/postgres. */
    static EmbeddedServer start(Path dataDir) throws IOException {
        Path binaries = EmbeddedBinaries.prepare(dataDir);
        Path pgData = dataDir.resolve("postgres");
        Files.createDirectories(pgData);
        Path passwordFile = dataDir.resolve(PASSWORD_FILE);
        boolean created = !Files.exists(passwordFile);
        Passwords passwords = Passwords.loadOrCreate(passwordFile);
        LogMasker.registerSecret(passwords.app());
        LogMasker.registerSecret(passwords.superuser());
        boolean lock = created || !isLocked(pgData);
        EmbeddedPostgres.Builder builder = EmbeddedBinaries.builder(binaries)
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(30))
                .setServerConfig("listen_addresses", "localhost")
                .setServerConfig("password_encryption", "scram-sha-256")
                // zonky's readiness check connects as the superuser with these settings
                .setConnectConfig("password", passwords.superuser())
                .setDataDirectoryCustomizer(dir -> {
                    try {
                        EmbeddedBinaries.makePrivate(binaries);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    if (lock) {
                        lockDown(dir.toPath(), binaries, passwords);
                    }
                });
        DURABLE.forEach(builder::setServerConfig);
        try {
            return new EmbeddedServer(builder.start(), passwords.app());
        } finally {
            EmbeddedBinaries.makePrivate(binaries);
        }
    }

    EmbeddedPostgres postgres() {
        return postgres;
    }

    String user() {
        return APP_ROLE;
    }

    String password() {
        return appPassword;
    }

    /** The URL the pool uses: the role is in it, the password is not. */
    String poolUrl() {
        return postgres.getJdbcUrl(APP_ROLE, DATABASE);
    }

    /** A URL that works on its own (role and password in it), for callers that only take a URL. */
    String urlWithPassword() {
        return poolUrl() + "&password=" + URLEncoder.encode(appPassword, StandardCharsets.UTF_8);
    }

    int port() {
        return postgres.getPort();
    }

    static boolean isLocked(Path pgData) throws IOException {
        Path hba = pgData.resolve("pg_hba.conf");
        return Files.exists(hba) && Files.readString(hba, StandardCharsets.UTF_8).startsWith(HBA_MARKER);
    }

    private static void lockDown(Path pgData, Path binaries, Passwords passwords) {
        long t0 = System.nanoTime();
        try {
            runSingleUser(pgData, EmbeddedBinaries.programs(binaries), lockStatements(passwords));
            writeHba(pgData);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the embedded PostgreSQL (" + e.getMessage() + ")", e);
        }
        LOG.info("Embedded PostgreSQL locked: passwords required, bot connects as role {} ({} ms)", APP_ROLE,
                (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * One statement a line (single-user mode ends a statement at a newline). Passwords go in as
     * SCRAM verifiers, never in clear, so even an echo of these lines gives nothing away.
     */
    static List<String> lockStatements(Passwords passwords) {
        List<String> sql = new ArrayList<>();
        sql.add("ALTER ROLE " + SUPERUSER + " PASSWORD '" + scram(passwords.superuser()) + "'");
        sql.add("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + APP_ROLE + "') THEN CREATE ROLE "
                + APP_ROLE + "; END IF; END$$");
        sql.add("ALTER ROLE " + APP_ROLE + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '"
                + scram(passwords.app()) + "'");
        sql.add("ALTER SCHEMA public OWNER TO " + APP_ROLE);
        // tables, views and free-standing sequences of earlier versions (owned by postgres); indexes
        // and the sequences behind BIGSERIAL columns follow their table
        sql.add("DO $$DECLARE r record; BEGIN FOR r IN SELECT c.oid::regclass AS rel, c.relkind FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
                + " AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = '"
                + APP_ROLE + "') AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
                + " AND d.objid = c.oid AND d.deptype IN ('a', 'i')) LOOP"
                + " EXECUTE format(CASE WHEN r.relkind = 'S' THEN 'ALTER SEQUENCE %s OWNER TO " + APP_ROLE
                + "' ELSE 'ALTER TABLE %s OWNER TO " + APP_ROLE + "' END, r.rel); END LOOP; END$$");
        return sql;
    }

    private static String scram(String password) {
        return PasswordUtil.encodeScramSha256(password.toCharArray());
    }

    /**
     * Runs the statements in PostgreSQL's single-user mode on the stopped data directory: no
     * socket is open, so nobody else can connect while the database is still on trust.
     */
    private static void runSingleUser(Path pgData, File programs, List<String> statements) throws IOException {
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            // as root, zonky runs every PostgreSQL binary in a user namespace; so must we
            command.addAll(List.of("unshare", "-U"));
        }
        // without -F: the passwords and the role are on disk (fsync) before the server starts on them
        command.addAll(List.of(new File(programs, "bin/postgres").getPath(), "--single",
                "-c", "exit_on_error=on", "-D", pgData.toString(), DATABASE));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            for (String s : statements) {
                in.write((s + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (InputStream out = p.getInputStream()) {
            out.transferTo(output);
        }
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("single-user PostgreSQL did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while locking the embedded PostgreSQL", e);
        }
        if (p.exitValue() != 0) {
            String text = output.toString(StandardCharsets.UTF_8).strip();
            int from = Math.max(0, text.length() - 600);
            throw new IOException("single-user PostgreSQL exited with " + p.exitValue() + ": "
                                  + LogMasker.maskSingleLine(text.substring(from)));
        }
    }

    private static void writeHba(Path pgData) throws IOException {
        String hba = HBA_MARKER + " (written by camel-assistant on start; see DATA_DIR/" + PASSWORD_FILE + ")\n"
                     + "# TYPE  DATABASE  USER  ADDRESS        METHOD\n"
                     + "local   all       all                  scram-sha-256\n"
                     + "host    all       all   127.0.0.1/32   scram-sha-256\n"
                     + "host    all       all   ::1/128        scram-sha-256\n";
        Path tmp = pgData.resolve("pg_hba.conf.tmp");
        Files.writeString(tmp, hba, StandardCharsets.UTF_8);
        OwnerOnlyFiles.restrictToOwner(tmp);
        Files.move(tmp, pgData.resolve("pg_hba.conf"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The generated passwords of DATA_DIR/{@value #PASSWORD_FILE}: the bot role's and the superuser's. */
    record Passwords(String app, String superuser) {

        @Override
        public String toString() {
            return "Passwords[****]";
        }

        static Passwords loadOrCreate(Path file) throws IOException {
            if (!Files.exists(file)) {
                Passwords fresh = new Passwords(generate(), generate());
                if (create(file, fresh)) {
                    return fresh;
                }
            }
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
            String app = p.getProperty(APP_ROLE, "").trim();
            String superuser = p.getProperty(SUPERUSER, "").trim();
            if (app.isEmpty() || superuser.isEmpty()) {
                throw new IOException(file + " lacks the " + APP_ROLE + " or " + SUPERUSER
                                      + " password; delete it and start again to generate new ones");
            }
            if (Files.getFileStore(file).supportsFileAttributeView("posix")
                && !OwnerOnlyFiles.OWNER_ONLY.containsAll(Files.getPosixFilePermissions(file))) {
                Files.setPosixFilePermissions(file, OwnerOnlyFiles.OWNER_ONLY);
                LOG.warn("{} was accessible to other users: restricted it to its owner", file);
            }
            return new Passwords(app, superuser);
        }

        /** False when another process created the file first. */
        private static boolean create(Path file, Passwords passwords) throws IOException {
            return OwnerOnlyFiles.createExclusively(file,
                    "# Passwords of the embedded PostgreSQL (generated by camel-assistant; keep private).\n"
                    + "# " + APP_ROLE + ": the bot's role; " + SUPERUSER + ": the superuser.\n"
                    + APP_ROLE + "=" + passwords.app() + "\n"
                    + SUPERUSER + "=" + passwords.superuser() + "\n");
        }

        private static String generate() {
            byte[] bytes = new byte[24];
            new SecureRandom().nextBytes(bytes);
            // URL-safe, no padding: no quoting needed in a properties file, a JDBC URL or SQL
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }
    }
}
