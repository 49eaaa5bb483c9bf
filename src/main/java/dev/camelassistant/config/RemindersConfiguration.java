package dev.camelassistant.config;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;

import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.metrics.BotMetrics;
import dev.camelassistant.reminders.ReminderCommand;
import dev.camelassistant.reminders.ReminderDelivery;
import dev.camelassistant.reminders.ReminderStore;
import dev.camelassistant.reminders.ReminderTools;
import dev.camelassistant.telegram.AccessControl;
import dev.camelassistant.telegram.Outbox;
import dev.camelassistant.telegram.TelegramInbox;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.PropertyInject;

/** Reminders (routes/reminders.camel.yaml): the tools, /reminders, and the round that fires due ones through the outbox. */
public class RemindersConfiguration extends FeatureConfiguration {

    @PropertyInject("assistant.timezone")
    String timezone;
    @PropertyInject("reminders.batch-size")
    int batchSize;
    @PropertyInject("reminders.late-after-seconds")
    long lateAfterSeconds;
    @PropertyInject("reminders.max-pending-per-chat")
    int maxPendingPerChat;
    @BeanInject("database")
    Database database;
    @BeanInject("credentialCipher")
    CredentialCipher cipher;
    @BeanInject("botMetrics")
    BotMetrics metrics;
    @BeanInject("audit")
    AuditEvents audit;
    @BeanInject("outbox")
    Outbox outbox;
    @BeanInject("inbox")
    TelegramInbox inbox;
    @BeanInject("accessControl")
    AccessControl access;

    /**
     * Its own small pool: the claim commits a reminder's delivery (its outbox message or inbox record),
     * so durably, like the inbox and the outbox; a short connection timeout keeps the timer's round short.
     */
    @BindToRegistry("reminderStore")
    public ReminderStore reminderStore() {
        return new ReminderStore(database.fastFailPool("reminders", 2, 1000, Database.Commits.DURABLE), cipher);
    }

    @BindToRegistry("reminderTools")
    public ReminderTools reminderTools(ReminderStore store) {
        return new ReminderTools(store, audit, ZoneId.of(timezone), Clock.systemUTC(), maxPendingPerChat);
    }

    @BindToRegistry("reminderCommand")
    public ReminderCommand reminderCommand(ReminderStore store, ReminderTools tools) {
        return new ReminderCommand(store, tools, ZoneId.of(timezone), Clock.systemUTC());
    }

    @BindToRegistry("reminderDelivery")
    public ReminderDelivery reminderDelivery(ReminderStore store) {
        return new ReminderDelivery(store, outbox, inbox, access, audit, metrics, ZoneId.of(timezone), Clock.systemUTC(),
                batchSize, Duration.ofSeconds(lateAfterSeconds));
    }
}
