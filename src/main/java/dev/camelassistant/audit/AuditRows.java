package dev.camelassistant.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelassistant.logging.LogMasker;

/**
 * Row mapping of {@code audit_trail}: an entry as the parameters of {@code sql/audit-insert.sql}
 * (cut to the columns' sizes, without the NUL characters PostgreSQL refuses), and a row of
 * {@link AuditQuery}'s SELECT back as an entry.
 */
final class AuditRows {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_LENGTH = 500;

    private AuditRows() {
    }

    /** The named parameters of sql/audit-insert.sql for one entry. */
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

    /** The parameters of a batch of inserts (camel-sql batch=true), in order. */
    static List<Map<String, Object>> toRows(List<AuditEntry> entries) {
        List<Map<String, Object>> rows = new ArrayList<>(entries.size());
        for (AuditEntry e : entries) {
            rows.add(toRow(e));
        }
        return rows;
    }

    /**
     * One row of {@code SELECT correlation_id, user_id, action, source, model, metadata::text, status,
     * error_message, created_at}.
     */
    static AuditEntry fromRow(ResultSet rs) throws SQLException {
        return new AuditEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                parseMetadata(rs.getString(6)), AuditEntry.Status.valueOf(rs.getString(7).toUpperCase(Locale.ROOT)),
                rs.getString(8), rs.getTimestamp(9).toInstant());
    }

    /** The entry with its error message masked, on one line and bounded: what may be stored of an error. */
    static AuditEntry withCleanError(AuditEntry e) {
        if (e.errorMessage() == null) {
            return e;
        }
        return new AuditEntry(e.correlationId(), e.userId(), e.action(), e.source(), e.model(), e.metadata(), e.status(),
                cleanError(e.errorMessage()), e.createdAt());
    }

    static String cleanError(String message) {
        String one = LogMasker.maskSingleLine(message);
        return one.length() > MAX_ERROR_LENGTH ? one.substring(0, MAX_ERROR_LENGTH) + "…" : one;
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
        if (value instanceof Collection<?> list) {
            return list.stream().map(AuditRows::withoutNul).toList();
        }
        return value;
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
