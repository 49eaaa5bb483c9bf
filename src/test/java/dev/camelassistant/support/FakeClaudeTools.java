package dev.camelassistant.support;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

/**
 * Answers of the fake Anthropic API that use tools, in the documented shapes: a JSON answer whose
 * content ends with {@code tool_use} blocks ({@code stop_reason: tool_use}), an answer with Anthropic's
 * server tools (any content, e.g. {@code server_tool_use}, {@code web_search_tool_result} and text with
 * {@code citations}, and {@code usage.server_tool_use}), and the same answers as server-sent events, where
 * a tool_use or server_tool_use block's input arrives as {@code input_json_delta} pieces, a result block
 * whole in its {@code content_block_start}, and a text block's citations as {@code citations_delta} events.
 */
public final class FakeClaudeTools {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeClaudeTools() {
    }

    /** One tool call: its id, the tool's name and its input (JSON text). */
    public record Use(String id, String name, String input) {
    }

    /** A JSON answer: optional text, then the tool_use blocks, stop_reason tool_use. */
    public static ResponseDefinitionBuilder toolUse(String text, Use... uses) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "msg_01FakeToolToolTool").put("type", "message").put("role", "assistant").put("model", FakeClaude.MODEL);
        ArrayNode content = body.putArray("content");
        if (text != null) {
            content.addObject().put("type", "text").put("text", text);
        }
        for (Use use : uses) {
            try {
                content.addObject().put("type", "tool_use").put("id", use.id()).put("name", use.name())
                        .set("input", JSON.readTree(use.input()));
            } catch (Exception e) {
                throw new IllegalArgumentException(e);
            }
        }
        body.put("stop_reason", "tool_use").putNull("stop_sequence");
        body.putObject("usage").put("input_tokens", 21).put("output_tokens", 42);
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body.toString());
    }

    /** A JSON answer with text only (stop_reason end_turn). */
    public static ResponseDefinitionBuilder text(String text) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "msg_01FakeToolTextText").put("type", "message").put("role", "assistant").put("model", FakeClaude.MODEL);
        body.putArray("content").addObject().put("type", "text").put("text", text);
        body.put("stop_reason", "end_turn").putNull("stop_sequence");
        body.putObject("usage").put("input_tokens", 21).put("output_tokens", 42);
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body.toString());
    }

    /** A JSON answer with this content (blocks in the API's JSON), stop reason and web searches in its usage. */
    public static ResponseDefinitionBuilder answer(String contentJson, String stopReason, int webSearches) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "msg_01FakeWebWebWebWeb").put("type", "message").put("role", "assistant").put("model", FakeClaude.MODEL);
        try {
            body.set("content", JSON.readTree(contentJson));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
        body.put("stop_reason", stopReason).putNull("stop_sequence");
        ObjectNode usage = body.putObject("usage").put("input_tokens", 21).put("output_tokens", 42);
        usage.putObject("server_tool_use").put("web_search_requests", webSearches).put("web_fetch_requests", 0);
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body.toString());
    }

    /** Whether the answer needs block events of its own: a block other than text, or text with citations. */
    static boolean hasToolUse(JsonNode answer) {
        for (JsonNode block : answer.path("content")) {
            if (!"text".equals(block.path("type").asText()) || block.has("citations")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The answer as events: message_start, then per block content_block_start, its deltas (text in one
     * text_delta; a tool's input in three input_json_delta pieces, cut anywhere), content_block_stop; then
     * message_delta with the stop reason and message_stop.
     */
    static String sse(JsonNode answer) {
        StringBuilder out = new StringBuilder();
        ObjectNode start = JSON.createObjectNode().put("type", "message_start");
        ObjectNode message = start.putObject("message").put("id", answer.path("id").asText()).put("type", "message")
                .put("role", "assistant").put("model", answer.path("model").asText(FakeClaude.MODEL));
        message.putArray("content");
        message.putNull("stop_reason");
        message.putObject("usage").put("input_tokens", answer.path("usage").path("input_tokens").asInt()).put("output_tokens", 1);
        event(out, "message_start", start);
        int index = 0;
        for (JsonNode block : answer.path("content")) {
            ObjectNode begin = JSON.createObjectNode().put("type", "content_block_start").put("index", index);
            String type = block.path("type").asText();
            if ("tool_use".equals(type) || "server_tool_use".equals(type)) {
                begin.putObject("content_block").put("type", type).put("id", block.path("id").asText())
                        .put("name", block.path("name").asText()).putObject("input");
                event(out, "content_block_start", begin);
                String input = block.path("input").toString();
                int third = Math.max(1, input.length() / 3);
                for (String piece : List.of(input.substring(0, third), input.substring(third, Math.min(input.length(), 2 * third)),
                        input.substring(Math.min(input.length(), 2 * third)))) {
                    ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
                    delta.putObject("delta").put("type", "input_json_delta").put("partial_json", piece);
                    event(out, "content_block_delta", delta);
                }
            } else if (!"text".equals(type)) {
                // a result block comes whole
                begin.set("content_block", block);
                event(out, "content_block_start", begin);
            } else {
                begin.putObject("content_block").put("type", "text").put("text", "");
                event(out, "content_block_start", begin);
                for (JsonNode citation : block.path("citations")) {
                    ObjectNode cited = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
                    cited.putObject("delta").put("type", "citations_delta").set("citation", citation);
                    event(out, "content_block_delta", cited);
                }
                ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
                delta.putObject("delta").put("type", "text_delta").put("text", block.path("text").asText());
                event(out, "content_block_delta", delta);
            }
            event(out, "content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", index));
            index++;
        }
        ObjectNode end = JSON.createObjectNode().put("type", "message_delta");
        end.putObject("delta").put("stop_reason", answer.path("stop_reason").asText()).putNull("stop_sequence");
        ObjectNode usage = end.putObject("usage").put("output_tokens", answer.path("usage").path("output_tokens").asInt());
        if (answer.path("usage").has("server_tool_use")) {
            usage.set("server_tool_use", answer.path("usage").path("server_tool_use"));
        }
        event(out, "message_delta", end);
        event(out, "message_stop", JSON.createObjectNode().put("type", "message_stop"));
        return out.toString();
    }

    private static void event(StringBuilder out, String name, ObjectNode data) {
        out.append("event: ").append(name).append('\n').append("data: ").append(data).append("\n\n");
    }
}
