package dev.camelassistant.reminders;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.common.Headers;
import dev.camelassistant.crypto.CredentialAuthenticationException;
import dev.camelassistant.logging.CorrelationId;
import dev.camelassistant.metrics.BotMetrics;
import dev.camelassistant.telegram.AccessControl;
import dev.camelassistant.telegram.InboundMessages;
import dev.camelassistant.telegram.Outbox;
import dev.camelassistant.telegram.TelegramInbox;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.telegram.TelegramConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires due reminders exactly once (routes/reminders.camel.yaml, route {@code reminders-due}).
 * <p>
 * {@link #claimDue} runs one transaction: it locks the due rows (FOR UPDATE SKIP LOCKED), moves each
 * on (a one-off reminder to 'fired', a repeating one to its next occurrence) and writes, in the same
 * commit, what delivers it: a plain reminder's message into the outbox ({@link Outbox#storeWithin}),
 * or for {@code ask_claude} the reminder's text as a message of the chat in the inbox
 * ({@link TelegramInbox#recordWithin}, message id negative). Either the reminder has moved on and its
 * delivery is durable, or neither happened and the next round tries again. After a crash the outbox
 * sends what was committed (outbox-resume) and the inbox answers what was recorded (inbox-resume):
 * nothing fires twice, nothing is lost.
 * <p>
 * A reminder that fires more than {@code lateAfter} after its time (the bot was down) says so:
 * "⏰ (late, was due 09:00) …". A repeating one then waits for its next occurrence after now: missed
 * occurrences are not made up one by one. A reminder of a chat that is no longer allowed is cancelled.
 */
public class ReminderDelivery {

    /** Header of a fired reminder's exchange: whether its text goes to Claude. */
    public static final String ASK_CLAUDE = "reminderAskClaude";
    public static final String REMINDER_ID = "reminderId";

    private static final Logger LOG = LoggerFactory.getLogger(ReminderDelivery.class);

    private final ReminderStore store;
    private final Outbox outbox;
    private final TelegramInbox inbox;
    private final AccessControl access;
    private final AuditEvents audit;
    private final BotMetrics metrics;
    private final ZoneId zone;
    private final Clock clock;
    private final int batchSize;
    private final Duration lateAfter;
    /** rows the configured keys cannot decrypt: left pending for a start that has the key, not tried again here */
    private final Set<Long> unreadable = ConcurrentHashMap.newKeySet();
    private volatile boolean failing;

    public ReminderDelivery(ReminderStore store, Outbox outbox, TelegramInbox inbox, AccessControl access, AuditEvents audit,
                            BotMetrics metrics, ZoneId zone, Clock clock, int batchSize, Duration lateAfter) {
        this.store = store;
        this.outbox = outbox;
        this.inbox = inbox;
        this.access = access;
        this.audit = audit;
        this.metrics = metrics;
        this.zone = zone;
        this.clock = clock;
        this.batchSize = batchSize;
        this.lateAfter = lateAfter;
    }

    /**
     * One reminder that has fired (its claim committed).
     *
     * @param messageId the inbox message id of an ask_claude reminder (negative), else 0
     * @param next      when a repeating reminder fires again; null for a one-off (or a cancelled) one
     * @param cancelled the chat is no longer allowed: cancelled instead of delivered
     */
    public record Firing(long reminderId, long chatId, String userId, String text, boolean askClaude, long messageId,
                         String correlationId, long latenessMs, Instant next, boolean cancelled) {
    }

    /**
     * The timer's round: claims what is due, in one transaction with its delivery; the plain ones are on
     * their way when this returns. A round that fails (the database is away) claims nothing and is logged
     * once until a round succeeds again: the next round tries again.
     */
    public List<Firing> claimDue() {
        try {
            List<Firing> fired = claimDueOrFail();
            if (failing) {
                failing = false;
                LOG.info("Reminders: claiming works again; due reminders fire now");
            }
            return fired;
        } catch (SQLException e) {
            if (!failing) {
                failing = true;
                LOG.warn("Reminders: claiming due reminders failed (SQL state {}); each round tries again", e.getSQLState());
            }
            return List.of();
        }
    }

    List<Firing> claimDueOrFail() throws SQLException {
        Instant now = clock.instant();
        List<Firing> fired = new ArrayList<>();
        List<Outbox.Stored> messages = new ArrayList<>();
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                for (ReminderStore.Row row : store.lockDue(c, now, batchSize, unreadable)) {
                    Firing f = claim(c, row, now, messages);
                    if (f != null) {
                        fired.add(f);
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        messages.forEach(outbox::send);
        for (Firing f : fired) {
            if (f.askClaude() && !f.cancelled()) {
                inbox.recorded(f.chatId(), f.messageId());
            }
        }
        return fired;
    }

    private Firing claim(Connection c, ReminderStore.Row row, Instant now, List<Outbox.Stored> messages) throws SQLException {
        String text;
        try {
            text = store.open(row);
        } catch (CredentialAuthenticationException | IllegalArgumentException e) {
            unreadable.add(row.id());
            LOG.error("Reminder {} of chat {} cannot be decrypted with the configured keys ({}); it stays pending for a start"
                      + " that has its key", row.id(), row.chatId(), e.getClass().getSimpleName());
            metrics.unreadable("reminders");
            return null;
        }
        String correlationId = UUID.randomUUID().toString();
        long lateness = Math.max(0, Duration.between(row.dueAt(), now).toMillis());
        if (!access.isAllowed(String.valueOf(row.chatId()))) {
            store.cancel(c, row.id());
            return new Firing(row.id(), row.chatId(), row.userId(), null, row.askClaude(), 0, correlationId, lateness, null, true);
        }
        Instant next = Occurrences.nextAfter(row.anchor(), row.repeat(), now, zone);
        if (next == null) {
            store.fired(c, row.id(), now);
        } else {
            store.movedTo(c, row.id(), now, next);
        }
        long messageId = 0;
        if (row.askClaude()) {
            messageId = TelegramInbox.nextOwnMessageId(c);
            inbox.recordWithin(c, row.chatId(), messageId, correlationId, row.userId(), text);
        } else {
            messages.add(outbox.storeWithin(c, row.chatId(), correlationId, message(text, row.dueAt(), lateness, now)));
        }
        return new Firing(row.id(), row.chatId(), row.userId(), text, row.askClaude(), messageId, correlationId, lateness, next,
                false);
    }

    /** "⏰ text", or "⏰ (late, was due 09:00) text" when it fires more than lateAfter after its time. */
    String message(String text, Instant dueAt, long latenessMs, Instant now) {
        if (latenessMs <= lateAfter.toMillis()) {
            return "⏰ " + text;
        }
        return "⏰ (late, was due " + ReminderTimes.sameDayShort(dueAt, now, zone) + ") " + text;
    }

    /**
     * A fired reminder's exchange (one of {@link #claimDue}'s, in the split): headers as an inbound message
     * has them, audited and measured; for ask_claude the text in the body, bound for the conversation.
     */
    public void fired(Exchange exchange) {
        Firing f = exchange.getMessage().getBody(Firing.class);
        Message m = exchange.getMessage();
        String chat = String.valueOf(f.chatId());
        m.setHeader(CorrelationId.HEADER, f.correlationId());
        m.setHeader(Headers.CHAT_ID, chat);
        m.setHeader(TelegramConstants.TELEGRAM_CHAT_ID, chat);
        m.setHeader(Headers.USER_ID, f.userId() != null ? f.userId() : chat);
        m.setHeader(REMINDER_ID, f.reminderId());
        m.setHeader(ASK_CLAUDE, f.askClaude() && !f.cancelled());
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("reminderId", f.reminderId());
        if (f.cancelled()) {
            LOG.warn("Reminder {} of chat {} is cancelled: the chat is no longer allowed", f.reminderId(), chat);
            meta.put("reason", "chat no longer allowed");
            audit.action(exchange, "reminder_cancelled", meta, AuditEntry.Status.SUCCESS, null, null);
            m.setBody(null);
            return;
        }
        if (f.askClaude()) {
            m.setHeader(Headers.MESSAGE_ID, f.messageId());
            m.setHeader(InboundMessages.ADMIN, access.isAdmin(chat));
        }
        meta.put("latenessMs", f.latenessMs());
        meta.put("askClaude", f.askClaude());
        if (f.next() != null) {
            meta.put("next", f.next().toString());
        }
        audit.action(exchange, "reminder_fired", meta, AuditEntry.Status.SUCCESS, null, null);
        metrics.reminderFired(f.latenessMs());
        LOG.info("Reminder {} of chat {} fired {} ms after its time{}", f.reminderId(), chat, f.latenessMs(),
                f.askClaude() ? ", for Claude" : "");
        m.setBody(f.text());
    }
}
