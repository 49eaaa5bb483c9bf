package dev.camelassistant.telegram;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.common.Headers;
import dev.camelassistant.crypto.CredentialAuthenticationException;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.logging.CorrelationId;
import dev.camelassistant.metrics.BotMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.telegram.TelegramConstants;
import org.apache.camel.component.telegram.model.MessageResult;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every message the bot sends, durable until Telegram confirms it ({@code telegram_outbox}).
 * <p>
 * {@link #store} renders a reply to its Telegram HTML parts and writes them, encrypted, in the same
 * transaction that marks the inbox message answered. Each chat has a line of parts in memory; at most
 * one part per chat is on its way ({@link #pump} hands it to the outbound route), and the next part
 * of that chat leaves only after the previous one is confirmed and marked sent ({@link #sent}) or
 * closed. No thread waits for a chat's turn: a busy chat only holds up itself.
 * <p>
 * A send that failed ({@link #failed}): 429 waits {@code retry_after}; 5xx and network errors are
 * tried again with a growing pause (up to {@code maxBackoff}) for {@code retryFor}, across restarts;
 * any other refusal (400, 403: chat not found, bot blocked) closes the part with the reason, logged,
 * audited and counted. A part that is not due yet waits in its line, and one timer thread hands it
 * on when it is; {@link #poll} (a timer route) writes what was kept in memory, and hands on whatever
 * a failed hand-off left behind.
 * <p>
 * While PostgreSQL is unreachable replies keep flowing from memory and their rows are written when it
 * is back. Memory is bounded: the parts held (waiting or unsaved) may use {@code memoryLimitBytes};
 * a reply beyond that is refused with a log line and {@value BotMetrics#OUTBOX_REFUSED}.
 * <p>
 * After a crash or restart {@link #resume} loads every pending part written before this start. The
 * only part that can reach a chat twice is the one in flight at the moment of a crash. A part the
 * configured keys cannot decrypt is set aside ({@link UnreadableRows}), never closed: it is sent by
 * the first start that has its key.
 */
public class Outbox {

    /** Exchange property of an outbound exchange: its {@link Part}. */
    public static final String PART = "outboxPart";

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    private static final int MAX_UNSAVED_MARKS = 100_000;
    private static final long LIVE_SETTLE_MS = 120_000;
    private static final String INSERT = "INSERT INTO telegram_outbox (chat_id, part_no, correlation_id, payload, edit_of,"
            + " next_attempt_at, created_at, reply_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

    private final DataSource dataSource;
    private final CredentialCipher cipher;
    private final TelegramInbox inbox;
    private final ReplySplitter splitter;
    private final BotMetrics metrics;
    private final AuditEvents audit;
    private final ProducerTemplate template;
    private final String dispatchUri;
    private final long memoryLimitBytes;
    private final Duration retryFor;
    private final long maxBackoffMs;
    private final Instant startedAt = Instant.now();

    private final ConcurrentHashMap<Long, Line> lines = new ConcurrentHashMap<>();
    private final AtomicLong heldBytes = new AtomicLong();
    private final List<Part> unsaved = new ArrayList<>();
    private final ArrayDeque<Finished> unsavedMarks = new ArrayDeque<>();
    private final DatabasePause databasePause = new DatabasePause(LOG,
            "Outbox: database unreachable ({}); replies are sent from memory and written when it is back");
    /** the parts of earlier processes are loaded (at start, or by poll once the database answers) */
    private volatile boolean resumed;
    private final java.util.concurrent.ScheduledExecutorService scheduler =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "outbox-due-parts");
                t.setDaemon(true);
                return t;
            });

    public Outbox(DataSource dataSource, CredentialCipher cipher, TelegramInbox inbox, ReplySplitter splitter, BotMetrics metrics,
                  AuditEvents audit, ProducerTemplate template, String dispatchUri, long memoryLimitBytes, Duration retryFor,
                  long maxBackoffMs) {
        this.dataSource = dataSource;
        this.cipher = cipher;
        this.inbox = inbox;
        this.splitter = splitter;
        this.metrics = metrics;
        this.audit = audit;
        this.template = template;
        this.dispatchUri = dispatchUri;
        this.memoryLimitBytes = memoryLimitBytes;
        this.retryFor = retryFor;
        this.maxBackoffMs = maxBackoffMs;
    }

    /** One message part: a row of telegram_outbox (id 0 until written), or a live preview (not stored). */
    public static final class Part {
        private long id;
        private boolean finished;
        final long chatId;
        final int partNo;
        final String correlationId;
        final String html;
        final Integer editOf;
        /** the message this part answers as a reply to (the first part of an edit's new answer), or null */
        Long replyTo;
        final Instant createdAt;
        int attempts;
        volatile long notBefore;
        /** completed with the message id Telegram gave (null when it failed): live previews only */
        final CompletableFuture<Integer> shown;

        Part(long id, long chatId, int partNo, String correlationId, String html, Integer editOf, Instant createdAt, int attempts,
             long notBefore, CompletableFuture<Integer> shown) {
            this.id = id;
            this.chatId = chatId;
            this.partNo = partNo;
            this.correlationId = correlationId;
            this.html = html;
            this.editOf = editOf;
            this.createdAt = createdAt;
            this.attempts = attempts;
            this.notBefore = notBefore;
            this.shown = shown;
        }

        long bytes() {
            return 2L * html.length() + 160;
        }
    }

    /** A chat's parts in order, and whether its head is on its way. */
    private static final class Line {
        final ArrayDeque<Part> parts = new ArrayDeque<>();
        boolean busy;
        /** a pump of this chat is scheduled for when its head is due */
        boolean wakeUpScheduled;
    }

    /** Pumps the chat when its first part is due (a retry, an edit keeping its interval); one timer thread for all chats. */
    private void wakeUp(long chatId, long delayMs) {
        try {
            scheduler.schedule(() -> {
                lines.computeIfPresent(chatId, (k, line) -> {
                    line.wakeUpScheduled = false;
                    return line;
                });
                pump(chatId);
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("Outbox closed: the part for chat {} is sent after the next start", chatId);
        }
    }

    /** Stops the timer of due parts (the parts themselves are in the database, or lost with memory). */
    public void close() {
        scheduler.shutdownNow();
    }

    private record Finished(long id, String state, String reason) {
    }

    /** A part to send: its HTML, the message it replaces (null: a new message), and when it may leave (epoch ms). */
    public record Planned(String html, Integer editOf, long notBefore) {
    }

    /**
     * The exchange's body (Markdown) is the reply to the chat in header CamelTelegramChatId: its parts go
     * into the outbox, in one transaction with the inbox mark of the message it answers (header messageId, or
     * variable {@value Bursts#MESSAGE_IDS} for a burst answered as one turn),
     * and on to Telegram. For a streamed answer (exchange property {@value LiveReplies#PROPERTY}) the parts
     * already on screen are edited in place, or left alone when they show exactly this text.
     */
    public void store(Exchange exchange) {
        Message in = exchange.getMessage();
        String chat = in.getHeader(TelegramConstants.TELEGRAM_CHAT_ID, String.class);
        List<String> html = splitter.htmlParts(in.getBody(String.class));
        LiveReplies.LiveReply live = exchange.getProperty(LiveReplies.PROPERTY, LiveReplies.LiveReply.class);
        if (live != null && !chat.equals(live.chatId)) {
            live = null; // an alert copied from a streamed answer's exchange: it goes to the owner, as new messages
        }
        // an update still unconfirmed is ahead in the line: its answer decides whether the text is an edit
        LiveReplies.settle(live, LIVE_SETTLE_MS);
        List<Planned> plan = LiveReplies.plan(live, chat, html);
        long chatId = Long.parseLong(chat);
        String correlationId = in.getHeader(CorrelationId.HEADER, String.class);
        Instant now = Instant.now();
        List<Part> parts = new ArrayList<>(plan.size());
        long bytes = 0;
        Long replyTo = in.getHeader(TelegramInbox.REPLY_TO, Long.class);
        for (int i = 0; i < plan.size(); i++) {
            Planned planned = plan.get(i);
            Part p = new Part(0, chatId, i, correlationId, planned.html(), planned.editOf(), now, 0, planned.notBefore(), null);
            if (i == 0 && planned.editOf() == null) {
                p.replyTo = replyTo;
            }
            parts.add(p);
            bytes += p.bytes();
        }
        if (!reserve(bytes)) {
            LOG.error("Outbox: the reply to chat {} is refused: the replies waiting in memory already use {} bytes (limit {})",
                    chat, heldBytes.get(), memoryLimitBytes);
            metrics.outboxRefused();
            inbox.markAnswered(exchange);
            return;
        }
        // the message it answers, or all of a burst's (Bursts)
        List<Long> messageIds = Bursts.answeredIds(exchange);
        if (!write(parts, chatId, messageIds)) {
            synchronized (unsaved) {
                unsaved.addAll(parts);
            }
            inbox.markAnswered(exchange);
        } else {
            inbox.answered(exchange);
        }
        for (Part p : parts) {
            lines.compute(chatId, (k, line) -> {
                Line l = line == null ? new Line() : line;
                l.parts.addLast(p);
                return l;
            });
        }
        pump(chatId);
    }

    /** A message written in a caller's transaction ({@link #storeWithin}), to {@link #send} once that transaction has committed. */
    public record Stored(long chatId, List<Part> parts) {
    }

    /**
     * Writes a message (Markdown) for the chat, encrypted, in the caller's transaction {@code c}: whatever
     * else that transaction commits (a reminder's claim) and this message stand or fall together. Nothing
     * is sent before {@link #send}; a message committed and never handed to {@link #send} (a crash in
     * between) is sent by the next start's {@link #resume}.
     */
    public Stored storeWithin(Connection c, long chatId, String correlationId, String markdown) throws SQLException {
        List<String> html = splitter.htmlParts(markdown);
        Instant now = Instant.now();
        List<Part> parts = new ArrayList<>(html.size());
        for (int i = 0; i < html.size(); i++) {
            parts.add(new Part(0, chatId, i, correlationId, html.get(i), null, now, 0, 0, null));
        }
        insert(c, parts);
        return new Stored(chatId, parts);
    }

    /** Queues a message {@link #storeWithin} wrote, once its transaction has committed (already durable: never refused). */
    public void send(Stored stored) {
        for (Part p : stored.parts()) {
            heldBytes.addAndGet(p.bytes());
            lines.compute(stored.chatId(), (k, line) -> {
                Line l = line == null ? new Line() : line;
                l.parts.addLast(p);
                return l;
            });
        }
        pump(stored.chatId());
    }

    /**
     * Shows a live preview (a streamed answer's text so far) through the chat's line: completed with the
     * message id Telegram gives (null when it failed). Null when the chat still has parts to send (a
     * preview never overtakes them; the next preview tries again).
     */
    public CompletableFuture<Integer> show(long chatId, String html, Integer editOf, String correlationId) {
        CompletableFuture<Integer> shown = new CompletableFuture<>();
        Part preview = new Part(0, chatId, 0, correlationId, html, editOf, Instant.now(), 0, 0, shown);
        boolean[] queued = {false};
        lines.compute(chatId, (k, line) -> {
            if (line != null && (line.busy || !line.parts.isEmpty())) {
                return line;
            }
            Line l = line == null ? new Line() : line;
            l.parts.addLast(preview);
            queued[0] = true;
            return l;
        });
        if (!queued[0]) {
            return null;
        }
        heldBytes.addAndGet(preview.bytes());
        pump(chatId);
        return shown;
    }

    /** Hands the chat's next part to the outbound route, unless one is on its way or the next is not due. */
    void pump(long chatId) {
        Part[] next = {null};
        long now = System.currentTimeMillis();
        lines.computeIfPresent(chatId, (k, line) -> {
            if (line.busy) {
                return line;
            }
            Part head = line.parts.peekFirst();
            if (head == null) {
                return null;
            }
            if (head.notBefore <= now) {
                line.busy = true;
                next[0] = head;
            } else if (!line.wakeUpScheduled) {
                line.wakeUpScheduled = true;
                wakeUp(chatId, head.notBefore - now);
            }
            return line;
        });
        if (next[0] != null) {
            dispatch(next[0]);
        }
    }

    private void dispatch(Part part) {
        Exchange exchange = new DefaultExchange(template.getCamelContext());
        Message m = exchange.getMessage();
        String chat = String.valueOf(part.chatId);
        m.setHeader(TelegramConstants.TELEGRAM_CHAT_ID, chat);
        m.setHeader(Headers.CHAT_ID, chat);
        m.setHeader(TelegramConstants.TELEGRAM_PARSE_MODE, "HTML");
        if (part.correlationId != null) {
            m.setHeader(CorrelationId.HEADER, part.correlationId);
        }
        if (part.editOf != null) {
            m.setHeader(LiveReplies.EDIT_OF, part.editOf);
        }
        if (part.replyTo != null) {
            m.setHeader(TelegramInbox.REPLY_TO, part.replyTo);
        }
        m.setBody(part.html);
        exchange.setProperty(PART, part);
        Exchange done = template.send(dispatchUri, exchange);
        if (done.getException() != null) {
            // the outbound route is not running (stopping) or its queue is full: the part stays first in line
            LOG.warn("Outbox: could not hand a part for chat {} to the outbound route ({}); trying again shortly", chat,
                    done.getException().getClass().getSimpleName());
            part.notBefore = System.currentTimeMillis() + 1_000;
            release(part, false);
        }
    }

    /** Telegram confirmed the exchange's part: it is marked sent before the chat's next part leaves. */
    public void sent(Exchange exchange) {
        Part part = exchange.getProperty(PART, Part.class);
        if (part == null) {
            return;
        }
        if (part.shown != null) {
            Integer id = null;
            if (exchange.getMessage().getBody() instanceof MessageResult result && result.getMessage() != null
                && result.getMessage().getMessageId() != null) {
                id = result.getMessage().getMessageId().intValue();
            }
            part.shown.complete(id != null ? id : part.editOf);
        } else {
            finish(part, "sent", null);
        }
        release(part, true);
    }

    /**
     * The exchange's part failed (the exception is in CamelExceptionCaught): waits and tries again, or closes it.
     */
    public void failed(Exchange exchange) {
        Part part = exchange.getProperty(PART, Part.class);
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (part == null) {
            LOG.error("Telegram send failed: {}", TelegramErrors.describe(e));
            return;
        }
        int status = TelegramErrors.status(e);
        String reason = TelegramErrors.describe(e);
        if (part.shown != null) {
            LOG.debug("A live update of chat {} was not delivered ({}); the next one tries again", part.chatId, reason);
            part.shown.complete(null);
            release(part, true);
            return;
        }
        long now = System.currentTimeMillis();
        part.attempts++;
        if (status == 429) {
            long seconds = TelegramErrors.retryAfterSeconds(e);
            LOG.warn("Telegram asked to slow down (HTTP 429): the part for chat {} is sent again in {} s", part.chatId, seconds);
            retryAt(part, now + seconds * 1000, reason);
        } else if (status == 0 || status >= 500) {
            if (Duration.between(part.createdAt, Instant.ofEpochMilli(now)).compareTo(retryFor) > 0) {
                close(exchange, part, status, reason + " (gave up after " + part.attempts + " attempts)");
                return;
            }
            long pause = Math.min(maxBackoffMs, 1000L << Math.min(20, part.attempts - 1));
            LOG.warn("Telegram send to chat {} failed ({}): attempt {}, trying again in {} ms", part.chatId, reason,
                    part.attempts, pause);
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("chatId", String.valueOf(part.chatId));
            meta.put("status", status);
            meta.put("attempt", part.attempts);
            meta.put("retryInMs", pause);
            audit.action(exchange, "telegram_send_failed", meta, AuditEntry.Status.ERROR, reason, null);
            retryAt(part, now + pause, reason);
        } else {
            close(exchange, part, status, reason);
        }
    }

    private void retryAt(Part part, long at, String reason) {
        part.notBefore = at;
        long id = idOf(part);
        if (id > 0 && databaseUsable()) {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("UPDATE telegram_outbox SET attempts = ?, next_attempt_at = ?,"
                         + " reason = ? WHERE id = ?")) {
                ps.setInt(1, part.attempts);
                ps.setTimestamp(2, new Timestamp(at));
                ps.setString(3, truncate(reason));
                ps.setLong(4, id);
                ps.executeUpdate();
            } catch (SQLException ex) {
                databaseFailed(ex);
            }
        }
        release(part, false);
    }

    private void close(Exchange exchange, Part part, int status, String reason) {
        LOG.error("Telegram refused a message to chat {} for good ({}); it is not sent again", part.chatId, reason);
        metrics.undeliverable(status);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("chatId", String.valueOf(part.chatId));
        meta.put("status", status);
        meta.put("part", part.partNo);
        audit.action(exchange, "telegram_undeliverable", meta, AuditEntry.Status.ERROR, reason, null);
        finish(part, "failed", reason);
        release(part, true);
    }

    /** The part is no longer on its way: removed when done, else kept first in its line; the chat goes on. */
    private void release(Part part, boolean done) {
        lines.computeIfPresent(part.chatId, (k, line) -> {
            if (done) {
                line.parts.remove(part);
            }
            line.busy = false;
            return line;
        });
        if (done) {
            heldBytes.addAndGet(-part.bytes());
        }
        pump(part.chatId);
    }

    /**
     * The timer's round: writes what was kept in memory while the database was away, and hands on the
     * parts that have become due (retries, and chats whose hand-off failed).
     */
    public void poll() {
        if (!resumed) {
            try {
                resume();
            } catch (SQLException e) {
                databaseFailed(e);
            }
        }
        flush();
        for (Map.Entry<Long, Line> e : lines.entrySet()) {
            pump(e.getKey());
        }
    }

    /**
     * Loads the parts written before this start and never sent (a crash or a restart), oldest first. Once:
     * when the database is away at start, {@link #poll} tries again until it answers.
     */
    public synchronized int resume() throws SQLException {
        if (resumed) {
            return 0;
        }
        List<Part> loaded = new ArrayList<>();
        UnreadableRows unreadable = new UnreadableRows(LOG, metrics, "telegram_outbox");
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, chat_id, part_no, correlation_id, payload, edit_of, attempts,"
                     + " next_attempt_at, created_at, reply_to FROM telegram_outbox WHERE state = 'pending' AND created_at < ? ORDER BY id")) {
            ps.setTimestamp(1, Timestamp.from(startedAt));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    long chatId = rs.getLong(2);
                    int partNo = rs.getInt(3);
                    String correlationId = rs.getString(4);
                    if (unreadable.holds(chatId)) {
                        continue; // behind a part set aside: stays pending, in order
                    }
                    String html;
                    try {
                        html = SealedText.open(cipher, binding(chatId, correlationId, partNo), rs.getString(5));
                    } catch (CredentialAuthenticationException | IllegalArgumentException e) {
                        unreadable.setAside(chatId, "part " + id, e);
                        continue;
                    }
                    long editOf = rs.getLong(6);
                    Part p = new Part(id, chatId, partNo, correlationId, html, rs.wasNull() ? null : (int) editOf,
                            rs.getTimestamp(9).toInstant(), rs.getInt(7), rs.getTimestamp(8).getTime(), null);
                    long replyTo = rs.getLong(10);
                    p.replyTo = rs.wasNull() ? null : replyTo;
                    loaded.add(p);
                }
            }
        }
        // only once the whole query has been read: a failed attempt leaves nothing half loaded (poll tries again)
        resumed = true;
        for (Part p : loaded) {
            heldBytes.addAndGet(p.bytes());
            lines.compute(p.chatId, (k, line) -> {
                Line l = line == null ? new Line() : line;
                l.parts.addLast(p);
                return l;
            });
        }
        int n = loaded.size();
        if (n > 0) {
            LOG.info("Outbox: {} message parts written before this start are sent now", n);
        }
        for (Long chat : lines.keySet()) {
            pump(chat);
        }
        return n;
    }

    /** Writes the parts and the finished marks kept in memory while the database was away. */
    public void flush() {
        List<Part> parts;
        List<Finished> marks;
        synchronized (unsaved) {
            if ((unsaved.isEmpty() && unsavedMarks.isEmpty()) || !databaseUsable()) {
                return;
            }
            parts = new ArrayList<>(unsaved);
            marks = new ArrayList<>(unsavedMarks);
            unsaved.clear();
            unsavedMarks.clear();
        }
        List<Part> toWrite = new ArrayList<>();
        for (Part p : parts) {
            synchronized (p) {
                if (!p.finished) {
                    toWrite.add(p);
                }
            }
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                insert(c, toWrite);
                applyMarks(c, marks);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            databaseFailed(e);
            synchronized (unsaved) {
                unsaved.addAll(0, toWrite);
                marks.forEach(unsavedMarks::addFirst);
            }
            for (Part p : toWrite) {
                synchronized (p) {
                    p.id = 0;
                }
            }
            return;
        }
        // a part sent (or closed) while it was being written: its mark follows now
        for (Part p : toWrite) {
            synchronized (p) {
                if (p.finished) {
                    mark(new Finished(p.id, "sent", null));
                }
            }
        }
        if (!toWrite.isEmpty()) {
            LOG.info("Outbox: wrote {} message parts kept in memory while the database was away", toWrite.size());
        }
    }

    /** Parts held in memory (waiting to be sent, or unsaved), for the gauge. */
    public int waiting() {
        return lines.values().stream().mapToInt(l -> l.parts.size()).sum();
    }

    long heldBytes() {
        return heldBytes.get();
    }

    private boolean reserve(long bytes) {
        while (true) {
            long held = heldBytes.get();
            if (held + bytes > memoryLimitBytes && held > 0) {
                return false;
            }
            if (heldBytes.compareAndSet(held, held + bytes)) {
                return true;
            }
        }
    }

    /** One transaction: the parts, then the inbox messages they answer. False when the database is away. */
    private boolean write(List<Part> parts, long chatId, List<Long> messageIds) {
        if (!databaseUsable()) {
            return false;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                insert(c, parts);
                inbox.markAnsweredIn(c, chatId, messageIds);
                c.commit();
                return true;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            databaseFailed(e);
            for (Part p : parts) {
                synchronized (p) {
                    p.id = 0;
                }
            }
            return false;
        }
    }

    private void insert(Connection c, List<Part> parts) throws SQLException {
        if (parts.isEmpty()) {
            return;
        }
        // a statement per row, not a batch: pgjdbc's batch handler fails with an AssertionError (under -ea)
        // instead of an SQLException when the server ends the connection mid-batch
        try (PreparedStatement ps = c.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
            for (Part p : parts) {
                ps.setLong(1, p.chatId);
                ps.setInt(2, p.partNo);
                ps.setString(3, p.correlationId);
                ps.setString(4, SealedText.seal(cipher, binding(p.chatId, p.correlationId, p.partNo), p.html));
                if (p.editOf == null) {
                    ps.setNull(5, Types.BIGINT);
                } else {
                    ps.setLong(5, p.editOf);
                }
                ps.setTimestamp(6, new Timestamp(Math.max(p.notBefore, p.createdAt.toEpochMilli())));
                ps.setTimestamp(7, Timestamp.from(p.createdAt));
                if (p.replyTo == null) {
                    ps.setNull(8, Types.BIGINT);
                } else {
                    ps.setLong(8, p.replyTo);
                }
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    if (!keys.next()) {
                        throw new SQLException("no id returned for an outbox row");
                    }
                    synchronized (p) {
                        p.id = keys.getLong(1);
                    }
                }
            }
        }
    }

    private void finish(Part part, String state, String reason) {
        long id;
        synchronized (part) {
            part.finished = true;
            id = part.id;
        }
        if (id > 0) {
            mark(new Finished(id, state, reason));
        } else {
            synchronized (unsaved) {
                unsaved.remove(part); // done before it was ever written: nothing to write
            }
        }
    }

    private void mark(Finished f) {
        if (databaseUsable()) {
            try (Connection c = dataSource.getConnection()) {
                applyMarks(c, List.of(f));
                return;
            } catch (SQLException e) {
                databaseFailed(e);
            }
        }
        synchronized (unsaved) {
            if (unsavedMarks.size() >= MAX_UNSAVED_MARKS) {
                unsavedMarks.pollFirst();
                metrics.outboxRefused();
                LOG.error("Outbox: too many sent marks wait for the database; the oldest is dropped (that part may be sent again after a restart)");
            }
            unsavedMarks.addLast(f);
        }
    }

    private static void applyMarks(Connection c, List<Finished> marks) throws SQLException {
        if (marks.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE telegram_outbox SET state = ?, finished_at = now(), payload = NULL,"
                + " reason = ? WHERE id = ?")) {
            for (Finished f : marks) {
                ps.setString(1, f.state());
                ps.setString(2, truncate(f.reason()));
                ps.setLong(3, f.id());
                ps.executeUpdate();
            }
        }
    }

    private long idOf(Part part) {
        synchronized (part) {
            return part.id;
        }
    }

    private static String binding(long chatId, String correlationId, int partNo) {
        return "outbox:" + chatId + ":" + correlationId + ":" + partNo;
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 300 ? s : s.substring(0, 300);
    }

    private boolean databaseUsable() {
        return databasePause.usable();
    }

    private void databaseFailed(SQLException e) {
        databasePause.failed(e);
    }
}
