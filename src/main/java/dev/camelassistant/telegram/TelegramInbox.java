package dev.camelassistant.telegram;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import dev.camelassistant.common.Headers;
import dev.camelassistant.crypto.CredentialAuthenticationException;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.files.FileReference;
import dev.camelassistant.logging.CorrelationId;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.telegram.TelegramConstants;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import dev.camelassistant.metrics.BotMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once answers across restarts. camel-telegram keeps its offset in memory only, so every
 * message is recorded in {@code telegram_inbox} (keyed by chat and message id) before it is
 * processed: a redelivered message is skipped, and on startup messages recorded before the start
 * but never answered are finished. The text waits there encrypted (AES-GCM, bound to the
 * message's key) and is erased once the message is answered; so does a photo's or file's reference
 * (column {@code attachment}: Telegram's file id, kind, size, MIME type, file name, never the bytes),
 * so that a message resumed after a crash fetches its file again.
 * <p>
 * No reply waits on the database: the inbox uses its own pool with a short connection timeout, and
 * while PostgreSQL is unreachable records are kept in memory and written when it is back.
 * <p>
 * {@link #pending} counts the messages this process recorded (or resumed) and has not answered yet.
 * A message the configured keys cannot decrypt is set aside ({@link UnreadableRows}): it stays
 * unanswered and is finished by the first start that has its key.
 */
public class TelegramInbox extends ServiceSupport implements IdempotentRepository {

    public static final String DUPLICATE = "inboxDuplicate";
    /** Header: the Telegram message the reply is sent as a reply to (an edit answered again; telegram/Edits). */
    public static final String REPLY_TO = "replyTo";

    private static final Logger LOG = LoggerFactory.getLogger(TelegramInbox.class);
    private static final int RECENT_KEYS = 20_000;
    /** Binding of column {@code attachment} (with "chat:message"): see EncryptedColumns. */
    private static final String ATTACHMENT_BINDING = "inbox-attachment:";

    private final DataSource dataSource;
    private final CredentialCipher cipher;
    private final Instant startedAt = Instant.now();
    private final Set<String> recent = Collections.newSetFromMap(new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > RECENT_KEYS;
        }
    });
    private final Deque<Object[]> unsavedReceived = new ArrayDeque<>();
    private final Deque<long[]> unsavedAnswered = new ArrayDeque<>();
    /** "chat:message" of the messages claimed or restored and not yet marked answered */
    private final Set<String> unanswered = ConcurrentHashMap.newKeySet();
    private final DatabasePause databasePause = new DatabasePause(LOG,
            "Inbox: database unreachable ({}); records are kept in memory until it is back");
    private final int memoryLimit;
    private final BotMetrics metrics;

    /**
     * @param memoryLimit how many records (received, answered marks) may wait in memory while the database is
     *                    away; beyond that a record is refused (logged and counted), never an out-of-memory
     */
    public TelegramInbox(DataSource dataSource, CredentialCipher cipher, int memoryLimit, BotMetrics metrics) {
        this.dataSource = dataSource;
        this.cipher = cipher;
        this.memoryLimit = memoryLimit;
        this.metrics = metrics;
    }

    /**
     * The idempotentConsumer's check (key {@code chat:message}): records the message (its text, encrypted)
     * and answers true the first time, false for a message seen before (a redelivery after a restart).
     */
    @Override
    public boolean add(Exchange exchange, String key) {
        claim(exchange);
        return !Boolean.TRUE.equals(exchange.getMessage().removeHeader(DUPLICATE));
    }

    @Override
    public boolean add(String key) {
        throw new UnsupportedOperationException("the inbox records a message with its exchange: add(exchange, key)");
    }

    @Override
    public boolean contains(String key) {
        synchronized (recent) {
            return recent.contains(key);
        }
    }

    /** A message is never forgotten because its processing failed: it is finished after a restart. */
    @Override
    public boolean remove(String key) {
        return false;
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        // the inbox is cleaned by its retention job, never cleared
    }

    /** Records the message; sets header {@value #DUPLICATE} when it was seen before. */
    public void claim(Exchange exchange) {
        Message in = exchange.getMessage();
        long chatId = Long.parseLong(in.getHeader(Headers.CHAT_ID, String.class));
        long messageId = in.getHeader(Headers.MESSAGE_ID, Long.class);
        String key = chatId + ":" + messageId;
        boolean fresh;
        synchronized (recent) {
            fresh = recent.add(key);
        }
        if (!fresh) {
            in.setHeader(DUPLICATE, true);
            return;
        }
        unanswered.add(key);
        String text = in.getBody(String.class);
        FileReference attachment = in.getHeader(FileReference.HEADER, FileReference.class);
        Object[] row = {chatId, messageId, in.getHeader(CorrelationId.HEADER, String.class),
                        in.getHeader(Headers.USER_ID, String.class), seal(key, text), Timestamp.from(Instant.now()),
                        attachment == null ? null : sealAttachment(key, attachment)};
        if (databaseUsable()) {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO telegram_inbox"
                         + " (chat_id, message_id, correlation_id, user_id, payload, received_at, attachment) VALUES (?, ?, ?, ?, ?, ?, ?)"
                         + " ON CONFLICT (chat_id, message_id) DO NOTHING")) {
                bind(ps, row);
                if (ps.executeUpdate() == 0) {
                    in.setHeader(DUPLICATE, true);
                    unanswered.remove(key);
                }
                return;
            } catch (SQLException e) {
                databaseFailed(e);
            }
        }
        synchronized (unsavedReceived) {
            if (unsavedReceived.size() >= memoryLimit) {
                refused("the record of message " + messageId + " of chat " + chatId);
                return;
            }
            unsavedReceived.addLast(row);
        }
    }

    private void refused(String what) {
        LOG.error("Inbox: {} is not kept: {} records already wait in memory for the database", what, memoryLimit);
        metrics.inboxRefused();
    }

    /**
     * In the outbox's transaction: the messages are answered (the reply's parts are written in the same
     * commit); several when the reply answers a burst combined into one turn ({@link Bursts}).
     */
    void markAnsweredIn(Connection c, long chatId, List<Long> messageIds) throws SQLException {
        if (messageIds.isEmpty()) {
            return;
        }
        try (PreparedStatement upd = c.prepareStatement("UPDATE telegram_inbox SET state = 'answered',"
                + " answered_at = now(), payload = NULL, attachment = NULL WHERE chat_id = ? AND message_id = ANY (?)")) {
            upd.setLong(1, chatId);
            upd.setArray(2, c.createArrayOf("bigint", messageIds.toArray()));
            upd.executeUpdate();
        }
    }

    /**
     * A message still 'received' (not answered yet) was edited: its stored text becomes the new one, so a
     * resume after a crash sends the edited text. True when a record was changed (in the database, or in
     * memory while the database is away); false for an answered or unknown message, or when the database
     * cannot be reached.
     */
    public boolean replaceText(long chatId, long messageId, String newText) {
        String key = chatId + ":" + messageId;
        synchronized (unsavedReceived) {
            for (Object[] row : unsavedReceived) {
                if ((Long) row[0] == chatId && (Long) row[1] == messageId) {
                    row[4] = seal(key, newText);
                    return true;
                }
            }
        }
        if (!databaseUsable()) {
            return false;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE telegram_inbox SET payload = ?"
                     + " WHERE chat_id = ? AND message_id = ? AND state = 'received'")) {
            ps.setString(1, seal(key, newText));
            ps.setLong(2, chatId);
            ps.setLong(3, messageId);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            databaseFailed(e);
            return false;
        }
    }

    /**
     * Records a message the bot wrote itself for Claude to answer (a reminder with ask_claude; its message id
     * negative, so it never clashes with Telegram's), in the caller's transaction: from that commit on it is
     * answered exactly once, by this process or, after a crash, by the next start's inbox-resume.
     * {@link #recorded} once the transaction has committed.
     */
    public void recordWithin(Connection c, long chatId, long messageId, String correlationId, String userId, String text)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO telegram_inbox"
                + " (chat_id, message_id, correlation_id, user_id, payload, received_at, attachment) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            bind(ps, new Object[] {chatId, messageId, correlationId, userId, seal(chatId + ":" + messageId, text),
                                   Timestamp.from(Instant.now()), null});
            ps.executeUpdate();
        }
    }

    /**
     * The id of a message the bot records itself ({@link #recordWithin}: a reminder for Claude, a question owed
     * since Claude was away, an edit answered again): negative, from one sequence (V10), so these never clash
     * with Telegram's ids or with each other.
     */
    public static long nextOwnMessageId(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT -nextval('reminder_firing_seq')"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A message of {@link #recordWithin} is committed: it counts as pending until answered. */
    public void recorded(long chatId, long messageId) {
        String key = chatId + ":" + messageId;
        synchronized (recent) {
            recent.add(key);
        }
        unanswered.add(key);
    }

    /** The answer to the exchange's message(s) ({@link Bursts#answeredIds}) is stored: they no longer count as pending. */
    void answered(Exchange exchange) {
        String chat = exchange.getMessage().getHeader(Headers.CHAT_ID, String.class);
        if (chat != null) {
            for (Long messageId : Bursts.answeredIds(exchange)) {
                unanswered.remove(chat + ":" + messageId);
            }
        }
    }

    /** The exchange's message(s) are answered, and the database is away: the marks wait in memory (see {@link #flush}). */
    public void markAnswered(Exchange exchange) {
        String chat = exchange.getMessage().getHeader(Headers.CHAT_ID, String.class);
        if (chat == null) {
            return;
        }
        for (Long messageId : Bursts.answeredIds(exchange)) {
            unanswered.remove(chat + ":" + messageId);
            synchronized (unsavedAnswered) {
                if (unsavedAnswered.size() >= memoryLimit) {
                    refused("the answered mark of message " + messageId + " of chat " + chat);
                    continue;
                }
                unsavedAnswered.addLast(new long[] {Long.parseLong(chat), messageId});
            }
        }
    }

    /** Writes what waits in memory (records made while the database was away, answered marks). */
    public void flush() {
        if (!databaseUsable()) {
            return;
        }
        synchronized (unsavedReceived) {
            synchronized (unsavedAnswered) {
                if (unsavedReceived.isEmpty() && unsavedAnswered.isEmpty()) {
                    return;
                }
            }
        }
        List<Object[]> received;
        List<long[]> answered;
        synchronized (unsavedReceived) {
            received = new ArrayList<>(unsavedReceived);
            unsavedReceived.clear();
        }
        synchronized (unsavedAnswered) {
            answered = new ArrayList<>(unsavedAnswered);
            unsavedAnswered.clear();
        }
        if (received.isEmpty() && answered.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO telegram_inbox"
                    + " (chat_id, message_id, correlation_id, user_id, payload, received_at, attachment) VALUES (?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (chat_id, message_id) DO NOTHING");
                 PreparedStatement upd = c.prepareStatement("UPDATE telegram_inbox SET state = 'answered',"
                         + " answered_at = now(), payload = NULL, attachment = NULL WHERE chat_id = ? AND message_id = ?")) {
                for (Object[] row : received) {
                    bind(ins, row);
                    ins.addBatch();
                }
                if (!received.isEmpty()) {
                    ins.executeBatch();
                }
                for (long[] k : answered) {
                    upd.setLong(1, k[0]);
                    upd.setLong(2, k[1]);
                    upd.addBatch();
                }
                if (!answered.isEmpty()) {
                    upd.executeBatch();
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
            if (!received.isEmpty()) {
                LOG.info("Inbox: wrote {} message records kept in memory while the database was away", received.size());
            }
        } catch (SQLException e) {
            databaseFailed(e);
            synchronized (unsavedReceived) {
                for (int i = received.size() - 1; i >= 0; i--) {
                    unsavedReceived.addFirst(received.get(i));
                }
            }
            synchronized (unsavedAnswered) {
                for (int i = answered.size() - 1; i >= 0; i--) {
                    unsavedAnswered.addFirst(answered.get(i));
                }
            }
        }
    }

    /** Messages recorded before this process started and never answered (a crash or kill), oldest first. */
    public List<Map<String, Object>> unansweredFromBeforeStart() throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        UnreadableRows unreadable = new UnreadableRows(LOG, metrics, "telegram_inbox");
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT chat_id, message_id, correlation_id, user_id, payload, reply_to, attachment"
                     + " FROM telegram_inbox WHERE state = 'received' AND received_at < ? ORDER BY received_at, message_id")) {
            ps.setTimestamp(1, Timestamp.from(startedAt));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long chatId = rs.getLong(1);
                    long messageId = rs.getLong(2);
                    String key = chatId + ":" + messageId;
                    String text;
                    FileReference attachment;
                    try {
                        text = open(key, rs.getString(5));
                        String sealedAttachment = rs.getString(7);
                        attachment = sealedAttachment == null ? null
                                : FileReference.fromJson(SealedText.open(cipher, ATTACHMENT_BINDING + key, sealedAttachment));
                    } catch (CredentialAuthenticationException | IllegalArgumentException e) {
                        unreadable.setAside(chatId, "message " + messageId, e);
                        continue;
                    }
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("chatId", String.valueOf(chatId));
                    m.put("messageId", messageId);
                    m.put("correlationId", rs.getString(3));
                    m.put("userId", rs.getString(4));
                    m.put("text", text);
                    if (attachment != null) {
                        m.put("attachment", attachment);
                    }
                    long replyTo = rs.getLong(6);
                    if (!rs.wasNull()) {
                        m.put("replyTo", replyTo);
                    }
                    synchronized (recent) {
                        recent.add(key);
                    }
                    out.add(m);
                }
            }
        }
        return out;
    }

    /** Turns one record of {@link #unansweredFromBeforeStart} back into an inbound exchange. */
    public void restore(Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = exchange.getMessage().getBody(Map.class);
        Message in = exchange.getMessage();
        in.setHeader(CorrelationId.HEADER, m.get("correlationId"));
        in.setHeader(Headers.CHAT_ID, m.get("chatId"));
        in.setHeader(TelegramConstants.TELEGRAM_CHAT_ID, m.get("chatId"));
        in.setHeader(Headers.USER_ID, m.get("userId"));
        in.setHeader(Headers.MESSAGE_ID, m.get("messageId"));
        if (m.get("replyTo") != null) {
            in.setHeader(REPLY_TO, m.get("replyTo"));
        }
        if (m.get("attachment") != null) {
            // the file is fetched again by the conversation route
            in.setHeader(FileReference.HEADER, m.get("attachment"));
        }
        in.setBody(m.get("text"));
        unanswered.add(m.get("chatId") + ":" + m.get("messageId"));
    }

    /** Messages recorded (or resumed) by this process and not yet answered: waiting for Claude or for their reply. */
    public int pending() {
        return unanswered.size();
    }

    public int unsavedCount() {
        synchronized (unsavedReceived) {
            return unsavedReceived.size();
        }
    }


    private boolean databaseUsable() {
        return databasePause.usable();
    }

    private void databaseFailed(SQLException e) {
        databasePause.failed(e);
    }

    private String seal(String key, String text) {
        return SealedText.seal(cipher, "inbox:" + key, text);
    }

    /** A message's file reference ({@link FileReference#toJson()}: file id, kind, size, MIME type, file name), sealed. */
    private String sealAttachment(String key, FileReference attachment) {
        return SealedText.seal(cipher, ATTACHMENT_BINDING + key, attachment.toJson());
    }

    private String open(String key, String sealed) {
        return SealedText.open(cipher, "inbox:" + key, sealed);
    }

    private static void bind(PreparedStatement ps, Object[] row) throws SQLException {
        ps.setLong(1, (Long) row[0]);
        ps.setLong(2, (Long) row[1]);
        ps.setString(3, (String) row[2]);
        ps.setString(4, (String) row[3]);
        ps.setString(5, (String) row[4]);
        ps.setTimestamp(6, (Timestamp) row[5]);
        ps.setString(7, (String) row[6]);
    }
}
