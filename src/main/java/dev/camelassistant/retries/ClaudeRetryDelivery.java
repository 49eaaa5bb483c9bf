package dev.camelassistant.retries;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import dev.camelassistant.usage.Budget;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.telegram.TelegramConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the promises of {@link ClaudeRetries} once Claude is back (routes/claude-retries.camel.yaml):
 * {@link #due} lists the pending rows, {@link #prepare} gives each the headers of a message of its chat
 * (so the budget can check the chat), and {@link #claim} runs ONE transaction per row, copied from the
 * reminders' ask_claude delivery: it locks the row (FOR UPDATE SKIP LOCKED), closes it, writes the "back"
 * line into the outbox ({@link Outbox#storeWithin}) and, when the question is to be answered, records it
 * in the inbox as a message of the chat with a negative message id ({@link TelegramInbox#recordWithin}).
 * Either all of it commits or none: after a crash outbox-resume sends the line and inbox-resume answers
 * the question, so each chat hears "back" once and gets one answer.
 * <p>
 * What a row gets: a chat no longer allowed, nothing (cancelled); a question older than RETRY_WITHIN_HOURS,
 * the line saying it is too old (expired); a chat the budget refuses, the line and the budget's reason
 * (cancelled); otherwise the line, then the question goes to the conversation like a message the user
 * wrote (tools, notes, the budget and the conversation apply), and its answer marks the inbox record.
 */
public class ClaudeRetryDelivery {

    /** Header: the pending row this exchange claims. */
    public static final String RETRY_ID = "claudeRetryId";
    /** Header after {@link #claim}: the question is in the body, bound for the conversation. */
    public static final String ASK_CLAUDE = "claudeRetryAsk";

    private static final Logger LOG = LoggerFactory.getLogger(ClaudeRetryDelivery.class);

    private final ClaudeRetryStore store;
    private final ClaudeRetries retries;
    private final Outbox outbox;
    private final TelegramInbox inbox;
    private final AccessControl access;
    private final AuditEvents audit;
    private final ClaudeRetryMetrics metrics;
    private final BotMetrics botMetrics;
    private final Clock clock;
    private final int retryWithinHours;
    private final int batchSize;
    /** rows the configured keys cannot decrypt: left pending for a start that has the key */
    private final Set<Long> unreadable = ConcurrentHashMap.newKeySet();

    public ClaudeRetryDelivery(ClaudeRetryStore store, ClaudeRetries retries, Outbox outbox, TelegramInbox inbox,
                               AccessControl access, AuditEvents audit, ClaudeRetryMetrics metrics, BotMetrics botMetrics,
                               Clock clock, int retryWithinHours, int batchSize) {
        this.store = store;
        this.retries = retries;
        this.outbox = outbox;
        this.inbox = inbox;
        this.access = access;
        this.audit = audit;
        this.metrics = metrics;
        this.botMetrics = botMetrics;
        this.clock = clock;
        this.retryWithinHours = retryWithinHours;
        this.batchSize = batchSize;
    }

    /** What becomes of a claimed row. */
    enum Outcome { SENT, EXPIRED, BUDGET, NOT_ALLOWED }

    /** The claim of one row, committed. */
    record Claim(long id, long chatId, String userId, Outcome outcome, String text, long messageId, long ageSeconds) {
    }

    /** The pending rows, oldest first (none when the database is away: the next trigger tries again). */
    public List<ClaudeRetryStore.Pending> due() {
        retries.listing();
        try {
            List<ClaudeRetryStore.Pending> pending = store.pending(batchSize);
            if (pending.size() >= batchSize) {
                retries.stillWaiting(); // more than one batch: the next trigger takes the rest
            }
            return pending.stream().filter(p -> !unreadable.contains(p.id())).toList();
        } catch (SQLException e) {
            retries.stillWaiting();
            LOG.warn("Claude retries: listing the pending ones failed (SQL state {}); the next trigger tries again", e.getSQLState());
            return List.of();
        }
    }

    /** One pending row (the body): the headers of a message of its chat, for the budget's check and the audit. */
    public void prepare(Exchange exchange) {
        ClaudeRetryStore.Pending p = exchange.getMessage().getBody(ClaudeRetryStore.Pending.class);
        Message m = exchange.getMessage();
        String chat = String.valueOf(p.chatId());
        m.setHeader(CorrelationId.HEADER, UUID.randomUUID().toString());
        m.setHeader(Headers.CHAT_ID, chat);
        m.setHeader(TelegramConstants.TELEGRAM_CHAT_ID, chat);
        m.setHeader(Headers.USER_ID, p.userId() != null ? p.userId() : chat);
        m.setHeader(RETRY_ID, p.id());
    }

    /**
     * Claims the row of header {@value #RETRY_ID} in one transaction with its "back" line and (to be
     * answered) its inbox record; variable budgetRefusal (the budget's check just before) decides a refusal.
     * Sets header {@value #ASK_CLAUDE}; when true the body is the question, with the headers of its inbox record.
     */
    public void claim(Exchange exchange) {
        Message m = exchange.getMessage();
        m.setHeader(ASK_CLAUDE, false);
        long id = m.getHeader(RETRY_ID, Long.class);
        Claim claim;
        try {
            claim = claimOrFail(id, m.getHeader(CorrelationId.HEADER, String.class),
                    exchange.getVariable(Budget.REFUSAL, String.class));
        } catch (SQLException e) {
            retries.stillWaiting();
            LOG.warn("Claude retry {}: claiming failed (SQL state {}); the next trigger tries again", id, e.getSQLState());
            m.setBody(null);
            return;
        }
        m.setBody(null);
        if (claim == null) {
            return; // closed meanwhile (/new), claimed by another trigger, or unreadable here
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("retryId", id);
        meta.put("ageSeconds", claim.ageSeconds());
        switch (claim.outcome()) {
            case SENT -> {
                m.setHeader(Headers.MESSAGE_ID, claim.messageId());
                m.setHeader(InboundMessages.ADMIN, access.isAdmin(String.valueOf(claim.chatId())));
                m.setHeader(ASK_CLAUDE, true);
                m.setBody(claim.text());
                audit.action(exchange, "claude_retry_sent", meta, AuditEntry.Status.SUCCESS, null, null);
                metrics.count("sent");
                LOG.info("Claude retry {} of chat {}: Claude is back, the question goes to it again", id, claim.chatId());
            }
            case EXPIRED -> {
                meta.put("retryWithinHours", retryWithinHours);
                audit.action(exchange, "claude_retry_expired", meta, AuditEntry.Status.SUCCESS, null, null);
                metrics.count("expired");
                LOG.info("Claude retry {} of chat {}: Claude is back, the question is too old to answer", id, claim.chatId());
            }
            case BUDGET -> retries.cancelled(exchange, id, "budget");
            case NOT_ALLOWED -> retries.cancelled(exchange, id, "chat_not_allowed");
        }
    }

    Claim claimOrFail(long id, String correlationId, String budgetRefusal) throws SQLException {
        Claim claim;
        Outbox.Stored line = null;
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                ClaudeRetryStore.Row row = store.lock(c, id);
                if (row == null) {
                    c.rollback();
                    return null;
                }
                String text;
                try {
                    text = store.open(row);
                } catch (CredentialAuthenticationException | IllegalArgumentException e) {
                    c.rollback();
                    unreadable.add(id);
                    LOG.error("Claude retry {} of chat {} cannot be decrypted with the configured keys ({}); it stays pending"
                              + " for a start that has its key", id, row.chatId(), e.getClass().getSimpleName());
                    botMetrics.unreadable("claude_retries");
                    return null;
                }
                Instant now = clock.instant();
                long age = Math.max(0, Duration.between(row.askedAt(), now).toSeconds());
                Outcome outcome = outcome(access.isAllowed(String.valueOf(row.chatId())), age, budgetRefusal);
                String userId = row.userId() != null ? row.userId() : String.valueOf(row.chatId());
                long messageId = 0;
                switch (outcome) {
                    case SENT -> {
                        store.close(c, id, ClaudeRetryStore.SENT, null);
                        messageId = TelegramInbox.nextOwnMessageId(c);
                        inbox.recordWithin(c, row.chatId(), messageId, correlationId, userId, text);
                        line = outbox.storeWithin(c, row.chatId(), correlationId, ClaudeRetries.BACK);
                    }
                    case EXPIRED -> {
                        store.close(c, id, ClaudeRetryStore.EXPIRED, "too_old");
                        line = outbox.storeWithin(c, row.chatId(), correlationId, ClaudeRetries.tooOld(retryWithinHours));
                    }
                    case BUDGET -> {
                        store.close(c, id, ClaudeRetryStore.CANCELLED, "budget");
                        line = outbox.storeWithin(c, row.chatId(), correlationId, ClaudeRetries.BACK_BUT_BUDGET + budgetRefusal);
                    }
                    case NOT_ALLOWED -> store.close(c, id, ClaudeRetryStore.CANCELLED, "chat_not_allowed");
                }
                c.commit();
                claim = new Claim(id, row.chatId(), userId, outcome, outcome == Outcome.SENT ? text : null, messageId, age);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        if (line != null) {
            outbox.send(line);
        }
        if (claim.outcome() == Outcome.SENT) {
            inbox.recorded(claim.chatId(), claim.messageId());
        }
        return claim;
    }

    /** A chat no longer allowed gets nothing; a question too old only the line; then the budget; else it is answered. */
    Outcome outcome(boolean allowed, long ageSeconds, String budgetRefusal) {
        if (!allowed) {
            return Outcome.NOT_ALLOWED;
        }
        if (ageSeconds > retryWithinHours * 3600L) {
            return Outcome.EXPIRED;
        }
        return budgetRefusal != null ? Outcome.BUDGET : Outcome.SENT;
    }
}
