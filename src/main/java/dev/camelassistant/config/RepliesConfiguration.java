package dev.camelassistant.config;

import java.time.Duration;

import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.audit.AuditRecorder;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.metrics.BotMetrics;
import dev.camelassistant.telegram.LiveReplies;
import dev.camelassistant.telegram.MessageRetention;
import dev.camelassistant.telegram.Outbox;
import dev.camelassistant.telegram.ReplySplitter;
import dev.camelassistant.telegram.TelegramInbox;
import dev.camelassistant.telegram.TypingIndicator;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.PropertyInject;

/** The outbox (every reply stored, then sent in order per chat), replies streamed live, and their retention. */
public class RepliesConfiguration extends FeatureConfiguration {

    @PropertyInject("outbox.memory-limit-mb")
    long memoryLimitMb;
    @PropertyInject("telegram.retry-hours")
    long retryHours;
    @PropertyInject("telegram.max-backoff-ms")
    long maxBackoffMs;
    @PropertyInject("claude.stream-first-text-ms")
    long firstTextMs;
    @PropertyInject("telegram.edit-interval-ms")
    long editIntervalMs;
    @PropertyInject("audit.retention-days")
    int retentionDays;
    @PropertyInject("telegram.cleanup-batch-size")
    int cleanupBatchSize;
    @BeanInject("database")
    Database database;
    @BeanInject("credentialCipher")
    CredentialCipher cipher;
    @BeanInject("inbox")
    TelegramInbox inbox;
    @BeanInject("replySplitter")
    ReplySplitter splitter;
    @BeanInject("typingIndicator")
    TypingIndicator typing;
    @BeanInject("botMetrics")
    BotMetrics metrics;
    @BeanInject("audit")
    AuditEvents audit;
    @BeanInject("auditTrail")
    AuditRecorder auditRecorder;

    @BindToRegistry("outbox")
    public Outbox outbox() {
        Outbox outbox = new Outbox(database.fastFailPool("outbox", 6, 1000, Database.Commits.DURABLE), cipher, inbox, splitter, metrics, audit,
                context.createProducerTemplate(), "seda:outbox-dispatch?waitForTaskToComplete=Never",
                memoryLimitMb * 1024 * 1024, Duration.ofHours(retryHours), maxBackoffMs);
        onStop(() -> {
            outbox.flush();
            outbox.close();
        });
        metrics.watchOutbox(outbox, Outbox::waiting);
        return outbox;
    }

    @BindToRegistry("liveReplies")
    public LiveReplies liveReplies(Outbox outbox) {
        return new LiveReplies(outbox, splitter, typing, firstTextMs, editIntervalMs);
    }

    @BindToRegistry("inboxRetention")
    public MessageRetention inboxRetention() {
        return new MessageRetention(auditRecorder, retentionDays, cleanupBatchSize, "inbox_cleanup");
    }

    @BindToRegistry("editsRetention")
    public MessageRetention editsRetention() {
        return new MessageRetention(auditRecorder, retentionDays, cleanupBatchSize, "edits_cleanup");
    }

    @BindToRegistry("outboxRetention")
    public MessageRetention outboxRetention() {
        return new MessageRetention(auditRecorder, retentionDays, cleanupBatchSize, "outbox_cleanup");
    }
}
