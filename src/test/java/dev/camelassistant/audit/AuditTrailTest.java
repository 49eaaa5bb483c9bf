package dev.camelassistant.audit;

import dev.camelassistant.support.FakeSecrets;
import java.net.ConnectException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.camelassistant.support.FakeTelegram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** AuditTrail's memory side, without a database. */
class AuditTrailTest {

    private static AuditEntry e(int seq) {
        return AuditTestSupport.entry("c", seq);
    }

    private static List<Object> seqs(List<Map<String, Object>> rows) {
        return rows.stream().map(r -> r.get("metadata")).map(String.class::cast)
                .map(json -> (Object) Integer.parseInt(json.replaceAll("\\D", ""))).toList();
    }

    private static final Exception UNREACHABLE = new SQLTransientConnectionException("camel-assistant - Connection is not available",
            "08001", new ConnectException("Connection refused"));

    @Test
    void batchesComeOutInOrderAndAtMostBatchSizeLong() {
        AuditTrail trail = new AuditTrail(100, 3);
        for (int i = 0; i < 7; i++) {
            trail.record(e(i));
        }
        assertThat(seqs(trail.takeBatch())).containsExactly(0, 1, 2);
        assertThatThrownBy(trail::takeBatch).as("one batch in flight at a time").isInstanceOf(IllegalStateException.class);
        trail.confirmBatch();
        assertThat(seqs(trail.takeBatch())).containsExactly(3, 4, 5);
        trail.confirmBatch();
        assertThat(seqs(trail.takeBatch())).containsExactly(6);
        trail.confirmBatch();
        assertThat(trail.pending()).isZero();
        assertThat(trail.takeBatch()).isEmpty();
    }

    @Test
    void aReturnedBatchGoesBackToTheHeadInOrder() {
        AuditTrail trail = new AuditTrail(100, 3);
        for (int i = 0; i < 5; i++) {
            trail.record(e(i));
        }
        trail.takeBatch();
        trail.record(e(5));
        trail.returnBatch(UNREACHABLE);
        assertThat(trail.pending()).isEqualTo(6);
        assertThat(seqs(trail.takeBatch())).containsExactly(0, 1, 2);
    }

    @Test
    void overflowDropsTheOldestWaitingEntriesEvenWhileABatchIsInFlight() {
        AuditTrail trail = new AuditTrail(5, 3);
        for (int i = 0; i < 3; i++) {
            trail.record(e(i));
        }
        trail.takeBatch(); // 0,1,2 in flight: the database does not answer
        for (int i = 3; i < 10; i++) {
            trail.record(e(i));
        }
        assertThat(trail.dropped()).isEqualTo(2); // 3 and 4: the oldest waiting
        trail.returnBatch(UNREACHABLE);
        // 0,1,2 wait again and are now the oldest: they go
        assertThat(trail.dropped()).isEqualTo(5);
        assertThat(trail.pending()).isEqualTo(5);
        assertThat(seqs(trail.takeBatch())).containsExactly(5, 6, 7);
        trail.confirmBatch();
        assertThat(trail.dropped()).as("reported once written again").isZero();

        List<Map<String, Object>> rest = trail.takeBatch();
        assertThat(rest).hasSize(3);
        assertThat(rest.get(2)).containsEntry("action", "audit_overflow").containsEntry("status", "error")
                .containsEntry("metadata", "{\"dropped\":5}");
    }

    @Test
    void aSuccessfulBatchInFlightIsNotCountedAsDropped() {
        AuditTrail trail = new AuditTrail(5, 3);
        for (int i = 0; i < 3; i++) {
            trail.record(e(i));
        }
        trail.takeBatch();
        for (int i = 3; i < 9; i++) {
            trail.record(e(i));
        }
        trail.confirmBatch(); // 0,1,2 written after all
        assertThat(trail.pending()).isEqualTo(5 + 1); // 4..8 and the overflow report
        List<Map<String, Object>> next = trail.takeBatch();
        assertThat(seqs(next)).containsExactly(4, 5, 6);
    }

    @Test
    void recordNeverThrowsAndNeverWaitsForTheWriter() throws Exception {
        AuditTrail trail = new AuditTrail(10_000, 100);
        assertThatNoException().isThrownBy(() -> trail.record(null));
        assertThat(trail.pending()).isZero();

        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < 4; t++) {
            pool.submit(() -> {
                go.await();
                for (int i = 0; i < 5_000; i++) {
                    trail.record(e(i));
                }
                return null;
            });
        }
        long t0 = System.nanoTime();
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(trail.pending()).isEqualTo(10_000);
        assertThat(trail.dropped()).isEqualTo(10_000);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
    }

    @Test
    void errorMessagesAreMaskedFoldedAndBounded() {
        String cleaned = AuditRows.cleanError("GET https://api.telegram.org/bot" + FakeTelegram.TOKEN
                                               + "/getUpdates failed\nkey " + FakeSecrets.anthropicKey("abcdefghijkl") + " " + "x".repeat(900));
        assertThat(cleaned).contains("/bot****/getUpdates failed\\nkey ****").doesNotContain("\n")
                .doesNotContain(FakeTelegram.TOKEN).doesNotContain(FakeSecrets.ANTHROPIC_PREFIX);
        assertThat(cleaned).hasSize(501).endsWith("…");
    }

    @Test
    void rowsAreCutToTheColumnsAndLoseNulCharacters() {
        Map<String, Object> row = AuditRows.toRow(new AuditEntry("c".repeat(80), "u\u0000".repeat(40), null, "s".repeat(40),
                "m".repeat(200), Map.of("k\u0000", List.of("a\u0000b", Map.of("n", "\u0000"))), AuditEntry.Status.TIMEOUT,
                "e\u0000", null));
        assertThat((String) row.get("correlationId")).hasSize(64);
        assertThat((String) row.get("userId")).isEqualTo("u".repeat(40));
        assertThat(row.get("action")).isEqualTo("unknown");
        assertThat((String) row.get("source")).hasSize(32);
        assertThat((String) row.get("model")).hasSize(128);
        assertThat(row.get("metadata")).isEqualTo("{\"k\":[\"ab\",{\"n\":\"\"}]}");
        assertThat(row.get("status")).isEqualTo("timeout");
        assertThat(row.get("errorMessage")).isEqualTo("e");
    }

    @Test
    void onlyDataErrorsCountAsRefusedData() {
        SQLException check = new SQLException("new row violates check constraint", "23514");
        BatchUpdateException batch = new BatchUpdateException("Batch entry 0 was aborted", "23514", 0, new int[0], null);
        batch.setNextException(check);
        assertThat(AuditWriter.isDataError(new RuntimeException("wrapped", batch))).isTrue();
        assertThat(AuditWriter.isDataError(new SQLException("unsupported Unicode escape sequence", "22P05"))).isTrue();
        assertThat(AuditWriter.isDataError(UNREACHABLE)).isFalse();
        assertThat(AuditWriter.isDataError(new SQLException("relation \"audit_trail\" does not exist", "42P01"))).isFalse();
        assertThat(AuditWriter.isDataError(new SQLException("canceling statement due to lock timeout", "55P03"))).isFalse();
        assertThat(AuditWriter.isDataError(null)).isFalse();
    }
}
