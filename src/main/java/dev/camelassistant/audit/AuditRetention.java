package dev.camelassistant.audit;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.sql.SqlConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bookkeeping of one retention (audit entries, and through subclasses the inbox, the outbox and
 * conversations) for the {@code retention-purge} route template of routes/retention.camel.yaml: that
 * route deletes with camel-sql a batch per short transaction ({@code sql/*-cleanup.sql}: LIMIT
 * {@code :#batchSize}, FOR UPDATE SKIP LOCKED) until a batch deletes nothing, so concurrent inserts
 * never wait long and two instances running at once split the work instead of blocking each other.
 * This bean sets the statement's parameters, counts, and records one audit entry per run. A run's
 * state lives in the exchange, so runs may overlap.
 */
public class AuditRetention {

    /** The named parameters of the cleanup statements. */
    static final String CUTOFF = "cutoff";
    static final String BATCH_SIZE = "batchSize";
    private static final String DELETED = "retentionDeleted";
    private static final String STARTED = "retentionStartedNanos";
    /** camel-sql's header with the rows an update changed. */
    private static final String UPDATE_COUNT = SqlConstants.SQL_UPDATE_COUNT;

    private static final Logger LOG = LoggerFactory.getLogger(AuditRetention.class);

    private final AuditRecorder recorder;
    private final int retentionDays;
    private final int batchSize;
    private final Clock clock;
    private final String action;

    public AuditRetention(AuditRecorder recorder, int retentionDays, int batchSize, Clock clock) {
        this(recorder, retentionDays, batchSize, clock, "audit_cleanup");
    }

    /** @param action the audit action recorded after each run */
    protected AuditRetention(AuditRecorder recorder, int retentionDays, int batchSize, Clock clock, String action) {
        this.recorder = recorder;
        this.retentionDays = retentionDays;
        this.batchSize = batchSize;
        this.clock = clock;
        this.action = action;
    }

    /** Before the first batch: the statement's parameters as headers, the count at zero. */
    public void start(Exchange exchange) {
        exchange.getMessage().setHeader(CUTOFF, Timestamp.from(clock.instant().minus(Duration.ofDays(retentionDays))));
        exchange.getMessage().setHeader(BATCH_SIZE, batchSize);
        // a run before this one in the same exchange (the inbox's, then the outbox's) left its last count
        exchange.getMessage().removeHeader(UPDATE_COUNT);
        exchange.setVariable(DELETED, 0L);
        exchange.setVariable(STARTED, System.nanoTime());
    }

    /** Whether to delete another batch: before the first one, and after every batch that deleted rows. */
    public boolean more(Exchange exchange) {
        Integer last = exchange.getMessage().getHeader(UPDATE_COUNT, Integer.class);
        return last == null || last > 0;
    }

    /** After each batch. */
    public void counted(Exchange exchange) {
        long deleted = exchange.getVariable(DELETED, 0L, Long.class);
        exchange.setVariable(DELETED, deleted + exchange.getMessage().getHeader(UPDATE_COUNT, 0, Integer.class));
    }

    /** After the last batch: records the run; returns the rows deleted. */
    public long finish(Exchange exchange) {
        long deleted = exchange.getVariable(DELETED, 0L, Long.class);
        long ms = (System.nanoTime() - exchange.getVariable(STARTED, System.nanoTime(), Long.class)) / 1_000_000;
        exchange.getMessage().removeHeader(CUTOFF);
        exchange.getMessage().removeHeader(BATCH_SIZE);
        LOG.debug("{}: {} rows in {} ms", action, deleted, ms);
        recorder.record(new AuditEntry(null, null, action, "worker", null,
                Map.of("deleted", deleted, "retentionDays", retentionDays, "durationMs", ms), AuditEntry.Status.SUCCESS,
                null, null));
        return deleted;
    }
}
