package dev.camelassistant.audit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.camelassistant.logging.LogMasker;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail's queue and writer: a bounded queue between the request path and the database.
 * <p>
 * {@link #record} never blocks and never throws. The {@code audit-writer} route
 * (routes/audit.camel.yaml) takes batches ({@link #takeBatch}), inserts them with camel-sql and
 * confirms ({@link #confirmBatch}) or, when the database is unreachable, gives them back
 * ({@link #returnBatch}) so they are written, in order, once it is back. When the queue is full the
 * oldest waiting entries are dropped and counted; the count is logged and recorded as an
 * {@code audit_overflow} entry once writing succeeds again. Every stop writes whatever still waits.
 * <p>
 * Every write goes through camel-sql with {@code sql/audit-insert.sql}: the route's batches, and the
 * writes made from here ({@link AuditWriter}).
 */
public class AuditTrail extends ServiceSupport implements AuditRecorder, CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);

    private final int capacity;
    private final int batchSize;
    private final Deque<AuditEntry> queue = new ArrayDeque<>();
    private final List<AuditEntry> inFlight = new ArrayList<>();
    private long dropped;
    /** Entries lost since start (never reset): pushed out of the full queue, or refused by the database. */
    private long droppedTotal;
    private boolean failing;

    private long batchTimeoutNanos = 200_000_000L;
    /** System.nanoTime() when the queue last went from empty to non-empty. */
    private long waitingSince;

    private volatile CamelContext camelContext;
    private volatile AuditWriter writer;

    public AuditTrail(int capacity, int batchSize) {
        this.capacity = capacity;
        this.batchSize = batchSize;
    }

    @Override
    public void record(AuditEntry entry) {
        append(entry, true);
    }

    /** @param trim false only for the overflow report, which must not push out yet another entry */
    private void append(AuditEntry entry, boolean trim) {
        if (entry == null) {
            return;
        }
        try {
            AuditEntry safe = AuditRows.withCleanError(entry);
            synchronized (this) {
                if (queue.isEmpty()) {
                    waitingSince = System.nanoTime();
                }
                queue.addLast(safe);
                if (trim) {
                    trimToCapacity();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Audit entry {} not recorded: {}", entry.action(), e.getClass().getSimpleName());
        }
    }

    /** Entries waiting to be written (not counting a batch in flight). */
    public synchronized int pending() {
        return queue.size();
    }

    /**
     * Whether the writer should write now: a full batch waits, or the oldest waiting entry has waited
     * {@code batchTimeoutMs}, whichever comes first. The audit-writer route asks this every few ms.
     */
    public synchronized boolean batchReady() {
        if (queue.isEmpty()) {
            return false;
        }
        return queue.size() >= batchSize || System.nanoTime() - waitingSince >= batchTimeoutNanos || !isRunAllowed();
    }

    /** The longest an entry waits for a batch to fill (audit.batch-timeout-ms). */
    public void setBatchTimeoutMs(long ms) {
        this.batchTimeoutNanos = ms * 1_000_000L;
    }

    /** How many entries the queue has dropped since the last report. */
    public synchronized long dropped() {
        return dropped;
    }

    /** Entries lost since start, for the metrics: dropped from the full queue or refused by the database. */
    public synchronized long droppedTotal() {
        return droppedTotal;
    }

    /** Up to batch-size entries as camel-sql parameter maps; they stay in flight until confirmed or returned. */
    public synchronized List<Map<String, Object>> takeBatch() {
        if (!inFlight.isEmpty()) {
            throw new IllegalStateException("a batch is already in flight");
        }
        while (!queue.isEmpty() && inFlight.size() < batchSize) {
            inFlight.add(queue.pollFirst());
        }
        return AuditRows.toRows(inFlight);
    }

    public void confirmBatch() {
        long lost;
        boolean recovered;
        synchronized (this) {
            inFlight.clear();
            recovered = failing;
            failing = false;
            lost = dropped;
            dropped = 0;
        }
        if (recovered) {
            LOG.info("Audit trail writes again; {} entries waiting", pending());
        }
        if (lost > 0) {
            LOG.warn("Audit queue overflowed while the database was unreachable: {} oldest entries dropped", lost);
            append(new AuditEntry(null, null, "audit_overflow", "audit", null, Map.of("dropped", lost),
                    AuditEntry.Status.ERROR, "audit queue full: oldest entries dropped", null), false);
        }
    }

    /**
     * The database refused the batch: it goes back to the head of the queue, in order. When it refused
     * the data itself (SQLState class 22 or 23: no retry can succeed), the batch is written row by row
     * instead and only the rows refused are dropped, counted and logged, so one bad entry cannot hold
     * up the trail.
     */
    public void returnBatch(Exception cause) {
        if (AuditWriter.isDataError(cause) && writeInFlightRowByRow()) {
            return;
        }
        boolean first;
        synchronized (this) {
            for (int i = inFlight.size() - 1; i >= 0; i--) {
                queue.addFirst(inFlight.get(i));
            }
            inFlight.clear();
            trimToCapacity();
            // try again after the batch timeout (sooner only if a full batch waits)
            waitingSince = System.nanoTime();
            first = !failing;
            failing = true;
        }
        if (first) {
            LOG.warn("Audit trail cannot write ({}); {} entries wait in memory and will be written when the database is back",
                    cause == null ? "unknown" : LogMasker.mask(cause.getClass().getSimpleName() + ": " + cause.getMessage()),
                    pending());
        }
    }

    /** Writes whatever still waits, in one batch; returns how many entries were written. */
    public int flush() {
        List<AuditEntry> rest;
        synchronized (this) {
            rest = new ArrayList<>(inFlight);
            rest.addAll(queue);
            inFlight.clear();
            queue.clear();
        }
        if (rest.isEmpty()) {
            return 0;
        }
        if (writer == null) {
            LOG.error("Audit trail could not flush {} entries on stop: it was never added to a CamelContext", rest.size());
            return 0;
        }
        Exception failure = writer.writeBatch(rest);
        if (failure == null) {
            LOG.info("Audit trail flushed {} waiting entries on stop", rest.size());
            return rest.size();
        }
        if (AuditWriter.isDataError(failure)) {
            AuditWriter.RowByRow result = writer.writeRowByRow(rest);
            reportRejected(result, rest.size());
            if (result.complete()) {
                LOG.info("Audit trail flushed {} waiting entries on stop, row by row", result.done() - result.rejected());
                return result.done() - result.rejected();
            }
        }
        LOG.error("Audit trail could not flush {} entries on stop: {}", rest.size(), AuditWriter.sqlState(failure));
        return 0;
    }

    /**
     * Writes one entry at once, through a small Camel context of its own that stops (and so flushes)
     * before this returns: for one-shot processes without the writer route (the command line).
     */
    public static void writeNow(DataSource dataSource, AuditEntry entry) {
        DefaultCamelContext context = new DefaultCamelContext();
        try {
            context.disableJMX();
            context.getRegistry().bind("dataSource", dataSource);
            AuditTrail trail = new AuditTrail(1, 1);
            context.addService(trail, true, true);
            context.start();
            trail.record(entry);
        } catch (Exception e) {
            LOG.error("Audit entry {} not written: {}", entry.action(), e.getClass().getSimpleName());
        } finally {
            context.stop();
        }
    }

    /**
     * Camel stops this service twice: with the audit-writer route (a bean processor stops the beans it
     * calls) and then as a context service, after every route. Entries recorded in between must be
     * written too, so every stop flushes, even when already stopped.
     */
    @Override
    public void stop() {
        super.stop();
        flush();
        if (writer != null) {
            writer.close();
        }
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
        this.writer = camelContext == null ? null : new AuditWriter(camelContext);
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /**
     * The batch in flight, one row per statement; false when the database went away meanwhile (what was
     * written or refused is done, the rest stays in flight and goes back to the queue).
     */
    private boolean writeInFlightRowByRow() {
        List<AuditEntry> batch;
        synchronized (this) {
            batch = new ArrayList<>(inFlight);
        }
        if (writer == null) {
            return false;
        }
        AuditWriter.RowByRow result = writer.writeRowByRow(batch);
        reportRejected(result, batch.size());
        if (!result.complete()) {
            synchronized (this) {
                // what was written (or refused) is done; the rest goes back with the usual path
                inFlight.subList(0, Math.min(result.done(), inFlight.size())).clear();
            }
            return false;
        }
        confirmBatch();
        return true;
    }

    /** Rows the database refused are dropped: counted, logged and reported as an {@code audit_rejected} entry. */
    private void reportRejected(AuditWriter.RowByRow result, int batchSize) {
        if (result.rejected() == 0) {
            return;
        }
        synchronized (this) {
            droppedTotal += result.rejected();
        }
        LOG.warn("Audit trail: the database refused {} of {} entries of a batch (SQLState {}); they are dropped",
                result.rejected(), batchSize, result.sqlState());
        append(new AuditEntry(null, null, "audit_rejected", "audit", null, Map.of("rejected", result.rejected()),
                AuditEntry.Status.ERROR, "database refused entries (SQLState " + result.sqlState() + ")", null), true);
    }

    /**
     * Drops the oldest waiting entries beyond the capacity. A batch in flight is not waiting: if it
     * fails it comes back to the head of the queue and is then the oldest, so memory holds at most
     * capacity + batch size entries.
     */
    private void trimToCapacity() {
        while (queue.size() > capacity) {
            queue.pollFirst();
            dropped++;
            droppedTotal++;
        }
    }
}
