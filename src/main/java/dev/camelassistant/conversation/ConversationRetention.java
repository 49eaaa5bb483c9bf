package dev.camelassistant.conversation;

import java.time.Clock;

import dev.camelassistant.audit.AuditRecorder;
import dev.camelassistant.audit.AuditRetention;

/**
 * Deletes conversations whose last activity is older than CONVERSATION_RETENTION_DAYS (their turns
 * go with them), a batch per short transaction ({@code sql/conversation-cleanup.sql} through the
 * retention-purge route template: LIMIT n, FOR UPDATE SKIP LOCKED), like the audit trail's retention.
 */
public class ConversationRetention extends AuditRetention {

    public ConversationRetention(AuditRecorder recorder, int retentionDays, int batchSize, Clock clock) {
        super(recorder, retentionDays, batchSize, clock, "conversation_cleanup");
    }
}
