package dev.camelassistant.conversation;

import java.time.Clock;

import javax.sql.DataSource;

import dev.camelassistant.audit.AuditRecorder;
import dev.camelassistant.audit.AuditRetention;

/**
 * Deletes conversations whose last activity is older than CONVERSATION_RETENTION_DAYS (their turns
 * go with them), a batch per short transaction ({@code sql/conversation-cleanup.sql}: LIMIT n,
 * FOR UPDATE SKIP LOCKED), with the audit trail's retention loop.
 */
public class ConversationRetention extends AuditRetention {

    public ConversationRetention(DataSource dataSource, AuditRecorder recorder, int retentionDays, int batchSize,
                                 Clock clock) {
        super(dataSource, recorder, retentionDays, batchSize, clock, "/sql/conversation-cleanup.sql", "conversation_cleanup");
    }
}
