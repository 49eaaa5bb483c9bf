package dev.camelassistant.conversation;

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

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes conversations whose last activity is older than CONVERSATION_RETENTION_DAYS (their turns
 * go with them), a batch per short transaction ({@code sql/conversation-cleanup.sql}: LIMIT n,
 * FOR UPDATE SKIP LOCKED), as {@link dev.camelassistant.audit.AuditRetention} does for the audit trail.
 */
public class ConversationRetention {

    private static final Logger LOG = LoggerFactory.getLogger(ConversationRetention.class);

    private final DataSource dataSource;
    private final AuditRecorder recorder;
    private final int retentionDays;
    private final int batchSize;
    private final Clock clock;
    private final String sql;

    public ConversationRetention(DataSource dataSource, AuditRecorder recorder, int retentionDays, int batchSize,
                                 Clock clock) {
        this.dataSource = dataSource;
        this.recorder = recorder;
        this.retentionDays = retentionDays;
        this.batchSize = batchSize;
        this.clock = clock;
        try (InputStream in = ConversationRetention.class.getResourceAsStream("/sql/conversation-cleanup.sql")) {
            this.sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes every expired conversation; returns how many. */
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
        LOG.debug("Conversation cleanup: {} conversations in {} batches, {} ms", total, batches, ms);
        recorder.record(new AuditEntry(null, null, "conversation_cleanup", "worker", null,
                Map.of("deleted", total, "retentionDays", retentionDays, "durationMs", ms), AuditEntry.Status.SUCCESS,
                null, null));
        return total;
    }
}
