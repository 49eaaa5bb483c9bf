package dev.camelassistant.config;

import java.time.Clock;

import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.metrics.BotMetrics;
import dev.camelassistant.retries.ClaudeRetries;
import dev.camelassistant.retries.ClaudeRetryDelivery;
import dev.camelassistant.retries.ClaudeRetryMetrics;
import dev.camelassistant.retries.ClaudeRetryStore;
import dev.camelassistant.telegram.AccessControl;
import dev.camelassistant.telegram.Outbox;
import dev.camelassistant.telegram.TelegramInbox;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.PropertyInject;

/**
 * The promise of "Claude is temporarily unavailable … I'll let you know when it's back" (issue 24):
 * the conversation route keeps the question (claudeRetries), routes/claude-retries.camel.yaml answers it
 * once Claude is back (claudeRetryDelivery), through the outbox and the inbox.
 */
public class ClaudeRetriesConfiguration extends FeatureConfiguration {

    /** Rows claimed per trigger; a trigger that finds more leaves the flag set for the next one. */
    static final int BATCH_SIZE = 200;

    @PropertyInject("claude.retry-within-hours")
    int retryWithinHours;
    @BeanInject("database")
    Database database;
    @BeanInject("credentialCipher")
    CredentialCipher cipher;
    @BeanInject("audit")
    AuditEvents audit;
    @BeanInject("botMetrics")
    BotMetrics botMetrics;
    @BeanInject("outbox")
    Outbox outbox;
    @BeanInject("inbox")
    TelegramInbox inbox;
    @BeanInject("accessControl")
    AccessControl access;

    /** Its own small pool with a short connection timeout, like the reminders: the claim commits a delivery. */
    @BindToRegistry("claudeRetryStore")
    public ClaudeRetryStore claudeRetryStore() {
        return new ClaudeRetryStore(database.fastFailPool("claude-retries", 2, 1000, Database.Commits.DURABLE), cipher);
    }

    @BindToRegistry("claudeRetryMetrics")
    public ClaudeRetryMetrics claudeRetryMetrics() {
        return new ClaudeRetryMetrics(CoreConfiguration.meterRegistry(context.getRegistry()));
    }

    @BindToRegistry("claudeRetries")
    public ClaudeRetries claudeRetries(ClaudeRetryStore store, ClaudeRetryMetrics metrics) {
        return new ClaudeRetries(store, audit, metrics, Clock.systemUTC());
    }

    @BindToRegistry("claudeRetryDelivery")
    public ClaudeRetryDelivery claudeRetryDelivery(ClaudeRetryStore store, ClaudeRetries retries, ClaudeRetryMetrics metrics) {
        return new ClaudeRetryDelivery(store, retries, outbox, inbox, access, audit, metrics, botMetrics, Clock.systemUTC(),
                retryWithinHours, BATCH_SIZE);
    }
}
