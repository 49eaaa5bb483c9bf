package dev.camelassistant.llm;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelassistant.telegram.ReplySplitter;
import org.apache.camel.Exchange;

/**
 * Reads a streamed Messages API answer, one server-sent event at a time (claude.camel.yaml splits
 * the HTTP response stream at blank lines and calls {@link #onEvent} for each event). The events, as
 * Anthropic documents them: {@code message_start} (model, input and cache usage),
 * {@code content_block_start}, {@code content_block_delta} ({@code text_delta}, {@code input_json_delta},
 * {@code citations_delta}), {@code content_block_stop}, {@code message_delta} (stop reason, output tokens,
 * web searches), {@code message_stop}, {@code ping}, and {@code error}. Unknown events are ignored, as the
 * API asks. Blocks other than text and tool_use (Anthropic's server tools: {@code server_tool_use},
 * {@code web_search_tool_result}, {@code web_fetch_tool_result}, code execution's) are kept as they start,
 * to be sent back whole; a {@code server_tool_use} of web_search or web_fetch shows a status in the chat.
 * <p>
 * The state lives in a {@link StreamedAnswer} (exchange property {@value StreamedAnswer#PROPERTY}),
 * which the Telegram side reads to show the text while it grows ({@code liveReplies}).
 * {@link #finish} turns the complete stream into the same body, log line, audit entry and usage as
 * {@link ClaudeClient#readAnswer} does for a JSON answer.
 */
public class ClaudeStream {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClaudeClient client;

    public ClaudeStream(ClaudeClient client) {
        this.client = client;
    }

    /** Before the first event: a fresh answer, counted from the request. */
    public void begin(Exchange exchange) {
        Long started = exchange.getMessage().getHeader(ClaudeClient.STARTED_AT, Long.class);
        ToolTurns turns = ToolTurns.of(exchange);
        StreamedAnswer answer = new StreamedAnswer(started == null ? System.nanoTime() : started,
                turns == null ? "" : turns.text());
        answer.model = client.model();
        exchange.setProperty(StreamedAnswer.PROPERTY, answer);
        exchange.getMessage().removeHeader("x-api-key");
    }

    /** One event (its lines, without the blank line that ended it) into the answer. */
    public void onEvent(Exchange exchange) {
        StreamedAnswer answer = exchange.getProperty(StreamedAnswer.PROPERTY, StreamedAnswer.class);
        apply(answer, exchange.getMessage().getBody(String.class));
    }

    /** Applies one event; throws {@link ClaudeStreamException} for an {@code error} event. */
    static void apply(StreamedAnswer answer, String event) {
        String data = data(event);
        if (data == null || data.isBlank()) {
            return;
        }
        JsonNode root;
        try {
            root = JSON.readTree(data);
        } catch (IOException e) {
            throw new ClaudeResponseException("a stream event is not JSON");
        }
        switch (root.path("type").asText("")) {
            case "message_start" -> {
                JsonNode message = root.path("message");
                answer.model = message.path("model").asText(answer.model);
                JsonNode usage = message.path("usage");
                answer.inputTokens = usage.path("input_tokens").asInt(0);
                answer.outputTokens = usage.path("output_tokens").asInt(0);
                answer.cacheCreationTokens = usage.path("cache_creation_input_tokens").asInt(0);
                answer.cacheReadTokens = usage.path("cache_read_input_tokens").asInt(0);
                answer.webSearches = usage.path("server_tool_use").path("web_search_requests").asInt(0);
            }
            case "content_block_start" -> {
                JsonNode block = root.path("content_block");
                int index = root.path("index").asInt(0);
                String type = block.path("type").asText();
                if ("text".equals(type)) {
                    answer.startTextBlock();
                    answer.append(block.path("text").asText(""));
                    answer.startBlock(index, JSON.createObjectNode().put("type", "text").put("text", block.path("text").asText("")));
                } else if ("tool_use".equals(type)) {
                    // its input comes as pieces of JSON (input_json_delta), complete at content_block_stop
                    answer.startBlock(index, JSON.createObjectNode().put("type", "tool_use")
                            .put("id", block.path("id").asText()).put("name", block.path("name").asText())
                            .set("input", JSON.createObjectNode()));
                } else if (block.isObject()) {
                    // a server tool's call (its input as input_json_delta pieces) or result (whole): kept as it came
                    answer.startBlock(index, block.deepCopy());
                    answer.otherBlock("server_tool_use".equals(type) ? status(block.path("name").asText()) : null);
                }
            }
            case "content_block_delta" -> {
                JsonNode delta = root.path("delta");
                int index = root.path("index").asInt(0);
                if ("text_delta".equals(delta.path("type").asText())) {
                    answer.append(delta.path("text").asText(""));
                    answer.appendToBlock(index, delta.path("text").asText(""));
                } else if ("input_json_delta".equals(delta.path("type").asText())) {
                    answer.appendToBlock(index, delta.path("partial_json").asText(""));
                } else if ("citations_delta".equals(delta.path("type").asText()) && delta.path("citation").isObject()) {
                    answer.citeInBlock(index, delta.path("citation").deepCopy());
                }
            }
            case "message_delta" -> {
                JsonNode delta = root.path("delta");
                if (delta.hasNonNull("stop_reason")) {
                    answer.stopReason = delta.path("stop_reason").asText();
                }
                JsonNode usage = root.path("usage");
                // cumulative counts: output always, input and cache fields when the API repeats them
                answer.outputTokens = usage.path("output_tokens").asInt(answer.outputTokens);
                answer.inputTokens = usage.path("input_tokens").asInt(answer.inputTokens);
                answer.cacheCreationTokens = usage.path("cache_creation_input_tokens").asInt(answer.cacheCreationTokens);
                answer.cacheReadTokens = usage.path("cache_read_input_tokens").asInt(answer.cacheReadTokens);
                answer.webSearches = usage.path("server_tool_use").path("web_search_requests").asInt(answer.webSearches);
            }
            case "message_stop" -> answer.stopped = true;
            case "error" -> {
                String type = root.path("error").path("type").asText(null);
                throw new ClaudeStreamException(ClaudeFailure.ofErrorType(type).kind(),
                        "stream error event " + ClaudeErrors.safeType(type));
            }
            default -> {
                // ping, content_block_stop, and event types added later
            }
        }
    }

    /** What the chat shows while a server tool runs: a search or a page being read (null: nothing). */
    static String status(String tool) {
        return switch (tool) {
            case "web_search" -> WebTools.SEARCHING;
            case "web_fetch" -> WebTools.READING;
            default -> null;
        };
    }

    /** The data of an event: its {@code data:} lines joined (one optional space after the colon dropped). */
    static String data(String event) {
        if (event == null) {
            return null;
        }
        StringBuilder data = null;
        for (String line : event.split("\r?\n")) {
            if (line.startsWith("data:")) {
                String value = line.substring(5);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        return data == null ? null : data.toString();
    }

    /**
     * After the last event: a complete stream becomes the reply text with its log line, audit entry and
     * usage; a stream that ended without message_stop (the connection broke) is a failure.
     */
    public void finish(Exchange exchange) {
        StreamedAnswer answer = exchange.getProperty(StreamedAnswer.PROPERTY, StreamedAnswer.class);
        if (answer == null || !answer.stopped()) {
            throw new ClaudeStreamException(ClaudeFailure.OVERLOADED.kind(), "the stream broke off before message_stop");
        }
        client.answered(exchange, answer.content(JSON), answer.stopReason, answer.model, answer.inputTokens,
                answer.outputTokens, answer.cacheCreationTokens, answer.cacheReadTokens, answer.webSearches,
                answer.timeToFirstTokenMs());
    }

    /**
     * The failure kind for claude-ask's doCatch: a {@link ClaudeStreamException}'s own kind; a connection that
     * failed while a stream was being read (an IOException under Camel's tokenizer) is "overloaded",
     * like a stream that broke off (Claude stopped answering); anything else is "other", as before
     * streaming (a connection that fails before the answer starts also stays "other").
     */
    public String failureKind(Exchange exchange) {
        boolean io = false;
        for (Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class); t != null; t = t.getCause()) {
            if (t instanceof ClaudeStreamException s) {
                return s.kind();
            }
            io |= t instanceof IOException;
        }
        return (io && exchange.getProperty(StreamedAnswer.PROPERTY) != null ? ClaudeFailure.OVERLOADED : ClaudeFailure.OTHER).kind();
    }

    /**
     * In the conversation route, after the kind reply of a failed call is in the body: a stream that had
     * shown text keeps it, and the kind reply follows it (the same messages are edited into this text by
     * conversation-reply).
     */
    public void keepPartialText(Exchange exchange) {
        StreamedAnswer answer = exchange.getProperty(StreamedAnswer.PROPERTY, StreamedAnswer.class);
        ToolTurns turns = ToolTurns.of(exchange);
        // the text shown so far: the stream's (earlier rounds of the tool loop included), or the earlier rounds'
        String shown = answer != null ? answer.text() : turns != null ? turns.text() : "";
        if (!shown.isBlank()) {
            // a code block the stream left open is closed, so that the kind message after it reads as text
            exchange.getMessage().setBody(ReplySplitter.closeOpenFence(shown.stripTrailing()) + "\n\n"
                                          + exchange.getMessage().getBody(String.class));
        }
    }
}
