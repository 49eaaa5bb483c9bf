package dev.camelassistant.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Map;

import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;

/**
 * What fsync and synchronous commit cost per message on the embedded PostgreSQL. Each message does
 * the commits the bot does for one question and its one-part answer, on the real schema, with the
 * same statements: the inbox INSERT, the conversation's two turns and activity UPDATE (one
 * transaction), the outbox part with the inbox's answered mark (one transaction), the part marked
 * sent, the usage upsert. Three servers, one after the other, each in a fresh data directory:
 * <ul>
 * <li>before: zonky's test settings (-F: fsync off; synchronous_commit off);</li>
 * <li>fsync on, every pool's commits asynchronous: the pools' earlier {@code SET synchronous_commit = off};</li>
 * <li>now: fsync on; the inbox and outbox commits (and the usage upsert) wait for their flush
 *     ({@link Database.Commits#DURABLE}), the conversation's do not ({@link Database.Commits#ASYNCHRONOUS}).</li>
 * </ul>
 * <pre>
 * mvn -B -o -q test-compile
 * mvn -B -o -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
 * LOG_FORMAT=text LOG_LEVEL=WARN java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
 *     dev.camelassistant.config.DurabilityBenchmark [messages, default 2000] | grep '^bench:'
 * </pre>
 */
public final class DurabilityBenchmark {

    private static final int WARM_UP = 300;

    private DurabilityBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Path root = Files.createTempDirectory("durability-bench");
        Path binaries = EmbeddedBinaries.prepare(root);
        run("before (fsync off, synchronous_commit off)", binaries, root.resolve("before"),
                Map.of("synchronous_commit", "off"), true, messages);
        run("fsync on, every pool's commits asynchronous (the pools' earlier setting)", binaries,
                root.resolve("async"), EmbeddedServer.DURABLE, true, messages);
        run("now (fsync on; inbox, outbox and usage commits wait for their flush, the conversation's do not)",
                binaries, root.resolve("now"), EmbeddedServer.DURABLE, false, messages);
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void run(String label, Path binaries, Path data, Map<String, String> config, boolean asyncSessions,
                            int messages) throws Exception {
        EmbeddedPostgres.Builder builder = EmbeddedBinaries.builder(binaries).setDataDirectory(data).setCleanDataDirectory(true);
        config.forEach(builder::setServerConfig);
        try (EmbeddedPostgres pg = builder.start()) {
            DataSource ds = pg.getPostgresDatabase();
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
            try (Connection fast = ds.getConnection(); Connection main = ds.getConnection();
                 Connection conversations = ds.getConnection()) {
                try (Statement s = conversations.createStatement()) {
                    // Database.fastFailPool: the conversation pool's commits never wait for the flush
                    s.execute("SET synchronous_commit = off");
                }
                try (Statement s = fast.createStatement()) {
                    s.execute("SET synchronous_commit = " + (asyncSessions ? "off" : "on"));
                    s.execute("INSERT INTO conversations (chat_id) VALUES (1)");
                    assertSetting(s, "fsync", config.getOrDefault("fsync", "off"));
                }
                long conversation = 1;
                double[] micros = new double[messages];
                for (int i = -WARM_UP; i < messages; i++) {
                    long t0 = System.nanoTime();
                    message(fast, asyncSessions ? fast : conversations, main, conversation, WARM_UP + i);
                    if (i >= 0) {
                        micros[i] = (System.nanoTime() - t0) / 1_000.0;
                    }
                }
                Arrays.sort(micros);
                double mean = Arrays.stream(micros).average().orElse(0);
                System.out.printf("bench: %s, %d messages (5 commits each): median %.2f ms, mean %.2f ms, p99 %.2f ms%n",
                        label, messages, micros[messages / 2] / 1000, mean / 1000, micros[messages * 99 / 100] / 1000);
            }
        }
    }

    /** The commits of one question answered in one part, in the bot's order. */
    private static void message(Connection fast, Connection conv, Connection main, long conversation, int n)
            throws Exception {
        String payload = "x".repeat(200);
        Timestamp now = Timestamp.from(Instant.now());
        try (PreparedStatement ps = fast.prepareStatement("INSERT INTO telegram_inbox (chat_id, message_id, correlation_id,"
                + " user_id, payload, received_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id, message_id) DO NOTHING")) {
            ps.setLong(1, 1);
            ps.setLong(2, n);
            ps.setString(3, "c-" + n);
            ps.setString(4, "u");
            ps.setString(5, payload);
            ps.setTimestamp(6, now);
            ps.executeUpdate();
        }
        conv.setAutoCommit(false);
        try (PreparedStatement turn = conv.prepareStatement("INSERT INTO conversation_turns (conversation_id, seq, role,"
                + " ciphertext, iv, tag, key_version) VALUES (?, ?, ?, ?, 'iv', 'tag', 'v1')");
             PreparedStatement activity = conv.prepareStatement("UPDATE conversations SET last_activity_at = now() WHERE id = ?")) {
            for (String role : new String[] {"user", "assistant"}) {
                turn.setLong(1, conversation);
                turn.setInt(2, 2 * n + ("user".equals(role) ? 0 : 1));
                turn.setString(3, role);
                turn.setString(4, payload);
                turn.executeUpdate();
            }
            activity.setLong(1, conversation);
            activity.executeUpdate();
        }
        conv.commit();
        conv.setAutoCommit(true);
        fast.setAutoCommit(false);
        long part;
        try (PreparedStatement ps = fast.prepareStatement("INSERT INTO telegram_outbox (chat_id, part_no, correlation_id,"
                + " payload, next_attempt_at, created_at) VALUES (1, 1, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS);
             PreparedStatement answered = fast.prepareStatement("UPDATE telegram_inbox SET state = 'answered',"
                     + " answered_at = now(), payload = NULL WHERE chat_id = 1 AND message_id = ?")) {
            ps.setString(1, "c-" + n);
            ps.setString(2, payload);
            ps.setTimestamp(3, now);
            ps.setTimestamp(4, now);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                part = keys.getLong(1);
            }
            answered.setLong(1, n);
            answered.executeUpdate();
        }
        fast.commit();
        fast.setAutoCommit(true);
        try (PreparedStatement sent = fast.prepareStatement("UPDATE telegram_outbox SET state = 'sent', finished_at = now(),"
                + " payload = NULL WHERE id = ?")) {
            sent.setLong(1, part);
            sent.executeUpdate();
        }
        try (PreparedStatement usage = main.prepareStatement("INSERT INTO claude_usage (day, chat_id, model, input_tokens,"
                + " output_tokens, answers) VALUES (?, 1, 'm', 100, 50, 1) ON CONFLICT (day, chat_id, model) DO UPDATE SET"
                + " input_tokens = claude_usage.input_tokens + EXCLUDED.input_tokens,"
                + " output_tokens = claude_usage.output_tokens + EXCLUDED.output_tokens,"
                + " answers = claude_usage.answers + EXCLUDED.answers")) {
            usage.setObject(1, LocalDate.now());
            usage.executeUpdate();
        }
    }

    private static void assertSetting(Statement s, String name, String expected) throws Exception {
        try (ResultSet rs = s.executeQuery("SHOW " + name)) {
            rs.next();
            if (!expected.equals(rs.getString(1))) {
                throw new IllegalStateException(name + " is " + rs.getString(1) + ", expected " + expected);
            }
        }
    }
}
