package dev.camelassistant.llm;

/**
 * A streamed answer that failed after the HTTP status was 200: an {@code error} event, or a stream
 * that ended without {@code message_stop} (a broken connection). {@link #kind()} is the failure kind
 * of {@link ClaudeErrors} (overloaded, rate_limited, rejected_key, unknown_model, other).
 */
public class ClaudeStreamException extends RuntimeException {

    private final String kind;

    public ClaudeStreamException(String kind, String detail) {
        super(detail);
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }

    /** The failure kind for the {@code error.type} of an error event (the API's error types per HTTP status). */
    static String kindOf(String errorType) {
        if (errorType == null) {
            return "other";
        }
        return switch (errorType) {
            case "overloaded_error" -> "overloaded";
            case "rate_limit_error" -> "rate_limited";
            case "authentication_error", "permission_error" -> "rejected_key";
            case "not_found_error" -> "unknown_model";
            default -> "other";
        };
    }
}
