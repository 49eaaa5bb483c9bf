package dev.camelassistant.telegram;

import java.time.Clock;

import dev.camelassistant.audit.AuditRecorder;
import dev.camelassistant.audit.AuditRetention;

/**
 * Deletes the inbox and outbox rows of finished messages (answered, sent, closed) older than
 * AUDIT_RETENTION_DAYS, with the nightly audit cleanup, a batch per short transaction
 * ({@code sql/inbox-cleanup.sql}, {@code sql/outbox-cleanup.sql} through the retention-purge route
 * template: LIMIT n, FOR UPDATE SKIP LOCKED). Rows still waiting (a message not yet answered, a part
 * not yet sent) are never deleted.
 */
public class MessageRetention extends AuditRetention {

    public MessageRetention(AuditRecorder recorder, int retentionDays, int batchSize, String action) {
        super(recorder, retentionDays, batchSize, Clock.systemUTC(), action);
    }
}
