package dev.camelassistant.llm;

import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.logging.CorrelationId;
import dev.camelassistant.logging.LogMasker;
import dev.camelassistant.metrics.BotMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A failed Claude call, after claude-ask caught it (its doCatch set variable {@value #FAILURE} to the
 * kind, see {@link ClaudeFailure}): {@link #failed} logs at the kind's level, audits, counts the call
 * and its latency, and leaves the details the conversation route needs in variables; the
 * conversation route then takes the user's text from {@link #reply} and, for the kinds that alert,
 * the owner's from {@link #alertText}. Users never see the details, only the kind's text and a short
 * reference to the correlation id.
 */
public class ClaudeErrors {

    /** Exchange variable set by claude-ask: the failure kind of a call that failed; unset after an answer. */
    public static final String FAILURE = "claudeFailure";
    /** Exchange variable: a short, secret-free description of the failure (logs, audit, the alert). */
    public static final String DETAIL = "claudeFailureDetail";
    /** Exchange variable: the seconds of a 429's retry-after header, when it had one. */
    public static final String RETRY_AFTER = "claudeRetryAfter";

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

    /** For claude-ask's doCatch of an HTTP failure: the kind of its status ({@link ClaudeFailure#ofStatus}). */
    public String kindOfStatus(int status) {
        return ClaudeFailure.ofStatus(status).kind();
    }

    /**
     * After claude-ask caught a failure (variable {@value #FAILURE}, the exception in
     * {@link Exchange#EXCEPTION_CAUGHT}): one log line at the kind's level, one llm_request audit entry
     * with status error (timeout for a timeout), the call and its latency in the metrics, variables
     * {@value #DETAIL} and {@value #RETRY_AFTER}. The API key header and the body (the request, or the
     * closed response stream) are cleared.
     */
    public void failed(Exchange exchange) {
        ClaudeFailure failure = ClaudeFailure.ofKind(exchange.getVariable(FAILURE, String.class));
        exchange.setVariable(FAILURE, failure.kind());
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        HttpOperationFailedException http = httpFailure(cause);
        int status = http == null ? 0 : http.getStatusCode();
        String detail = describe(cause, model);
        String retryAfter = retryAfter(cause);
        long latencyNanos = ClaudeClient.latencyNanos(exchange);
        long latencyMs = latencyNanos < 0 ? -1 : latencyNanos / 1_000_000;
        metrics.claudeCall(failure.outcome(), latencyNanos);
        switch (failure) {
            case OVERLOADED -> LOG.warn("Claude unavailable ({}), after {} ms", detail, latencyMs);
            case TIMEOUT -> LOG.warn("Claude did not answer in time ({}), after {} ms", detail, latencyMs);
            case RATE_LIMITED -> LOG.warn("Claude rate limit reached ({}), retry after {} s", detail,
                    retryAfter == null ? "?" : retryAfter);
            case REJECTED_KEY -> LOG.error("CRITICAL: Claude rejected the API key ({}): check ANTHROPIC_API_KEY", detail);
            case UNKNOWN_MODEL -> LOG.error("Claude does not know the model {} ({}): change CLAUDE_MODEL", model, detail);
            case OTHER -> LOG.error("Claude call failed: {}", detail);
        }
        audit.action(exchange, "llm_request", Map.of("latencyMs", latencyMs, "errorKind", failure.kind(),
                        "httpStatus", status),
                failure == ClaudeFailure.TIMEOUT ? AuditEntry.Status.TIMEOUT : AuditEntry.Status.ERROR, detail, model);
        exchange.setVariable(DETAIL, detail);
        if (retryAfter != null) {
            exchange.setVariable(RETRY_AFTER, retryAfter);
        }
        exchange.getMessage().removeHeader("x-api-key");
        exchange.getMessage().setBody(null);
    }

    /** The user's reply to a failed call: the kind's text and the reference of the correlation id. */
    public String reply(Exchange exchange) {
        ClaudeFailure failure = ClaudeFailure.ofKind(exchange.getVariable(FAILURE, String.class));
        return failure.userText(exchange.getVariable(RETRY_AFTER, String.class))
               + "\n\nReference: " + CorrelationId.shortForm(exchange.getMessage().getHeader(CorrelationId.HEADER, String.class));
    }

    /** The owner's alert for a failed call (the same text the health probe sends for this kind). */
    public String alertText(Exchange exchange) {
        return ClaudeFailure.ofKind(exchange.getVariable(FAILURE, String.class))
                .alertText(exchange.getVariable(DETAIL, String.class));
    }

    /** A short, secret-free description of the failure for logs, the audit trail and the alert. */
    static String describe(Throwable cause, String model) {
        if (cause == null) {
            return "unknown error";
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ClaudeStreamException s) {
                // (a failure inside the stream's split arrives wrapped in Camel's CamelExchangeException)
                return s.getMessage();
            }
        }
        HttpOperationFailedException http = httpFailure(cause);
        if (http != null) {
            return ClaudeFailure.describeStatus(http.getStatusCode(), model, errorType(http.getResponseBody()));
        }
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof TimeoutException) {
                return "no answer within claude.timeout-seconds";
            }
        }
        return LogMasker.maskSingleLine(cause.getClass().getSimpleName()
                                        + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }

    private static HttpOperationFailedException httpFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpOperationFailedException h) {
                return h;
            }
        }
        return null;
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
            return t == null || safeType(t).equals("unknown") ? null : safeType(t);
        } catch (Exception e) {
            return null;
        }
    }

    static String retryAfter(Throwable cause) {
        HttpOperationFailedException h = httpFailure(cause);
        if (h != null && h.getResponseHeaders() != null) {
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
