package dev.camelassistant.retries;

import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.common.Headers;
import dev.camelassistant.conversation.Conversations;
import dev.camelassistant.health.Alerts;
import dev.camelassistant.health.HealthReport;
import dev.camelassistant.llm.ClaudeErrors;
import dev.camelassistant.llm.ClaudeFailure;
import dev.camelassistant.logging.CorrelationId;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The promise in {@link ClaudeFailure#UNAVAILABLE}, made by the conversation route: {@link #promise}
 * remembers the chat's unanswered question (kinds overloaded and timeout), {@link #cancelOnNew} drops it
 * on /new and says so, and {@link #mayBeWaiting} and {@link #probeRecovered} decide when Claude is back
 * for the delivery (routes/claude-retries.camel.yaml, {@link ClaudeRetryDelivery}).
 * <p>
 * "Back" is a successful Messages API call, or the health probe of Claude turning UP (the first UP
 * after a start counts, so promises made before a restart are kept). A probe that simply stays UP
 * does not count again: the models endpoint it reads may answer while completions are overloaded,
 * and a retry that fails again would only promise again.
 */
public class ClaudeRetries {

    /** The "back" line before the answer. */
    public static final String BACK = "✅ Claude is back. Here is the answer to the message it couldn't answer earlier.";
    /** The "back" line of a question older than RETRY_WITHIN_HOURS: {@link #tooOld}. */
    static final String TOO_OLD = "✅ Claude is back. Your message from earlier is more than %s old, so I haven't passed it on:"
                                  + " please send it again if you still need an answer.";
    /** The "back" line when the budget refuses: followed by the budget's reason. */
    public static final String BACK_BUT_BUDGET = "✅ Claude is back, but I can't answer your message from earlier. ";
    /** Added to the /new reply when it drops a question still owed an answer. */
    public static final String DROPPED = "The question I still owed you an answer to is dropped with it.";

    private static final Logger LOG = LoggerFactory.getLogger(ClaudeRetries.class);

    private final ClaudeRetryStore store;
    private final AuditEvents audit;
    private final ClaudeRetryMetrics metrics;
    private final Clock clock;
    /** Whether a pending row may exist: true at start (rows from before a restart) and after each promise. */
    private volatile boolean waiting = true;
    /** The last state the probe reported for Claude: null before its first round. */
    private volatile Boolean probeUp;

    public ClaudeRetries(ClaudeRetryStore store, AuditEvents audit, ClaudeRetryMetrics metrics, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** "6 hours", "1 hour". */
    public static String tooOld(int hours) {
        return String.format(TOO_OLD, hours == 1 ? "1 hour" : hours + " hours");
    }

    /**
     * After the "unavailable" reply is stored: the chat's question (variable conversationQuestion) is kept
     * for when Claude is back, replacing an older one of the chat. Only kinds overloaded and timeout.
     */
    public void promise(Exchange exchange) {
        String kind = exchange.getVariable(ClaudeErrors.FAILURE, String.class);
        String question = exchange.getVariable(Conversations.QUESTION, String.class);
        if (!promised(kind) || question == null || question.isBlank()) {
            return;
        }
        Message m = exchange.getMessage();
        long chatId = Long.parseLong(m.getHeader(Headers.CHAT_ID, String.class));
        ClaudeRetryStore.Promised p;
        try {
            p = store.promise(chatId, m.getHeader(Headers.USER_ID, String.class), m.getHeader(CorrelationId.HEADER, String.class),
                    kind, question, clock.instant());
        } catch (SQLException e) {
            LOG.warn("Claude retry for chat {} not stored (SQL state {}): its question will not be answered when Claude is back",
                    chatId, e.getSQLState());
            metrics.count("not_stored");
            return;
        }
        waiting = true;
        if (p.superseded() != null) {
            cancelled(exchange, p.superseded(), "superseded");
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("retryId", p.id());
        meta.put("failureKind", kind);
        audit.action(exchange, "claude_retry_promised", meta, AuditEntry.Status.SUCCESS, null, null);
        metrics.count("promised");
        LOG.info("Claude retry {} of chat {} kept ({}): answered when Claude is back", p.id(), chatId, kind);
    }

    /** The kinds whose text promises an answer when Claude is back. */
    static boolean promised(String kind) {
        return ClaudeFailure.OVERLOADED.kind().equals(kind) || ClaudeFailure.TIMEOUT.kind().equals(kind);
    }

    /** /new (its reply in the body): the chat's pending question is dropped, and the reply says so. */
    public void cancelOnNew(Exchange exchange) {
        Message m = exchange.getMessage();
        long chatId = Long.parseLong(m.getHeader(Headers.CHAT_ID, String.class));
        Long id;
        try {
            id = store.cancel(chatId, "new_conversation");
        } catch (SQLException e) {
            LOG.warn("Claude retry of chat {}: /new could not drop it (SQL state {})", chatId, e.getSQLState());
            return;
        }
        if (id != null) {
            m.setBody(m.getBody(String.class) + " " + DROPPED);
            cancelled(exchange, id, "new_conversation");
        }
    }

    void cancelled(Exchange exchange, long id, String reason) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("retryId", id);
        meta.put("reason", reason);
        audit.action(exchange, "claude_retry_cancelled", meta, AuditEntry.Status.SUCCESS, null, null);
        metrics.count("cancelled");
        LOG.info("Claude retry {} of chat {} cancelled ({})", id, exchange.getMessage().getHeader(Headers.CHAT_ID), reason);
    }

    /** After a successful Claude call: whether a retry may be waiting (a field read, no database). */
    public boolean mayBeWaiting() {
        return waiting;
    }

    /**
     * In the health probe's split (headers alertService, serviceState): true when the probe of Claude turns
     * UP (its first UP after a start included) and a retry may be waiting.
     */
    public boolean probeRecovered(Exchange exchange) {
        Message m = exchange.getMessage();
        if (!"claude".equals(m.getHeader(Alerts.SERVICE, String.class))) {
            return false;
        }
        boolean up = "UP".equals(m.getHeader(HealthReport.STATE, String.class));
        boolean turned = up && !Boolean.TRUE.equals(probeUp);
        probeUp = up;
        return turned && waiting;
    }

    /** The delivery lists the pending rows: promises made from now on set the flag again. */
    void listing() {
        waiting = false;
    }

    /** The delivery could not list or claim them all: the next trigger tries again. */
    void stillWaiting() {
        waiting = true;
    }
}
