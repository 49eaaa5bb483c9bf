package dev.camelassistant.llm;

import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.Map;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.logging.CorrelationId;
import dev.camelassistant.logging.LogMasker;
import dev.camelassistant.metrics.BotMetrics;
import dev.camelassistant.metrics.BotMetrics.ClaudeOutcome;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a Claude call fails. The onException branches of claude.camel.yaml decide the
 * kind on the HTTP status and call {@link #handle}, which logs at the right level, audits, and
 * leaves the user's reply in the body (no internals, plus a short reference to the correlation
 * id) and, when the owner must hear of it, the alert text in header {@code alertText}. It also
 * counts the failed call and its latency in the metrics (see {@link #outcomeOf} for the outcome tag).
 */
public class ClaudeErrors {

    public static final String KIND = "claudeError";
    public static final String ALERT_TEXT = "alertText";

    public static final String UNAVAILABLE =
            "Claude is temporarily unavailable. I'll keep trying and let you know when it's back.";
    public static final String CANNOT_REACH = "I can't reach Claude right now.";
    public static final String GENERIC = "Sorry, something went wrong while I was asking Claude. Please try again in a moment.";

    private static final Logger LOG = LoggerFactory.getLogger("dev.camelassistant.llm");
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final String model;
    private final AuditEvents audit;
    private final BotMetrics metrics;

    public ClaudeErrors(String model, AuditEvents audit, BotMetrics metrics) {
        this.model = model;
        this.audit = audit;
        this.metrics = metrics;
    }

    /**
     * The {@code outcome} tag of {@value BotMetrics#CLAUDE_CALLS} for a failure kind: what the user was
     * told. overloaded (HTTP 529, 503) and timeout both mean "Claude is unavailable" → overloaded (the
     * latency histogram tells the timeouts apart); rate_limited and rejected_key keep their names;
     * unknown_model and any other failure (other HTTP status, an unreadable answer) → other.
     */
    static ClaudeOutcome outcomeOf(String kind) {
        return switch (kind) {
            case "overloaded", "timeout" -> ClaudeOutcome.OVERLOADED;
            case "rate_limited" -> ClaudeOutcome.RATE_LIMITED;
            case "rejected_key" -> ClaudeOutcome.REJECTED_KEY;
            default -> ClaudeOutcome.OTHER;
        };
    }

    public void handle(Exchange exchange) {
        String kind = exchange.getMessage().getHeader(KIND, "other", String.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int status = cause instanceof HttpOperationFailedException h ? h.getStatusCode() : 0;
        String detail = describe(cause);
        long latencyNanos = ClaudeClient.latencyNanos(exchange);
        long latencyMs = latencyNanos < 0 ? -1 : latencyNanos / 1_000_000;
        metrics.claudeCall(outcomeOf(kind), latencyNanos);
        String ref = "\n\nReference: " + CorrelationId.shortForm(exchange.getMessage().getHeader(CorrelationId.HEADER, String.class));
        String reply;
        String alert = null;
        AuditEntry.Status auditStatus = AuditEntry.Status.ERROR;
        switch (kind) {
            case "overloaded" -> {
                LOG.warn("Claude unavailable ({}), after {} ms", detail, latencyMs);
                reply = UNAVAILABLE;
                alert = "⚠️ Claude is unavailable (" + detail + "). Users are told to wait; I'll tell you when it's back.";
            }
            case "timeout" -> {
                LOG.warn("Claude did not answer in time ({}), after {} ms", detail, latencyMs);
                reply = UNAVAILABLE;
                alert = "⚠️ Claude did not answer in time. Users are told to wait; I'll tell you when it's back.";
                auditStatus = AuditEntry.Status.TIMEOUT;
            }
            case "rate_limited" -> {
                String retryAfter = retryAfter(cause);
                LOG.warn("Claude rate limit reached (HTTP 429), retry after {} s", retryAfter == null ? "?" : retryAfter);
                reply = retryAfter == null
                        ? "Claude has had too many requests just now. Please try again in a minute."
                        : "Claude has had too many requests just now. Please try again in " + retryAfter + " seconds.";
            }
            case "rejected_key" -> {
                LOG.error("CRITICAL: Claude rejected the API key (HTTP {}): check ANTHROPIC_API_KEY", status);
                reply = CANNOT_REACH;
                alert = "🚨 API key issue detected: Claude answered HTTP " + status
                        + ". Check ANTHROPIC_API_KEY (rejected or without permission).";
            }
            case "unknown_model" -> {
                LOG.error("Claude does not know the model {} (HTTP 404): change CLAUDE_MODEL", model);
                reply = CANNOT_REACH;
                alert = "🚨 Claude does not know the model '" + model + "' (retired or misspelled). Change CLAUDE_MODEL.";
            }
            default -> {
                LOG.error("Claude call failed: {}", detail);
                reply = GENERIC;
            }
        }
        audit.action(exchange, "llm_request", Map.of("latencyMs", latencyMs, "errorKind", kind,
                "httpStatus", status), auditStatus, detail, model);
        exchange.getMessage().removeHeader("x-api-key");
        exchange.getMessage().setHeader("alertService", "claude");
        exchange.getMessage().setHeader("alertKind", kind);
        if (alert != null) {
            exchange.getMessage().setHeader(ALERT_TEXT, alert);
        } else {
            exchange.getMessage().removeHeader(ALERT_TEXT);
        }
        exchange.getMessage().setBody(reply + ref);
    }

    /** A short, secret-free description of the failure for logs and the audit trail. */
    static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown error";
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ClaudeStreamException s) {
                // (a failure inside the stream's split arrives wrapped in Camel's CamelExchangeException)
                return s.getMessage();
            }
        }
        if (cause instanceof HttpOperationFailedException h) {
            String type = errorType(h.getResponseBody());
            return "HTTP " + h.getStatusCode() + (type == null ? "" : " " + type);
        }
        if (cause instanceof SocketTimeoutException) {
            return "timeout";
        }
        return LogMasker.maskSingleLine(cause.getClass().getSimpleName()
                                        + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }

    /** An API error type reduced to the characters such types have (safe to log), or "unknown". */
    static String safeType(String type) {
        String t = type == null ? "" : type.toLowerCase(Locale.ROOT).replaceAll("[^a-z_]", "");
        return t.isEmpty() ? "unknown" : t;
    }

    /** The {@code error.type} of an Anthropic error body, e.g. overloaded_error. */
    static String errorType(String body) {
        if (body == null) {
            return null;
        }
        try {
            String t = JSON.readTree(body).path("error").path("type").asText(null);
            return t == null ? null : t.toLowerCase(Locale.ROOT).replaceAll("[^a-z_]", "");
        } catch (Exception e) {
            return null;
        }
    }

    static String retryAfter(Throwable cause) {
        if (cause instanceof HttpOperationFailedException h && h.getResponseHeaders() != null) {
            for (Map.Entry<String, String> e : h.getResponseHeaders().entrySet()) {
                if ("retry-after".equalsIgnoreCase(e.getKey()) && e.getValue() != null
                    && e.getValue().trim().matches("\\d{1,6}")) {
                    return e.getValue().trim();
                }
            }
        }
        return null;
    }
}
