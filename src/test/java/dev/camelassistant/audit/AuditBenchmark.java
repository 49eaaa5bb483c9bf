package dev.camelassistant.audit;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.camelassistant.config.AppConfiguration;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeTelegram;
import dev.camelassistant.support.RetentionRoutes;
import dev.camelassistant.support.TestDatabases;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

import static dev.camelassistant.support.Sql.count;
import static dev.camelassistant.audit.AuditTestSupport.execute;
import static dev.camelassistant.support.BotRouteTestSupport.properties;

/**
 * Figures of the audit trail against the local PostgreSQL (TEST_DATABASE_URL). Each figure is
 * printed on one line starting with "bench:".
 * <pre>
 * export TEST_DATABASE_URL=jdbc:postgresql://127.0.0.1:5432/postgres
 * mvn -B -o -q test-compile
 * mvn -B -o -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
 * LOG_FORMAT=text java -Xmx512m -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
 *     dev.camelassistant.audit.AuditBenchmark [all|batch|lock|cleanup] [cleanup batch size, default 10000] | grep '^bench:'
 * </pre>
 * batch: 20,000 entries through the audit-writer route (camel-sql batch=true) vs one INSERT per entry.
 * lock: reply latency of the whole bot (in-process camel-main, fake Telegram and Claude) while
 * another transaction holds audit_trail in ACCESS EXCLUSIVE mode for 5 s, as a ratio to the unlocked latency.
 * cleanup: the audit-purge route (retention-purge template, camel-sql) on 1,000,000 expired rows among 2,000,000 while another connection
 * inserts a row every 5 ms; total time and the longest insert.
 */
public final class AuditBenchmark {

    private AuditBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "all";
        if (System.getenv("TEST_DATABASE_URL") == null) {
            throw new IllegalStateException("set TEST_DATABASE_URL, e.g. jdbc:postgresql://127.0.0.1:5432/postgres");
        }
        if (which.equals("all") || which.equals("batch")) {
            batch();
        }
        if (which.equals("all") || which.equals("lock")) {
            lock();
        }
        if (which.equals("all") || which.equals("cleanup")) {
            cleanup(args.length > 1 ? Integer.parseInt(args[1]) : 10_000);
        }
        System.exit(0);
    }

    // ------------------------------------------------------------------ batched writer vs one INSERT per entry

    static List<AuditEntry> realisticEntries(int n) {
        List<AuditEntry> out = new ArrayList<>(n);
        String id = null;
        for (int i = 0; i < n; i++) {
            if (i % 3 == 0) {
                id = UUID.randomUUID().toString();
            }
            String chat = String.valueOf(100_000 + i % 40);
            out.add(switch (i % 3) {
                case 0 -> new AuditEntry(id, chat, "message_received", "telegram", null,
                        Map.of("chatId", chat, "messageId", i, "textLength", 20 + i % 300), AuditEntry.Status.SUCCESS, null, null);
                case 1 -> new AuditEntry(id, chat, "llm_request", "telegram", "claude-sonnet-4-6",
                        Map.of("chatId", chat, "messageId", i, "inputTokens", 200 + i % 50, "outputTokens", 400 + i % 90,
                                "stopReason", "end_turn", "latencyMs", 1500 + i % 700, "answerLength", 900 + i % 400),
                        AuditEntry.Status.SUCCESS, null, null);
                default -> new AuditEntry(id, chat, "command", "telegram", null,
                        Map.of("chatId", chat, "messageId", i, "command", "/help"), AuditEntry.Status.SUCCESS, null, null);
            });
        }
        return out;
    }

    static void batch() throws Exception {
        int n = 20_000;
        List<AuditEntry> entries = realisticEntries(n);
        try (TestDatabases db = TestDatabases.create()) {
            DataSource ds = db.dataSource();
            // warm-up of both paths (JIT, plan caches)
            oneByOne(ds, entries.subList(0, 2_000));
            throughRoute(ds, entries.subList(0, 4_000), 100, 200);

            List<Double> singles = new ArrayList<>();
            for (int run = 0; run < 3; run++) {
                singles.add(oneByOne(ds, entries));
            }
            double single = median(singles);
            System.out.printf("bench: one INSERT per entry (autocommit), %d entries: %.0f rows/s (median of 3 runs: %s)%n", n,
                    single, runs(singles));
            for (int batchSize : new int[] {100, 500, 1000}) {
                List<Double> rates = new ArrayList<>();
                for (int run = 0; run < 3; run++) {
                    rates.add(throughRoute(ds, entries, batchSize, 200));
                }
                double rate = median(rates);
                System.out.printf("bench: audit-writer route (camel-sql batch=true), batch size %d, timeout 200 ms, %d entries:"
                                  + " %.0f rows/s = %.1fx one INSERT per entry (median of 3 runs: %s)%n", batchSize, n, rate,
                        rate / single, runs(rates));
            }
            HikariConfig c = new HikariConfig();
            c.setJdbcUrl(db.url() + (db.url().contains("?") ? "&" : "?") + "reWriteBatchedInserts=true");
            c.setUsername(TestDatabases.user());
            c.setMaximumPoolSize(4);
            try (HikariDataSource rewritten = new HikariDataSource(c)) {
                throughRoute(rewritten, entries.subList(0, 4_000), 100, 200);
                List<Double> rates = new ArrayList<>();
                for (int run = 0; run < 3; run++) {
                    rates.add(throughRoute(rewritten, entries, 100, 200));
                }
                double rate = median(rates);
                System.out.printf("bench: audit-writer route, batch size 100, with pgjdbc reWriteBatchedInserts=true:"
                                  + " %.0f rows/s = %.1fx one INSERT per entry (median of 3 runs: %s)%n", rate, rate / single,
                        runs(rates));
            }
        }
    }

    private static String runs(List<Double> xs) {
        return String.join(", ", xs.stream().map(x -> String.format("%.0f", x)).toList());
    }

    static double oneByOne(DataSource ds, List<AuditEntry> entries) throws Exception {
        execute(ds, "TRUNCATE audit_trail");
        long t0 = System.nanoTime();
        AuditTestSupport.insertOneByOne(ds, entries);
        double s = (System.nanoTime() - t0) / 1e9;
        check(ds, entries.size());
        return entries.size() / s;
    }

    /** Through the real audit-writer route: everything recorded at once, timed until the last row is in. */
    static double throughRoute(DataSource ds, List<AuditEntry> entries, int batchSize, int timeoutMs) throws Exception {
        execute(ds, "TRUNCATE audit_trail");
        AuditTrail trail = new AuditTrail(entries.size() + 1_000, batchSize);
        trail.setBatchTimeoutMs(timeoutMs);
        CamelContext ctx = BotRouteTestSupport.routesOnly(Map.of("auditTrail", trail, "dataSource", ds),
                properties("audit.batch-timeout-ms", String.valueOf(timeoutMs)), "audit");
        try {
            Thread.sleep(timeoutMs + 50L); // the timer is running
            long t0 = System.nanoTime();
            for (AuditEntry e : entries) {
                trail.record(e);
            }
            while (trail.pending() > 0 || count(ds, "SELECT count(*) FROM audit_trail") < entries.size()) {
                Thread.sleep(trail.pending() > 0 ? 20 : 2);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            return entries.size() / s;
        } finally {
            ctx.stop();
            check(ds, entries.size());
        }
    }

    private static void check(DataSource ds, int expected) {
        long rows = count(ds, "SELECT count(*) FROM audit_trail");
        if (rows != expected) {
            throw new IllegalStateException("expected " + expected + " rows, found " + rows);
        }
    }

    // ------------------------------------------------------------------ reply latency while audit_trail is locked

    static final long FIRST_CHAT = 300_000;
    static final int CHATS = 40;

    static void lock() throws Exception {
        try (FakeTelegram telegram = new FakeTelegram(); FakeClaude claude = new FakeClaude(); TestDatabases db = TestDatabases.create()) {
            claude.answers("A short answer.", 0);
            Main main = new Main();
            AppConfiguration.addTo(main.configure());
            main.bind("managementServerFactory", new dev.camelassistant.management.ManagementServerFactory());
            List<String> chats = new ArrayList<>();
            for (int i = 0; i < CHATS; i++) {
                chats.add(String.valueOf(FIRST_CHAT + i));
            }
            Map<String, String> p = Map.ofEntries(
                    Map.entry("telegram.bot-token", FakeTelegram.TOKEN),
                    Map.entry("telegram.api-url", telegram.baseUrl()),
                    Map.entry("telegram.admin-chat-id", String.valueOf(BotRouteTestSupport.ADMIN_CHAT)),
                    Map.entry("telegram.allowed-chat-ids", String.join(",", chats)),
                    Map.entry("telegram.chat-interval-ms", "0"),
                    Map.entry("telegram.max-messages-per-second", "0"),
                    Map.entry("claude.api-key", BotRouteTestSupport.API_KEY),
                    Map.entry("claude.base-url", claude.baseUrl()),
                    Map.entry("claude.model", FakeClaude.MODEL),
                    Map.entry("database.url", db.jdbcUrl()),
                    Map.entry("database.user", TestDatabases.user()),
                    Map.entry("app.data-dir", Files.createTempDirectory("audit-bench").toString()),
                    Map.entry("app.http-port", String.valueOf(BotRouteTestSupport.freePort())),
                    Map.entry("crypto.encryption-key", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"));
            p.forEach(main::addOverrideProperty);
            main.start();
            try {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (telegram.polls() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                int[] next = {0};
                for (int i = 0; i < 40; i++) {
                    oneMessage(telegram, next);
                }
                List<Double> unlocked = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    unlocked.add(oneMessage(telegram, next));
                }

                List<Double> locked = new ArrayList<>();
                int sentWhileLocked;
                try (Connection holder = DriverManager.getConnection(db.jdbcUrl(), TestDatabases.user(), TestDatabases.password())) {
                    holder.setAutoCommit(false);
                    try (Statement s = holder.createStatement()) {
                        s.execute("LOCK TABLE audit_trail IN ACCESS EXCLUSIVE MODE");
                    }
                    long lockedAt = System.nanoTime();
                    long until = lockedAt + 4_700_000_000L; // leave the last 300 ms of the 5 s: every measured reply is inside
                    while (System.nanoTime() < until) {
                        locked.add(oneMessage(telegram, next));
                    }
                    sentWhileLocked = locked.size();
                    long rest = 5_000_000_000L - (System.nanoTime() - lockedAt);
                    if (rest > 0) {
                        Thread.sleep(rest / 1_000_000);
                    }
                    holder.commit();
                }
                for (int i = 0; i < 100; i++) {
                    unlocked.add(oneMessage(telegram, next));
                }
                // nothing was lost meanwhile: message_received and llm_request of every message sent so far
                long waitUntil = System.nanoTime() + 30_000_000_000L;
                String sql = "SELECT count(*) FROM audit_trail WHERE action IN ('message_received','llm_request')";
                while (count(db.dataSource(), sql) < 2L * next[0] && System.nanoTime() < waitUntil) {
                    Thread.sleep(50);
                }
                long written = count(db.dataSource(), sql);

                double mu = median(unlocked);
                double ml = median(locked);
                System.out.printf("bench: reply latency (update handed out -> sendMessage received), Claude fake 0 ms: unlocked"
                                  + " (100 before and 100 after the lock)"
                                  + " median %.2f ms p95 %.2f ms (n=%d); audit_trail locked ACCESS EXCLUSIVE 5 s: median %.2f ms"
                                  + " p95 %.2f ms max %.2f ms (n=%d); ratio %.2f (goal <= 1.2)%n", mu, pct(unlocked, 95),
                        unlocked.size(), ml, pct(locked, 95), max(locked), locked.size(), ml / mu);
                System.out.printf("bench: nothing lost: message_received + llm_request rows of all %d messages (%d of them sent"
                                  + " during the lock): %d of %d%n", next[0], sentWhileLocked, written, 2L * next[0]);

                // the owner's /audit reads audit_trail on the audit-command route (seda), off the Telegram poll thread:
                // a user's message queued behind it must not wait for the lock
                double[] other = {-1};
                try (Connection holder = DriverManager.getConnection(db.jdbcUrl(), TestDatabases.user(), TestDatabases.password())) {
                    holder.setAutoCommit(false);
                    try (Statement s = holder.createStatement()) {
                        s.execute("LOCK TABLE audit_trail IN ACCESS EXCLUSIVE MODE");
                    }
                    long lockedAt = System.nanoTime();
                    telegram.sendText(BotRouteTestSupport.ADMIN_CHAT, "/audit 12345678");
                    Thread.sleep(200);
                    Thread user = new Thread(() -> {
                        try {
                            other[0] = oneMessage(telegram, next, true);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    user.start();
                    long rest = 5_000_000_000L - (System.nanoTime() - lockedAt);
                    if (rest > 0) {
                        Thread.sleep(rest / 1_000_000);
                    }
                    holder.commit();
                    user.join(30_000);
                }
                long adminDeadline = System.nanoTime() + 10_000_000_000L;
                while (telegram.receivedAt(BotRouteTestSupport.ADMIN_CHAT).isEmpty() && System.nanoTime() < adminDeadline) {
                    Thread.sleep(10);
                }
                System.out.printf("bench: a user's message queued 200 ms after the owner's /audit, audit_trail locked for 5 s:"
                                  + " reply %.0f ms after it was queued (the owner got %d answer(s))%n", other[0],
                        telegram.receivedAt(BotRouteTestSupport.ADMIN_CHAT).size());
            } finally {
                main.stop();
            }
        }
    }

    /** Sends one text from the next chat and returns ms from hand-out to the reply's arrival. */
    static double oneMessage(FakeTelegram telegram, int[] next) throws InterruptedException {
        return oneMessage(telegram, next, false);
    }

    /** @param fromQueued measure from the moment the update was queued at the fake, not from its hand-out */
    static double oneMessage(FakeTelegram telegram, int[] next, boolean fromQueued) throws InterruptedException {
        long chat = FIRST_CHAT + (next[0]++ % CHATS);
        int before = telegram.receivedAt(chat).size();
        long queued = System.nanoTime();
        long update = telegram.sendText(chat, "hello number " + next[0]);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (telegram.receivedAt(chat).size() <= before) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no reply to chat " + chat + " within 30 s");
            }
            Thread.onSpinWait();
            Thread.sleep(0, 200_000);
        }
        return (telegram.receivedAt(chat).get(before) - (fromQueued ? queued : telegram.handedOutAt(update))) / 1e6;
    }

    // ------------------------------------------------------------------ cleanup of 1,000,000 expired rows among 2,000,000

    static void cleanup(int batchSize) throws Exception {
        try (TestDatabases db = TestDatabases.create()) {
            DataSource ds = db.dataSource();
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            long t0 = System.nanoTime();
            // 60 days of traffic, oldest first: row i is (2,000,000 - i) x 2.592 s old, so rows 0..999,999 are older
            // than 30 days and row 1,000,000 is exactly 30 days old (kept)
            int total = 2_000_000;
            int chunk = 250_000;
            for (int from = 0; from < total; from += chunk) {
                try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO audit_trail (correlation_id, user_id, action, source, model, metadata, status, created_at)"
                        + " SELECT md5((i / 3)::text), (100000 + i % 40)::text,"
                        + " (ARRAY['message_received','llm_request','command'])[i % 3 + 1], 'telegram',"
                        + " CASE WHEN i % 3 = 1 THEN 'claude-sonnet-4-6' END,"
                        + " jsonb_build_object('chatId', (100000 + i % 40)::text, 'messageId', i, 'textLength', i % 300),"
                        + " 'success', ?::timestamptz - ((" + total + " - i) * INTERVAL '2592 milliseconds')"
                        + " FROM generate_series(?, ?) AS i")) {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setInt(2, from);
                    ps.setInt(3, from + chunk - 1);
                    ps.executeUpdate();
                }
            }
            execute(ds, "VACUUM ANALYZE audit_trail");
            // start from a clean checkpoint, so that the setup's own WAL does not stall the measured inserts
            execute(ds, "CHECKPOINT");
            System.out.printf("bench: (setup) %d rows inserted and analyzed in %.1f s, table %s%n", total,
                    (System.nanoTime() - t0) / 1e9, AuditTestSupport.strings(ds,
                            "SELECT pg_size_pretty(pg_total_relation_size('audit_trail'))").get(0));

            // a writer inserting one row every ~5 ms on its own connection, as the audit writer would
            List<Long> baseline = insertsDuring(db, 3_000, null);
            AtomicBoolean purging = new AtomicBoolean(true);
            List<Long> during = Collections.synchronizedList(new ArrayList<>());
            List<Long> startedAt = Collections.synchronizedList(new ArrayList<>());
            long p0;
            long deleted;
            double purgeSeconds;
            // the purge route starts before the measured window, as the bot starts it at boot
            try (RetentionRoutes routes = new RetentionRoutes(ds, "audit-cleanup", Map.of("auditRetention",
                    new AuditRetention(AuditRecorder.NONE, 30, batchSize, Clock.fixed(now, ZoneOffset.UTC))))) {
                CountDownLatch started = new CountDownLatch(1);
                Thread inserter = new Thread(() -> {
                    try {
                        during.addAll(insertsDuring(db, Long.MAX_VALUE, () -> {
                            started.countDown();
                            return purging.get();
                        }, startedAt));
                    } catch (Exception e) {
                        e.printStackTrace();
                    }
                });
                inserter.start();
                started.await();
                p0 = System.nanoTime();
                deleted = routes.purge("audit-purge");
                purgeSeconds = (System.nanoTime() - p0) / 1e9;
                purging.set(false);
                inserter.join();
            }

            long left = count(ds, "SELECT count(*) FROM audit_trail WHERE created_at < TIMESTAMPTZ '"
                                  + now.minus(Duration.ofDays(30)) + "'");
            System.out.printf("bench: cleanup of %d expired rows among %d (batch size %d): %.1f s (%.0f rows/s), %d expired left%n",
                    deleted, total, batchSize, purgeSeconds, deleted / purgeSeconds, left);
            int worst = during.indexOf(Collections.max(during));
            System.out.printf("bench: concurrent single-row inserts every 5 ms during the cleanup: %d inserts, longest %.1f ms"
                              + " (%.1f s into the cleanup), p99 %.1f ms, median %.2f ms (without cleanup: longest %.1f ms,"
                              + " p99 %.1f ms, median %.2f ms)%n",
                    during.size(), maxNs(during), (startedAt.get(worst) - p0) / 1e9, pctNs(during, 99), pctNs(during, 50),
                    maxNs(baseline), pctNs(baseline, 99), pctNs(baseline, 50));

            // what the owner's /audit costs on a table of this size (on the audit-command route's one consumer)
            AuditQuery query = new AuditQuery(ds);
            String id = AuditTestSupport.strings(ds, "SELECT correlation_id FROM audit_trail WHERE id = " + (total - 1)).get(0);
            for (String ref : new String[] {id, id.substring(0, 8)}) {
                query.entries(ref);
                long q0 = System.nanoTime();
                int found = query.entries(ref).size();
                double qms = (System.nanoTime() - q0) / 1e6;
                String plan = AuditTestSupport.strings(ds, "EXPLAIN SELECT * FROM audit_trail WHERE correlation_id LIKE '"
                                                           + ref + "%' ORDER BY created_at, id LIMIT 200").stream()
                        .filter(l -> l.contains("Scan")).map(l -> l.strip().replaceAll("\\s+\\(cost.*", ""))
                        .findFirst().orElse("?");
                System.out.printf("bench: AuditQuery.entries(%d-character reference) on %d rows: %.1f ms, %d entries, plan: %s%n",
                        ref.length(), total - deleted, qms, found, plan);
            }
        }
    }

    /** Inserts one row every ~5 ms for {@code ms} (or while {@code go} says so); returns each insert's duration in ns. */
    static List<Long> insertsDuring(TestDatabases db, long ms, java.util.function.BooleanSupplier go) throws Exception {
        return insertsDuring(db, ms, go, new ArrayList<>());
    }

    static List<Long> insertsDuring(TestDatabases db, long ms, java.util.function.BooleanSupplier go, List<Long> startedAt)
            throws Exception {
        List<Long> durations = new ArrayList<>();
        List<AuditEntry> sample = realisticEntries(3);
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), TestDatabases.user(), TestDatabases.password())) {
            long end = System.nanoTime() + ms * 1_000_000L;
            int i = 0;
            while (go == null ? System.nanoTime() < end : go.getAsBoolean()) {
                AuditEntry e = sample.get(i++ % 3);
                long t = System.nanoTime();
                startedAt.add(t);
                AuditTestSupport.insertOneByOne(c, List.of(e));
                durations.add(System.nanoTime() - t);
                Thread.sleep(5);
            }
        }
        return durations;
    }

    // ------------------------------------------------------------------ statistics

    static double median(List<Double> xs) {
        return pct(xs, 50);
    }

    static double pct(List<Double> xs, double p) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get((int) Math.min(s.size() - 1, Math.ceil(p / 100.0 * s.size()) - 1));
    }

    static double max(List<Double> xs) {
        return Collections.max(xs);
    }

    static double pctNs(List<Long> xs, double p) {
        return pct(xs.stream().map(x -> x / 1e6).toList(), p);
    }

    static double maxNs(List<Long> xs) {
        return Collections.max(xs) / 1e6;
    }
}
