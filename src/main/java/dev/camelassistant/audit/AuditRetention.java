package dev.camelassistant.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes audit entries older than the retention, a batch per short transaction
 * ({@code sql/audit-cleanup.sql}: LIMIT n, FOR UPDATE SKIP LOCKED), so concurrent inserts never wait
 * long and two instances running at once split the work instead of blocking each other. Other
 * retentions (conversations) run the same loop over their own statement: see the protected constructor.
 */
public class AuditRetention {

    private static final Logger LOG = LoggerFactory.getLogger(AuditRetention.class);

    private final DataSource dataSource;
    private final AuditRecorder recorder;
    private final int retentionDays;
    private final int batchSize;
    private final Clock clock;
    private final String sql;
    private final String action;

    public AuditRetention(DataSource dataSource, AuditRecorder recorder, int retentionDays, int batchSize, Clock clock) {
        this(dataSource, recorder, retentionDays, batchSize, clock, "/sql/audit-cleanup.sql", "audit_cleanup");
    }

    /**
     * @param sqlResource a DELETE with two parameters, the cutoff time and the batch size, returning the rows deleted
     * @param action      the audit action recorded after each run
     */
    protected AuditRetention(DataSource dataSource, AuditRecorder recorder, int retentionDays, int batchSize, Clock clock,
                             String sqlResource, String action) {
        this.dataSource = dataSource;
        this.recorder = recorder;
        this.retentionDays = retentionDays;
        this.batchSize = batchSize;
        this.clock = clock;
        this.action = action;
        try (InputStream in = AuditRetention.class.getResourceAsStream(sqlResource)) {
            this.sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes every expired row; returns how many. */
    public long purge() throws SQLException {
        Instant cutoff = clock.instant().minus(Duration.ofDays(retentionDays));
        long started = System.nanoTime();
        long total = 0;
        int batches = 0;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(true);
            ps.setTimestamp(1, Timestamp.from(cutoff));
            ps.setInt(2, batchSize);
            int n;
            do {
                n = ps.executeUpdate();
                total += n;
                batches++;
            } while (n > 0);
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        LOG.debug("{}: {} rows in {} batches, {} ms", action, total, batches, ms);
        recorder.record(new AuditEntry(null, null, action, "worker", null,
                Map.of("deleted", total, "retentionDays", retentionDays, "durationMs", ms), AuditEntry.Status.SUCCESS,
                null, null));
        return total;
    }
}
