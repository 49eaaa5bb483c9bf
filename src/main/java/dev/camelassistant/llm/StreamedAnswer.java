package dev.camelassistant.llm;

/**
 * What a streamed answer has delivered so far (kept in exchange property {@value #PROPERTY} while
 * {@link ClaudeStream} reads the events): the text, the usage, the stop reason and when the first
 * text arrived. The split over the events runs on the caller's thread, one event at a time; the
 * fields are volatile only because Camel may hand the exchange to another thread between steps.
 */
public final class StreamedAnswer {

    public static final String PROPERTY = "claudeStreamedAnswer";

    private final StringBuilder text = new StringBuilder();
    private volatile int textBlocks;
    volatile String model;
    volatile int inputTokens;
    volatile int outputTokens;
    volatile int cacheCreationTokens;
    volatile int cacheReadTokens;
    volatile String stopReason;
    volatile boolean stopped;
    private volatile long firstTextNanos;
    private final long startedNanos;

    StreamedAnswer(long startedNanos) {
        this.startedNanos = startedNanos;
    }

    /** A new text content block starts: blocks are joined with a blank line, as in a JSON answer. */
    synchronized void startTextBlock() {
        if (textBlocks++ > 0 && !text.isEmpty()) {
            text.append("\n\n");
        }
    }

    synchronized void append(String delta) {
        if (delta.isEmpty()) {
            return;
        }
        if (textBlocks == 0) {
            textBlocks = 1;
        }
        if (firstTextNanos == 0) {
            firstTextNanos = System.nanoTime();
        }
        text.append(delta);
    }

    /** The text so far (Markdown, as Claude wrote it). */
    public synchronized String text() {
        return text.toString();
    }

    /** System.nanoTime() when the first text arrived, or 0. */
    public long firstTextNanos() {
        return firstTextNanos;
    }

    /** Milliseconds from the request to the first text, or -1 when no text came. */
    long timeToFirstTokenMs() {
        return firstTextNanos == 0 ? -1 : (firstTextNanos - startedNanos) / 1_000_000;
    }

    /** The stream ended as the API documents it (message_stop). */
    public boolean stopped() {
        return stopped;
    }
}
