package dev.camelassistant.telegram;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.common.Headers;
import dev.camelassistant.logging.CorrelationId;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an edited message changes (route telegram-edit, off the poll thread). The edit's new text is the
 * body; header {@value #OUTCOME} tells the route what follows:
 * <ul>
 *   <li>{@code replaced}: the message still waits for its turn (not yet with Claude): its text is replaced,
 *       in memory and in the inbox, and Claude receives the corrected one;</li>
 *   <li>{@code reanswer}: the message was answered at most EDIT_REANSWER_MINUTES ago (or is being answered
 *       now): the new text is recorded as a message of the chat (negative id, like a reminder's) in the
 *       transaction that records the edit, and goes to Claude; its answer is sent as a reply to the edited
 *       message (header {@value TelegramInbox#REPLY_TO}). A redelivered edit finds its row and is not answered
 *       twice; a crash after the commit is finished by inbox-resume;</li>
 *   <li>{@code ignored}: older, never recorded (a command, or cleaned up), or EDIT_REANSWER_MINUTES is 0.</li>
 * </ul>
 * Each is audited ({@code message_edited} with the outcome, or {@code edit_ignored} with the reason), never
 * with the text.
 */
public class Edits {

    public static final String OUTCOME = "editOutcome";

    /** Replaces the text of a message still waiting for its turn; false when it is not waiting (any more). */
    @FunctionalInterface
    public interface Waiting {
        boolean replace(String chatId, long messageId, String text);
    }

    private static final Logger LOG = LoggerFactory.getLogger(Edits.class);

    private final DataSource dataSource;
    private final TelegramInbox inbox;
    private final Waiting waiting;
    private final AuditEvents audit;
    private final Duration reanswerWithin;
    private final Clock clock;

    public Edits(DataSource dataSource, TelegramInbox inbox, Waiting waiting, AuditEvents audit, Duration reanswerWithin,
                 Clock clock) {
        this.dataSource = dataSource;
        this.inbox = inbox;
        this.waiting = waiting;
        this.audit = audit;
        this.reanswerWithin = reanswerWithin;
        this.clock = clock;
    }

    public void decide(Exchange exchange) throws SQLException {
        Message in = exchange.getMessage();
        String chat = in.getHeader(Headers.CHAT_ID, String.class);
        long chatId = Long.parseLong(chat);
        long messageId = in.getHeader(Headers.MESSAGE_ID, Long.class);
        String text = in.getBody(String.class);
        if (text == null || text.isBlank()) {
            ignore(exchange, "no text");
            return;
        }
        if (waiting.replace(chat, messageId, text)) {
            inbox.replaceText(chatId, messageId, text);
            outcome(exchange, "replaced");
            return;
        }
        Instant answeredAt;
        String state;
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT state, answered_at FROM telegram_inbox WHERE chat_id = ? AND message_id = ?")) {
            ps.setLong(1, chatId);
            ps.setLong(2, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    ignore(exchange, "not recorded");
                    return;
                }
                state = rs.getString(1);
                Timestamp at = rs.getTimestamp(2);
                answeredAt = at == null ? null : at.toInstant();
            }
        }
        if (reanswerWithin.isZero()) {
            ignore(exchange, "re-answering edits is off");
            return;
        }
        boolean answering = "received".equals(state); // with Claude now: the edit is answered after it
        if (!answering && (answeredAt == null || answeredAt.plus(reanswerWithin).isBefore(clock.instant()))) {
            ignore(exchange, "answered more than " + reanswerWithin.toMinutes() + " minutes ago");
            return;
        }
        long editDate = in.getHeader(InboundMessages.EDIT_DATE, 0L, Long.class);
        Long recorded = record(chatId, messageId, editDate, in.getHeader(CorrelationId.HEADER, String.class),
                in.getHeader(Headers.USER_ID, String.class), text);
        if (recorded == null) {
            ignore(exchange, "already answered (redelivered)");
            return;
        }
        in.setHeader(Headers.MESSAGE_ID, recorded);
        in.setHeader(TelegramInbox.REPLY_TO, messageId);
        outcome(exchange, "reanswer");
    }

    /** One transaction: the edit's row (null when it was there: a redelivery), the inbox record, its reply link. */
    private Long record(long chatId, long messageId, long editDate, String correlationId, String userId, String text)
            throws SQLException {
        long id;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO telegram_edits (chat_id, message_id, edit_date)"
                                                               + " VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                    ps.setLong(1, chatId);
                    ps.setLong(2, messageId);
                    ps.setLong(3, editDate);
                    if (ps.executeUpdate() == 0) {
                        c.rollback();
                        return null;
                    }
                }
                id = TelegramInbox.nextOwnMessageId(c);
                inbox.recordWithin(c, chatId, id, correlationId, userId, text);
                try (PreparedStatement ps = c.prepareStatement("UPDATE telegram_inbox SET reply_to = ? WHERE chat_id = ? AND message_id = ?")) {
                    ps.setLong(1, messageId);
                    ps.setLong(2, chatId);
                    ps.setLong(3, id);
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        inbox.recorded(chatId, id);
        return id;
    }

    private void outcome(Exchange exchange, String outcome) {
        exchange.getMessage().setHeader(OUTCOME, outcome);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("outcome", outcome);
        LOG.info("Edit of message {} of chat {}: {}", exchange.getMessage().getHeader(TelegramInbox.REPLY_TO) != null
                ? exchange.getMessage().getHeader(TelegramInbox.REPLY_TO) : exchange.getMessage().getHeader(Headers.MESSAGE_ID),
                exchange.getMessage().getHeader(Headers.CHAT_ID), outcome);
        audit.action(exchange, "message_edited", meta, AuditEntry.Status.SUCCESS, null, null);
    }

    private void ignore(Exchange exchange, String reason) {
        exchange.getMessage().setHeader(OUTCOME, "ignored");
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("reason", reason);
        LOG.info("Edit of message {} of chat {} ignored: {}", exchange.getMessage().getHeader(Headers.MESSAGE_ID),
                exchange.getMessage().getHeader(Headers.CHAT_ID), reason);
        audit.action(exchange, "edit_ignored", meta, AuditEntry.Status.SUCCESS, null, null);
    }
}
