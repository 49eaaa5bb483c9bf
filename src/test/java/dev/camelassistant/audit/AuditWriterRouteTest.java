package dev.camelassistant.audit;

import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeSecrets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import com.zaxxer.hikari.HikariDataSource;
import dev.camelassistant.support.FakeTelegram;
import dev.camelassistant.support.LogCapture;
import dev.camelassistant.support.TestDatabases;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static dev.camelassistant.support.Sql.count;
import static dev.camelassistant.audit.AuditTestSupport.entry;
import static dev.camelassistant.audit.AuditTestSupport.ints;
import static dev.camelassistant.support.BotRouteTestSupport.properties;
import static dev.camelassistant.audit.AuditTestSupport.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The audit-writer route (routes/audit.camel.yaml, real camel-sql), AuditTrail and AuditQuery against a real
 * PostgreSQL database, with a DataSource that can be switched to an unreachable server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditWriterRouteTest {

    private TestDatabases db;
    private HikariDataSource unreachable;
    private AuditTestSupport.SwitchableDataSource dataSource;
    private CamelContext context;
    private AuditTrail trail;

    @BeforeAll
    void createDatabase() {
        db = TestDatabases.create();
        unreachable = AuditTestSupport.unreachablePool();
    }

    @AfterAll
    void dropDatabase() {
        unreachable.close();
        db.close();
    }

    @BeforeEach
    void emptyTable() {
        AuditTestSupport.execute(db.dataSource(), "TRUNCATE audit_trail RESTART IDENTITY");
        dataSource = new AuditTestSupport.SwitchableDataSource(db.dataSource());
    }

    @AfterEach
    void stopContext() throws Exception {
        if (context != null) {
            dataSource.switchTo(db.dataSource());
            context.stop();
            context = null;
        }
    }

    private void start(int capacity, int batchSize, int batchTimeoutMs) throws Exception {
        trail = new AuditTrail(capacity, batchSize);
        trail.setBatchTimeoutMs(batchTimeoutMs);
        context = BotRouteTestSupport.routesOnly(Map.of("auditTrail", trail, "dataSource", dataSource),
                properties("audit.batch-timeout-ms", String.valueOf(batchTimeoutMs)), "audit");
    }

    private long rows() {
        return count(db.dataSource(), "SELECT count(*) FROM audit_trail");
    }

    private List<Integer> seqsInIdOrder() {
        return ints(db.dataSource(), "SELECT (metadata->>'seq')::int FROM audit_trail WHERE action = 'test_entry' ORDER BY id");
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    @Test
    void entriesAreWrittenInOrderInTransactionsOfAtMostTheBatchSize() throws Exception {
        start(10_000, 100, 500);
        for (int i = 0; i < 250; i++) {
            trail.record(entry("c-1", i));
        }
        assertThat(rows()).as("record() only queues").isZero();

        await().atMost(Duration.ofSeconds(10)).until(() -> rows() == 250);
        assertThat(seqsInIdOrder()).isEqualTo(range(0, 250));
        // rows inserted by one batch share the inserting transaction id
        List<Integer> batchSizes = ints(db.dataSource(),
                "SELECT count(*) FROM audit_trail GROUP BY xmin::text::bigint ORDER BY min(id)");
        assertThat(batchSizes).containsExactly(100, 100, 50);
        assertThat(trail.pending()).isZero();
    }

    @Test
    void aLoneEntryIsWrittenShortlyAfterTheBatchTimeout() throws Exception {
        start(10_000, 100, 200);
        Thread.sleep(300);
        long t0 = System.nanoTime();
        trail.record(AuditEntry.success("c-2", "42", "command", "telegram", Map.of("command", "/help")));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> rows() == 1);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("written within a batch timeout (200 ms) plus the insert").isLessThan(1_500);

        List<String> stored = strings(db.dataSource(),
                "SELECT concat_ws('|', correlation_id, user_id, action, source, metadata::text, status) FROM audit_trail");
        assertThat(stored).containsExactly("c-2|42|command|telegram|{\"command\": \"/help\"}|success");
    }

    @Test
    void entriesRecordedWhileTheDatabaseIsUnreachableAllArriveInOrderWhenItIsBack() throws Exception {
        start(10_000, 50, 100);
        dataSource.switchTo(unreachable);
        long slowest = 0;
        for (int i = 0; i < 300; i++) {
            long t = System.nanoTime();
            trail.record(entry("c-3", i));
            slowest = Math.max(slowest, System.nanoTime() - t);
            if (i % 30 == 0) {
                Thread.sleep(100);
            }
        }
        assertThat(slowest / 1_000_000).as("record() never waits for the database").isLessThan(50);
        Thread.sleep(500);
        assertThat(rows()).isZero();
        assertThat(trail.dropped()).isZero();

        dataSource.switchTo(db.dataSource());
        await().atMost(Duration.ofSeconds(10)).until(() -> rows() == 300);
        assertThat(seqsInIdOrder()).isEqualTo(range(0, 300));
        assertThat(count(db.dataSource(), "SELECT count(*) FROM audit_trail WHERE action = 'audit_overflow'")).isZero();
    }

    @Test
    void overflowDropsTheOldestWaitingEntriesCountsThemAndRecordsTheCountWhenTheDatabaseIsBack() throws Exception {
        start(50, 20, 50);
        try (LogCapture logs = LogCapture.json()) {
            dataSource.switchTo(unreachable);
            Thread.sleep(200);
            // the writer keeps trying (and holding a batch in flight) while the queue overflows
            for (int i = 0; i < 80; i++) {
                trail.record(entry("c-4", i));
                Thread.sleep(3);
            }
            Thread.sleep(400);
            assertThat(trail.dropped()).isEqualTo(30);
            assertThat(rows()).isZero();

            dataSource.switchTo(db.dataSource());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> count(db.dataSource(), "SELECT count(*) FROM audit_trail WHERE action = 'audit_overflow'") == 1);
            assertThat(seqsInIdOrder()).as("the 50 newest survive, in order").isEqualTo(range(30, 80));
            List<String> overflow = strings(db.dataSource(), "SELECT concat_ws('|', metadata->>'dropped', status, error_message)"
                                                              + " FROM audit_trail WHERE action = 'audit_overflow'");
            assertThat(overflow).hasSize(1);
            assertThat(overflow.get(0)).startsWith("30|error|");
            assertThat(count(db.dataSource(), "SELECT max(id) FROM audit_trail WHERE action = 'test_entry'"))
                    .as("the overflow entry comes after the surviving entries")
                    .isLessThan(count(db.dataSource(), "SELECT id FROM audit_trail WHERE action = 'audit_overflow'"));
            assertThat(trail.dropped()).isZero();
            assertThat(logs.lines()).anyMatch(l -> l.contains("overflowed") && l.contains("30 oldest entries dropped"));
        }
    }

    @Test
    void valuesPostgresqlWouldRefuseAreStoredCleanedInsteadOfBlockingTheTrail() throws Exception {
        start(10_000, 100, 100);
        trail.record(entry("c-5", 0));
        // PostgreSQL refuses NUL in text and \u0000 in jsonb, and VARCHAR(n) columns refuse longer values
        trail.record(new AuditEntry("c-5", "42", "test_entry", "test", null, Map.of("seq", 1, "command", "/x\u0000y"),
                AuditEntry.Status.SUCCESS, null, null));
        trail.record(new AuditEntry("c-5", "42", "test_entry", "test", null, Map.of("seq", 2), AuditEntry.Status.ERROR,
                "boom\u0000", null));
        trail.record(new AuditEntry("c-5", "x".repeat(100), "test_entry", "test", "m".repeat(300), Map.of("seq", 3),
                AuditEntry.Status.SUCCESS, null, null));
        trail.record(entry("c-5", 4));

        await().atMost(Duration.ofSeconds(10)).until(() -> rows() == 5);
        assertThat(seqsInIdOrder()).as("every entry is stored, in order").isEqualTo(range(0, 5));
        assertThat(strings(db.dataSource(), "SELECT metadata->>'command' FROM audit_trail WHERE (metadata->>'seq')::int = 1"))
                .containsExactly("/xy");
        assertThat(strings(db.dataSource(), "SELECT error_message FROM audit_trail WHERE (metadata->>'seq')::int = 2"))
                .containsExactly("boom");
        assertThat(strings(db.dataSource(), "SELECT length(user_id) || ',' || length(model) FROM audit_trail"
                                            + " WHERE (metadata->>'seq')::int = 3")).containsExactly("64,128");
    }

    @Test
    void anEntryTheDatabaseRefusesIsDroppedCountedAndDoesNotHoldUpTheOthers() throws Exception {
        AuditTestSupport.execute(db.dataSource(), "ALTER TABLE audit_trail ADD CONSTRAINT test_no_poison CHECK (action <> 'poison')");
        try (LogCapture logs = LogCapture.json()) {
            start(10_000, 100, 100);
            for (int i = 0; i < 10; i++) {
                trail.record(i == 4 ? AuditEntry.success("c-5", "42", "poison", "test", Map.of("seq", i)) : entry("c-5", i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> count(db.dataSource(),
                    "SELECT count(*) FROM audit_trail WHERE action = 'audit_rejected'") == 1);
            assertThat(seqsInIdOrder()).containsExactly(0, 1, 2, 3, 5, 6, 7, 8, 9);
            assertThat(strings(db.dataSource(), "SELECT metadata->>'rejected' || '|' || status FROM audit_trail"
                                                + " WHERE action = 'audit_rejected'")).containsExactly("1|error");
            assertThat(trail.pending()).isZero();
            assertThat(logs.lines()).anyMatch(l -> l.contains("refused 1 of 10 entries") && l.contains("23514"));

            // the trail goes on as usual
            trail.record(entry("c-5", 10));
            await().atMost(Duration.ofSeconds(5)).until(() -> seqsInIdOrder().contains(10));
        } finally {
            stopContext();
            AuditTestSupport.execute(db.dataSource(), "ALTER TABLE audit_trail DROP CONSTRAINT test_no_poison");
        }
    }

    @Test
    void storedErrorMessagesAreMaskedOneLineAndShort() throws Exception {
        start(10_000, 100, 100);
        String url = "https://api.telegram.org/bot" + FakeTelegram.TOKEN + "/sendMessage";
        String message = "RuntimeCamelException: " + url + " responded: 500\r\n"
                         + "x-api-key: " + FakeSecrets.anthropicKey("someKeyValue_0123456789") + " token=abcdef123456 " + "y".repeat(2000);
        trail.record(AuditEntry.error("c-6", "42", "error", "telegram", Map.of("route", "telegram-lane-0"), message));

        await().atMost(Duration.ofSeconds(5)).until(() -> rows() == 1);
        String stored = strings(db.dataSource(), "SELECT error_message FROM audit_trail").get(0);
        assertThat(stored).doesNotContain(FakeTelegram.TOKEN).doesNotContain("AAEfakeToken")
                .doesNotContain(FakeSecrets.ANTHROPIC_PREFIX).doesNotContain("abcdef123456").doesNotContain("\n").doesNotContain("\r")
                .contains("/bot****/sendMessage responded: 500");
        assertThat(stored.length()).isLessThanOrEqualTo(501);
    }

    @Test
    void theQueryReturnsTheEntriesOfOneCorrelationIdInOrder() throws Exception {
        start(10_000, 100, 50);
        String a = "3f0c2a9e-1111-4a5b-9c8d-0123456789ab";
        String b = "7e1d2c3b-2222-4a5b-9c8d-0123456789ab";
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String action = List.of("message_received", "llm_request", "alert_sent").get(i % 3) + "_" + i;
            trail.record(AuditEntry.success(a, "42", action, "telegram", Map.of("i", i)));
            trail.record(AuditEntry.success(b, "43", "other_" + i, "telegram", Map.of()));
            expected.add(action);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> rows() == 12);

        List<AuditEntry> entries = new AuditQuery(dataSource).entries(a);
        assertThat(entries).extracting(AuditEntry::action).isEqualTo(expected);
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.correlationId()).isEqualTo(a);
            assertThat(e.userId()).isEqualTo("42");
        });
        assertThat(entries.get(3).metadata()).containsEntry("i", 3);
        assertThat(new AuditQuery(dataSource).entries(a.substring(0, 8))).extracting(AuditEntry::action).isEqualTo(expected);
        assertThat(new AuditQuery(dataSource).entries(a.toUpperCase())).hasSize(6);
        assertThat(new AuditQuery(dataSource).entries("%")).isEmpty();
        assertThat(new AuditQuery(dataSource).entries("' OR 1=1 --")).isEmpty();
        assertThat(new AuditQuery(dataSource).entries("00000000")).isEmpty();
    }

    @Test
    void theQueryGivesUpAfterTwoSecondsWhenTheTableIsLocked() throws Exception {
        start(10_000, 100, 50);
        try (java.sql.Connection holder = db.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            holder.createStatement().execute("LOCK TABLE audit_trail IN ACCESS EXCLUSIVE MODE");
            long t0 = System.nanoTime();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AuditQuery(dataSource).entries("3f0c2a9e"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("audit trail query failed");
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(1_500L, 4_000L);
            holder.rollback();
        }
    }

    @Test
    void stoppingTheContextWritesWhatStillWaits() throws Exception {
        start(10_000, 100, 100);
        context.getRouteController().stopRoute("audit-writer");
        for (int i = 0; i < 700; i++) {
            trail.record(entry("c-7", i));
        }
        assertThat(trail.pending()).isEqualTo(700);
        context.stop();
        context = null;
        assertThat(seqsInIdOrder()).isEqualTo(range(0, 700));
    }

    @Test
    void theFlushOnStopWritesRowByRowWhenTheDatabaseRefusesAnEntry() throws Exception {
        AuditTestSupport.execute(db.dataSource(), "ALTER TABLE audit_trail ADD CONSTRAINT test_no_poison CHECK (action <> 'poison')");
        try (LogCapture logs = LogCapture.json()) {
            start(10_000, 100, 100);
            context.getRouteController().stopRoute("audit-writer");
            for (int i = 0; i < 5; i++) {
                trail.record(i == 2 ? AuditEntry.success("c-9", "42", "poison", "test", Map.of("seq", i)) : entry("c-9", i));
            }
            context.stop();
            context = null;
            assertThat(seqsInIdOrder()).as("the others are written, in order").containsExactly(0, 1, 3, 4);
            assertThat(logs.lines()).anyMatch(l -> l.contains("refused 1 of 5 entries") && l.contains("23514"))
                    .anyMatch(l -> l.contains("flushed 4 waiting entries on stop, row by row"));
            assertThat(trail.droppedTotal()).isEqualTo(1);
        } finally {
            AuditTestSupport.execute(db.dataSource(), "ALTER TABLE audit_trail DROP CONSTRAINT test_no_poison");
        }
    }

    @Test
    void everyStepOfTheWriterHasAHandWrittenId() throws Exception {
        start(10_000, 100, 100);
        assertThat(AuditTestSupport.stepIds(context, "audit-writer")).containsExactly("audit-writer-batches", "audit-writer-take",
                "audit-writer-try", "audit-writer-insert", "audit-writer-confirm", "audit-writer-failed", "audit-writer-return",
                "audit-writer-retry-later");
    }

    @Test
    void writeNowWritesOneEntryWithoutTheWriterRoute() {
        assertThat(rows()).isZero();
        AuditTrail.writeNow(db.dataSource(), entry("c-8", 0));
        assertThat(seqsInIdOrder()).containsExactly(0);

        // a database that is away: nothing is written, nothing thrown
        AuditTrail.writeNow(unreachable, entry("c-8", 1));
        assertThat(seqsInIdOrder()).containsExactly(0);
    }
}
