package dev.camelassistant.audit;

import java.time.Instant;
import java.util.Map;

/**
 * One row of {@code audit_trail}: what the bot did, for whom, under which correlation id.
 * Metadata holds ids, lengths, counts and timings, never message text, answers or secrets.
 */
public record AuditEntry(
        String correlationId,
        String userId,
        String action,
        String source,
        String model,
        Map<String, Object> metadata,
        Status status,
        String errorMessage,
        Instant createdAt) {

    public enum Status {
        SUCCESS, ERROR, TIMEOUT;

        public String dbValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public AuditEntry {
        if (metadata == null) {
            metadata = Map.of();
        } else {
            Map<String, Object> copy = new java.util.LinkedHashMap<>();
            metadata.forEach((k, v) -> {
                if (k != null && v != null) {
                    copy.put(k, v);
                }
            });
            metadata = java.util.Collections.unmodifiableMap(copy);
        }
        status = status == null ? Status.SUCCESS : status;
        createdAt = createdAt == null ? Instant.now() : createdAt;
    }

    public static AuditEntry success(String correlationId, String userId, String action, String source,
                                     Map<String, Object> metadata) {
        return new AuditEntry(correlationId, userId, action, source, null, metadata, Status.SUCCESS, null, null);
    }

    public static AuditEntry error(String correlationId, String userId, String action, String source,
                                   Map<String, Object> metadata, String errorMessage) {
        return new AuditEntry(correlationId, userId, action, source, null, metadata, Status.ERROR, errorMessage, null);
    }
}
