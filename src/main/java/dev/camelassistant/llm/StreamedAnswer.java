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
    /** The text of the earlier rounds of the tool loop, shown before this round's text. */
    private final String prefix;
    /** The answer's content blocks by index: text and tool_use, as the API will want them back. */
    private final java.util.SortedMap<Integer, com.fasterxml.jackson.databind.node.ObjectNode> blocks = new java.util.TreeMap<>();
    private final java.util.Map<Integer, StringBuilder> partial = new java.util.HashMap<>();
    private volatile int textBlocks;
    /** A block of another kind (a tool call, a search and its results) has come since the last text. */
    private volatile boolean apart;
    private volatile boolean breakBefore;
    /** What the chat shows after the text while a server tool runs ("Searching the web…"), or null. */
    private volatile String status;
    volatile String model;
    volatile int inputTokens;
    volatile int outputTokens;
    volatile int cacheCreationTokens;
    volatile int cacheReadTokens;
    volatile int webSearches;
    volatile String stopReason;
    volatile boolean stopped;
    private volatile long firstTextNanos;
    private final long startedNanos;

    StreamedAnswer(long startedNanos) {
        this(startedNanos, "");
    }

    /** @param prefix the text of the tool loop's earlier rounds ("" in the first round) */
    StreamedAnswer(long startedNanos, String prefix) {
        this.startedNanos = startedNanos;
        this.prefix = prefix == null ? "" : prefix;
    }

    /** A content block starts (content_block_start): a text block or a tool_use block with its id and name. */
    synchronized void startBlock(int index, com.fasterxml.jackson.databind.node.ObjectNode block) {
        blocks.put(index, block);
        partial.put(index, new StringBuilder());
    }

    /** A block other than text starts: the next text is apart from the text before; {@code status}: what the chat shows meanwhile. */
    synchronized void otherBlock(String status) {
        apart = true;
        this.status = status;
    }

    /** A citation of a text block (citations_delta), kept with the block. */
    synchronized void citeInBlock(int index, com.fasterxml.jackson.databind.JsonNode citation) {
        com.fasterxml.jackson.databind.node.ObjectNode block = blocks.get(index);
        if (block != null) {
            com.fasterxml.jackson.databind.JsonNode cited = block.get("citations");
            (cited instanceof com.fasterxml.jackson.databind.node.ArrayNode a ? a : block.putArray("citations")).add(citation);
        }
    }

    /** A piece of a block: its text (text_delta) or a piece of its input's JSON (input_json_delta). */
    synchronized void appendToBlock(int index, String piece) {
        StringBuilder b = partial.get(index);
        if (b != null) {
            b.append(piece);
        }
    }

    /** The content blocks as the API documents them (a tool_use or server_tool_use block's input parsed from its pieces). */
    synchronized com.fasterxml.jackson.databind.node.ArrayNode content(com.fasterxml.jackson.databind.ObjectMapper json) {
        com.fasterxml.jackson.databind.node.ArrayNode out = json.createArrayNode();
        blocks.forEach((index, block) -> {
            com.fasterxml.jackson.databind.node.ObjectNode copy = block.deepCopy();
            String pieces = partial.getOrDefault(index, new StringBuilder()).toString();
            if ("text".equals(copy.path("type").asText())) {
                copy.put("text", copy.path("text").asText("") + pieces);
            } else if (!pieces.isBlank()) {
                try {
                    copy.set("input", json.readTree(pieces));
                } catch (java.io.IOException e) {
                    throw new ClaudeResponseException("a " + copy.path("type").asText() + " block's input is not JSON");
                }
            }
            out.add(copy);
        });
        return out;
    }

    /**
     * A new text content block starts: it continues the text before it (an answer with citations comes in
     * many blocks), or follows a blank line when another kind of block came between, as {@link CitedText} joins them.
     */
    synchronized void startTextBlock() {
        // the blank line goes in with the block's first text (a block that stays empty adds nothing)
        breakBefore = textBlocks++ > 0 && apart && !text.isEmpty();
        apart = false;
        status = null;
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
        if (breakBefore) {
            text.append("\n\n");
            breakBefore = false;
        }
        text.append(delta);
    }

    /** The text so far (Markdown, as Claude wrote it), after the text of the tool loop's earlier rounds. */
    public synchronized String text() {
        if (prefix.isEmpty() || text.isEmpty()) {
            return prefix.isEmpty() ? text.toString() : prefix;
        }
        return prefix + "\n\n" + text;
    }

    /** What the chat shows: the text so far, then the status of a server tool that is running. */
    public synchronized String shown() {
        String sofar = text();
        return status == null ? sofar : sofar.isBlank() ? status : sofar + "\n\n" + status;
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
