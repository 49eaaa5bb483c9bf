package dev.camelassistant.audit;

/**
 * Where audit entries go. Never blocks on the database and never throws: an audit failure must
 * not break the request that caused it.
 */
@FunctionalInterface
public interface AuditRecorder {

    void record(AuditEntry entry);

    /** Drops everything: for command-line tools without an audit trail and for tests. */
    AuditRecorder NONE = entry -> {
    };
}
