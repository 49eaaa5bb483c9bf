package dev.camelassistant.audit;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.camelassistant.support.RetentionRoutes;
import dev.camelassistant.support.TestDatabaseExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInstance;

import static dev.camelassistant.support.Sql.count;
import static dev.camelassistant.audit.AuditTestSupport.execute;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit-purge route (routes/retention.camel.yaml with AuditRetention, camel-sql) on a table of realistic size (50,001 rows, half of them expired, in random
 * order of age) with a fixed clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditRetentionTest {

    static final Instant NOW = Instant.parse("2026-01-31T00:00:00Z");
    static final String CUTOFF = "TIMESTAMPTZ '2026-01-01 00:00:00+00'";
    static final int ROWS = 50_000;
    /** v = (i * 7919 mod 50000) - 25000 runs through -25000..24999 once: 25,000 rows older than the cutoff, plus one 1 µs before it. */
    static final int EXPIRED = ROWS / 2 + 1;

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();
    private final List<AuditEntry> recorded = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void fill() {
        recorded.clear();
        fill(DB.dataSource(), ROWS);
        execute(DB.dataSource(), "DROP TABLE IF EXISTS expected_kept");
        execute(DB.dataSource(), "CREATE TABLE expected_kept AS SELECT id FROM audit_trail WHERE created_at >= " + CUTOFF);
    }

    /** Rows in random order of age around the cutoff, one exactly at it and one 1 µs before it. */
    static void fill(DataSource ds, int rows) {
        execute(ds, "TRUNCATE audit_trail RESTART IDENTITY");
        execute(ds, "INSERT INTO audit_trail (correlation_id, user_id, action, source, metadata, status, created_at)"
                    + " SELECT md5(i::text), (1000 + i % 50)::text, 'message_received', 'telegram',"
                    + " jsonb_build_object('chatId', (1000 + i % 50)::text, 'messageId', i, 'textLength', i % 300), 'success',"
                    + " " + CUTOFF + " + (((i::bigint * 7919) % " + rows + ") - " + rows / 2 + ") * INTERVAL '1 minute'"
                    + " FROM generate_series(0, " + (rows - 1) + ") AS i");
        execute(ds, "INSERT INTO audit_trail (action, status, created_at) VALUES ('edge_expired', 'success', "
                    + CUTOFF + " - INTERVAL '1 microsecond')");
        execute(ds, "ANALYZE audit_trail");
    }

    /** The audit-purge route (retention-purge template, camel-sql) over the given DataSource. */
    private RetentionRoutes routes(DataSource ds, int batchSize) throws Exception {
        return new RetentionRoutes(ds, "audit-cleanup", Map.of("auditRetention",
                new AuditRetention(recorded::add, 30, batchSize, Clock.fixed(NOW, ZoneOffset.UTC))));
    }

    private long purge(DataSource ds, int batchSize) throws Exception {
        try (RetentionRoutes routes = routes(ds, batchSize)) {
            return routes.purge("audit-purge");
        }
    }

    private void assertExactlyTheExpiredRowsAreGone() {
        assertThat(count(DB.dataSource(), "SELECT count(*) FROM audit_trail WHERE created_at < " + CUTOFF)).isZero();
        assertThat(count(DB.dataSource(), "SELECT count(*) FROM audit_trail")).isEqualTo(ROWS + 1 - EXPIRED);
        assertThat(count(DB.dataSource(), "SELECT count(*) FROM audit_trail a FULL JOIN expected_kept e USING (id)"
                                          + " WHERE a.id IS NULL OR e.id IS NULL")).as("every younger row is kept").isZero();
        assertThat(count(DB.dataSource(), "SELECT count(*) FROM audit_trail WHERE created_at = " + CUTOFF))
                .as("a row exactly at the cutoff is not older than the retention").isEqualTo(1);
    }

    @Test
    void purgeDeletesExactlyTheRowsOlderThanTheRetentionAndRecordsTheCount() throws Exception {
        assertThat(purge(DB.dataSource(), 10_000)).isEqualTo(EXPIRED);
        assertExactlyTheExpiredRowsAreGone();

        assertThat(recorded).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("audit_cleanup");
            assertThat(e.status()).isEqualTo(AuditEntry.Status.SUCCESS);
            assertThat(e.metadata()).containsEntry("deleted", (long) EXPIRED).containsEntry("retentionDays", 30);
        });
        assertThat(purge(DB.dataSource(), 10_000)).as("a second run finds nothing").isZero();
    }

    @Test
    void everyBatchIsItsOwnShortTransaction() throws Exception {
        List<Long> seenByOthers = new ArrayList<>();
        DataSource observed = observingDataSource(DB.dataSource(), () -> seenByOthers.add(
                count(DB.dataSource(), "SELECT count(*) FROM audit_trail WHERE created_at < " + CUTOFF)));

        assertThat(purge(observed, 5_000)).isEqualTo(EXPIRED);
        // after each DELETE another session already sees the rows gone: nothing is held until the end
        assertThat(seenByOthers).containsExactly(20_001L, 15_001L, 10_001L, 5_001L, 1L, 0L, 0L);
        assertExactlyTheExpiredRowsAreGone();
    }

    @Test
    void twoInstancesPurgingAtOnceDeleteEachRowOnce() throws Exception {
        long x;
        long y;
        try (RetentionRoutes a = routes(DB.dataSource(), 500); RetentionRoutes b = routes(DB.dataSource(), 500)) {
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<Long> first = CompletableFuture.supplyAsync(() -> purgeAfter(go, a));
            CompletableFuture<Long> second = CompletableFuture.supplyAsync(() -> purgeAfter(go, b));
            go.countDown();
            x = first.get(60, TimeUnit.SECONDS);
            y = second.get(60, TimeUnit.SECONDS);
        }

        assertThat(x + y).isEqualTo(EXPIRED);
        assertExactlyTheExpiredRowsAreGone();
        assertThat(recorded).hasSize(2).allSatisfy(e -> assertThat(e.action()).isEqualTo("audit_cleanup"));
        assertThat(recorded.stream().mapToLong(e -> ((Number) e.metadata().get("deleted")).longValue()).sum()).isEqualTo(EXPIRED);
    }

    @Test
    void aRowLockedByAnotherTransactionIsSkippedNotWaitedFor() throws Exception {
        try (Connection holder = DB.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.executeQuery("SELECT id FROM audit_trail WHERE action = 'edge_expired' FOR UPDATE").close();
            }
            long deleted = CompletableFuture.supplyAsync(() -> {
                try {
                    return purge(DB.dataSource(), 10_000);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).get(30, TimeUnit.SECONDS);
            assertThat(deleted).isEqualTo(EXPIRED - 1);
            holder.rollback();
        }
        assertThat(purge(DB.dataSource(), 10_000)).isEqualTo(1);
        assertExactlyTheExpiredRowsAreGone();
    }

    private static long purgeAfter(CountDownLatch go, RetentionRoutes r) {
        try {
            go.await();
            return r.purge("audit-purge");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code afterEachUpdate} after every execute or executeUpdate of the statements it hands out. */
    private static DataSource observingDataSource(DataSource ds, Runnable afterEachUpdate) {
        return (DataSource) Proxy.newProxyInstance(AuditRetentionTest.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = method.invoke(ds, args);
                    if (result instanceof Connection c) {
                        return wrap(Connection.class, c, (p, m, a) -> {
                            Object r = m.invoke(c, a);
                            if (r instanceof PreparedStatement ps) {
                                return wrap(PreparedStatement.class, ps, (p2, m2, a2) -> {
                                    Object r2 = m2.invoke(ps, a2);
                                    if (m2.getName().equals("executeUpdate") || m2.getName().equals("execute")) {
                                        afterEachUpdate.run();
                                    }
                                    return r2;
                                });
                            }
                            return r;
                        });
                    }
                    return result;
                });
    }

    private static <T> T wrap(Class<T> type, T target, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(AuditRetentionTest.class.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
