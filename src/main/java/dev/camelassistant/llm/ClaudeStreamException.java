package dev.camelassistant.llm;

/**
 * A streamed answer that failed after the HTTP status was 200: an {@code error} event, or a stream
 * that ended without {@code message_stop} (a broken connection). {@link #kind()} is the name of its
 * {@link ClaudeFailure} (overloaded, rate_limited, rejected_key, unknown_model, other).
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
}
