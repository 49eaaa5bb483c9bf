package dev.camelassistant.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelassistant.logging.LogMasker;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail's memory side: a bounded queue between the request path and the database.
 * <p>
 * {@link #record} never blocks and never throws. The {@code audit-writer} route takes batches
 * ({@link #takeBatch}), inserts them with camel-sql and confirms ({@link #confirmBatch}) or, when
 * the database is unreachable, gives them back ({@link #returnBatch}) so they are written, in order,
 * once it is back. When the queue is full the oldest waiting entries are dropped and counted; the
 * count is logged and recorded as an {@code audit_overflow} entry once writing succeeds again. On
 * shutdown whatever still waits is written directly.
 */
public class AuditTrail extends ServiceSupport implements AuditRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAMED_PARAM = Pattern.compile(":#(\\w+)");
    private static final int MAX_ERROR_LENGTH = 500;
    private static final int QUERY_TIMEOUT_SECONDS = 2;
    private static final List<String> PARAM_NAMES = paramNames(insertSql());
    private static final String JDBC_INSERT = NAMED_PARAM.matcher(insertSql()).replaceAll("?");

    private final DataSource dataSource;
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

    public AuditTrail(DataSource dataSource, int capacity, int batchSize) {
        this.dataSource = dataSource;
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
            AuditEntry safe = entry.errorMessage() == null ? entry : withError(entry, cleanError(entry.errorMessage()));
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

    /** The longest an entry waits for a batch to fill (default 200 ms). */
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
        List<Map<String, Object>> rows = new ArrayList<>(inFlight.size());
        for (AuditEntry e : inFlight) {
            rows.add(toRow(e));
        }
        return rows;
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
        if (isDataError(cause) && writeRowByRow()) {
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

    /** Entries of one correlation id (full or the short form printed to users), oldest first. */
    public List<AuditEntry> queryAuditTrail(String correlationId) {
        String id = correlationId == null ? "" : correlationId.trim();
        if (!id.matches("[0-9a-fA-F-]{4,64}")) {
            return List.of();
        }
        String sql = "SELECT correlation_id, user_id, action, source, model, metadata::text, status, error_message, created_at"
                     + " FROM audit_trail WHERE correlation_id LIKE ? ORDER BY created_at, id LIMIT 200";
        List<AuditEntry> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            // the owner's /audit waits for this on the audit-command route's one consumer (seda, off the poll
            // thread): a locked or slow table must not hold it, nor the /audit commands queued behind it
            ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            ps.setString(1, id.toLowerCase(java.util.Locale.ROOT) + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AuditEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), parseMetadata(rs.getString(6)),
                            AuditEntry.Status.valueOf(rs.getString(7).toUpperCase(java.util.Locale.ROOT)),
                            rs.getString(8), rs.getTimestamp(9).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("audit trail query failed: " + e.getSQLState(), e);
        }
        return out;
    }

    /** Writes whatever still waits, directly, before the database goes away (graceful shutdown). */
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
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(JDBC_INSERT)) {
            for (AuditEntry e : rest) {
                bind(ps, e);
                ps.addBatch();
            }
            ps.executeBatch();
            LOG.info("Audit trail flushed {} waiting entries on shutdown", rest.size());
            return rest.size();
        } catch (SQLException e) {
            LOG.error("Audit trail could not flush {} entries on shutdown: {}", rest.size(), e.getSQLState());
            return 0;
        }
    }

    /**
     * Camel stops this bean twice: with the audit-writer route (a bean processor stops the beans it
     * calls) and then as a context service, after every route. Entries recorded in between must be
     * written too, so every stop flushes, even when already stopped.
     */
    @Override
    public void stop() {
        super.stop();
        flush();
    }

    /** The in-flight batch, one row per transaction; false (batch untouched) when the database is unreachable. */
    private boolean writeRowByRow() {
        List<AuditEntry> batch;
        synchronized (this) {
            batch = new ArrayList<>(inFlight);
        }
        int written = 0;
        int rejected = 0;
        String lastError = null;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(JDBC_INSERT)) {
            c.setAutoCommit(true);
            for (AuditEntry e : batch) {
                try {
                    bind(ps, e);
                    ps.executeUpdate();
                } catch (SQLException ex) {
                    if (!isDataError(ex)) {
                        throw ex;
                    }
                    rejected++;
                    lastError = ex.getSQLState();
                }
                written++;
            }
        } catch (SQLException e) {
            synchronized (this) {
                // what was written (or refused) is done; the rest goes back with the usual path
                inFlight.subList(0, Math.min(written, inFlight.size())).clear();
            }
            return false;
        }
        if (rejected > 0) {
            synchronized (this) {
                droppedTotal += rejected;
            }
            LOG.warn("Audit trail: the database refused {} of {} entries of a batch (SQLState {}); they are dropped",
                    rejected, batch.size(), lastError);
        }
        confirmBatch();
        if (rejected > 0) {
            record(new AuditEntry(null, null, "audit_rejected", "audit", null, Map.of("rejected", rejected),
                    AuditEntry.Status.ERROR, "database refused entries (SQLState " + lastError + ")", null));
        }
        return true;
    }

    /** SQLState class 22 (data exception) or 23 (integrity constraint) anywhere in the cause chain. */
    static boolean isDataError(Throwable t) {
        for (int depth = 0; t != null && depth < 10; depth++) {
            if (t instanceof SQLException sql) {
                for (SQLException s = sql; s != null; s = s.getNextException()) {
                    String state = s.getSQLState();
                    if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                        return true;
                    }
                    if (s.getNextException() == s) {
                        break;
                    }
                }
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return false;
    }

    private static void bind(PreparedStatement ps, AuditEntry e) throws SQLException {
        Map<String, Object> row = toRow(e);
        for (int i = 0; i < PARAM_NAMES.size(); i++) {
            ps.setObject(i + 1, row.get(PARAM_NAMES.get(i)));
        }
    }

    static String insertSql() {
        try (InputStream in = AuditTrail.class.getResourceAsStream("/sql/audit-insert.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> paramNames(String sql) {
        List<String> names = new ArrayList<>();
        Matcher m = NAMED_PARAM.matcher(sql);
        while (m.find()) {
            names.add(m.group(1));
        }
        return List.copyOf(names);
    }

    /** One row as the insert expects it, cut to the columns' sizes and without NUL (which PostgreSQL refuses). */
    static Map<String, Object> toRow(AuditEntry e) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("correlationId", column(e.correlationId(), 64));
        row.put("userId", column(e.userId(), 64));
        row.put("action", e.action() == null ? "unknown" : column(e.action(), 64));
        row.put("source", column(e.source(), 32));
        row.put("model", column(e.model(), 128));
        row.put("metadata", toJson(withoutNul(e.metadata())));
        row.put("status", e.status().dbValue());
        row.put("errorMessage", column(e.errorMessage(), Integer.MAX_VALUE));
        row.put("createdAt", Timestamp.from(e.createdAt()));
        return row;
    }

    private static String column(String value, int maxLength) {
        if (value == null) {
            return null;
        }
        String v = value.indexOf('\0') >= 0 ? value.replace("\0", "") : value;
        return v.length() > maxLength ? v.substring(0, maxLength) : v;
    }

    private static Object withoutNul(Object value) {
        if (value instanceof String s) {
            return column(s, Integer.MAX_VALUE);
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(withoutNul(k), withoutNul(v)));
            return out;
        }
        if (value instanceof java.util.Collection<?> list) {
            return list.stream().map(AuditTrail::withoutNul).toList();
        }
        return value;
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

    private static AuditEntry withError(AuditEntry e, String error) {
        return new AuditEntry(e.correlationId(), e.userId(), e.action(), e.source(), e.model(), e.metadata(), e.status(),
                error, e.createdAt());
    }

    /** Masked, one line, bounded: what may be stored of an error. */
    static String cleanError(String message) {
        String one = LogMasker.maskSingleLine(message);
        return one.length() > MAX_ERROR_LENGTH ? one.substring(0, MAX_ERROR_LENGTH) + "…" : one;
    }

    private static String toJson(Object metadata) {
        try {
            return JSON.writeValueAsString(metadata);
        } catch (JsonProcessingException e) {
            return "{}";
        }
    }

    private static Map<String, Object> parseMetadata(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, new TypeReference<Map<String, Object>>() {
            });
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }
}
