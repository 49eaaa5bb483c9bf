package dev.camelassistant.llm;

import java.util.Locale;

import dev.camelassistant.metrics.BotMetrics.ClaudeOutcome;

/**
 * The kinds of a failed Claude call, in one place for the conversation path (claude-ask, the
 * conversation route, {@link ClaudeErrors}) and the Claude health probe: which HTTP status (or
 * stream error type) is which kind, what the user is told, and what the owner's alert says. The
 * kind's name is the {@code alertKind} of its alert, so the alert cooldown (one per service and
 * kind) always holds back the same text, whichever side raised it.
 * <p>
 * Which kinds alert the owner when a request fails is decided in the conversation route; the
 * probe alerts on every failure it sees.
 */
public enum ClaudeFailure {

    /** HTTP 529 or 503, an {@code overloaded_error} event, or a stream that broke off. */
    OVERLOADED("overloaded", ClaudeOutcome.OVERLOADED),
    /** No answer within {@code claude.timeout-seconds} (the probe: within its own timeout). */
    TIMEOUT("timeout", ClaudeOutcome.OVERLOADED),
    /** HTTP 429: the user is told when to try again. */
    RATE_LIMITED("rate_limited", ClaudeOutcome.RATE_LIMITED),
    /** HTTP 401 or 403: the API key is rejected or lacks permission. */
    REJECTED_KEY("rejected_key", ClaudeOutcome.REJECTED_KEY),
    /** HTTP 404: the model of CLAUDE_MODEL does not exist (retired or misspelled). */
    UNKNOWN_MODEL("unknown_model", ClaudeOutcome.OTHER),
    /** Any other status, an unreadable answer, a failed connection before the answer began. */
    OTHER("other", ClaudeOutcome.OTHER);

    public static final String UNAVAILABLE =
            "Claude is temporarily unavailable. I'll keep trying and let you know when it's back.";
    public static final String CANNOT_REACH = "I can't reach Claude right now.";
    public static final String GENERIC = "Sorry, something went wrong while I was asking Claude. Please try again in a moment.";
    public static final String TOO_MANY = "Claude has had too many requests just now. Please try again in ";

    private final String kind;
    private final ClaudeOutcome outcome;

    ClaudeFailure(String kind, ClaudeOutcome outcome) {
        this.kind = kind;
        this.outcome = outcome;
    }

    /** The kind's name: the {@code claudeFailure} variable, the {@code alertKind} header, the audit's errorKind. */
    public String kind() {
        return kind;
    }

    /**
     * The {@code outcome} tag of the Claude call metrics: what the user was told. overloaded and
     * timeout both mean "Claude is unavailable" (the latency histogram tells them apart); unknown_model
     * counts as other.
     */
    public ClaudeOutcome outcome() {
        return outcome;
    }

    /** The HTTP status → kind mapping of the Messages API and the models API alike. */
    public static ClaudeFailure ofStatus(int status) {
        return switch (status) {
            case 529, 503 -> OVERLOADED;
            case 429 -> RATE_LIMITED;
            case 401, 403 -> REJECTED_KEY;
            case 404 -> UNKNOWN_MODEL;
            default -> OTHER;
        };
    }

    /** The kind of a stream's {@code error} event, by its {@code error.type} (the API's name for each status above). */
    public static ClaudeFailure ofErrorType(String errorType) {
        if (errorType == null) {
            return OTHER;
        }
        return switch (errorType) {
            case "overloaded_error" -> OVERLOADED;
            case "rate_limit_error" -> RATE_LIMITED;
            case "authentication_error", "permission_error" -> REJECTED_KEY;
            case "not_found_error" -> UNKNOWN_MODEL;
            default -> OTHER;
        };
    }

    /** The kind of that name; OTHER for null or a name no kind has. */
    public static ClaudeFailure ofKind(String kind) {
        if (kind != null) {
            for (ClaudeFailure f : values()) {
                if (f.kind.equals(kind.trim().toLowerCase(Locale.ROOT))) {
                    return f;
                }
            }
        }
        return OTHER;
    }

    /** Whether a name is one of these kinds (the probe's "down" is not). */
    public static boolean isKind(String kind) {
        for (ClaudeFailure f : values()) {
            if (f.kind.equals(kind)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A short description of a failed HTTP status, without secrets, for logs, the audit trail,
     * /health and the alert: "overloaded (HTTP 529)", "model claude-x unknown (HTTP 404 not_found_error)",
     * "HTTP 500".
     *
     * @param errorType the {@code error.type} of the answer, reduced to safe characters, or null
     */
    public static String describeStatus(int status, String model, String errorType) {
        String http = "HTTP " + status + (errorType == null ? "" : " " + errorType);
        return switch (ofStatus(status)) {
            case OVERLOADED -> "overloaded (" + http + ")";
            case RATE_LIMITED -> "rate limited (" + http + ")";
            case REJECTED_KEY -> "API key rejected (" + http + ")";
            case UNKNOWN_MODEL -> "model " + model + " unknown (" + http + ")";
            default -> http;
        };
    }

    /**
     * What the user is told (without the reference, which the caller appends).
     *
     * @param retryAfter the seconds of a 429's retry-after header, or null
     */
    public String userText(String retryAfter) {
        return switch (this) {
            case OVERLOADED, TIMEOUT -> UNAVAILABLE;
            case RATE_LIMITED -> TOO_MANY + (retryAfter == null ? "a minute." : retryAfter + " seconds.");
            case REJECTED_KEY, UNKNOWN_MODEL -> CANNOT_REACH;
            case OTHER -> GENERIC;
        };
    }

    /**
     * The owner's alert, the same text whether a request or the health probe saw the failure.
     *
     * @param detail a short, secret-free description ({@link #describeStatus}, "no answer within 5000 ms", ...)
     */
    public String alertText(String detail) {
        String d = detail == null || detail.isBlank() ? kind : detail.strip();
        return switch (this) {
            case OVERLOADED -> "⚠️ Claude is unavailable: " + d + ". Users are told to wait; I'll tell you when it's back.";
            case TIMEOUT -> "⚠️ Claude did not answer in time: " + d + ". Users are told to wait; I'll tell you when it's back.";
            case RATE_LIMITED -> "⚠️ Claude is rate limiting the bot: " + d + ". Users are told when to try again.";
            case REJECTED_KEY -> "🚨 Claude rejects the API key: " + d
                                 + ". Check ANTHROPIC_API_KEY (rejected or without permission).";
            case UNKNOWN_MODEL -> "🚨 Claude does not know the configured model: " + d
                                  + ". Change CLAUDE_MODEL (retired or misspelled?).";
            case OTHER -> "⚠️ Claude failed: " + d;
        };
    }
}
