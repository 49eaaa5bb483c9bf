package dev.camelassistant.llm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.metrics.BotMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Maps one user message to a Claude Messages API request and the API's answer back to reply text.
 * The request carries only model, max_tokens, the optional system prompt and the user's text (no
 * temperature or top_p). The answer's text blocks are joined; usage, stop reason and latency are
 * logged as {@code llm_response} and audited as {@code llm_request}, and counted in the metrics
 * (a call with outcome ok, its latency, its tokens by model).
 */
public class ClaudeClient {

    public static final String API_VERSION = "2023-06-01";
    public static final String STARTED_AT = "claudeStartedAt";
    public static final String CUT_NOTE = "\n\n(The answer was cut short because it reached the length limit.)";

    private static final Logger LOG = LoggerFactory.getLogger("dev.camelassistant.llm");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String apiKey;
    private final String model;
    private final int maxTokens;
    private final String systemPrompt;
    private final AuditEvents audit;
    private final BotMetrics metrics;

    public ClaudeClient(String apiKey, String model, int maxTokens, String systemPrompt, AuditEvents audit,
                        BotMetrics metrics) {
        this.apiKey = apiKey;
        this.model = model;
        this.maxTokens = maxTokens;
        this.systemPrompt = systemPrompt == null || systemPrompt.isBlank() ? defaultSystemPrompt() : systemPrompt.strip();
        this.audit = audit;
        this.metrics = metrics;
    }

    public String model() {
        return model;
    }

    /** Body (the user's text) → JSON request body, with the API's headers. */
    public void prepareRequest(Exchange exchange) {
        Message in = exchange.getMessage();
        String text = in.getBody(String.class);
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        body.put("max_tokens", maxTokens);
        if (!systemPrompt.isEmpty()) {
            body.put("system", systemPrompt);
        }
        ArrayNode messages = body.putArray("messages");
        ObjectNode user = messages.addObject();
        user.put("role", "user");
        user.put("content", text == null ? "" : text);
        in.setHeader("userTextLength", text == null ? 0 : text.length());
        in.setBody(body.toString());
        in.setHeader("x-api-key", apiKey);
        in.setHeader("anthropic-version", API_VERSION);
        in.setHeader(Exchange.CONTENT_TYPE, "application/json");
        in.setHeader(Exchange.HTTP_METHOD, "POST");
        in.setHeader(STARTED_AT, System.nanoTime());
    }

    /** The API's JSON answer → reply text; throws {@link ClaudeResponseException} for a body that is not the documented shape. */
    public void readAnswer(Exchange exchange) {
        Message in = exchange.getMessage();
        in.removeHeader("x-api-key");
        long latencyNanos = latencyNanos(exchange);
        long latencyMs = latencyNanos < 0 ? -1 : latencyNanos / 1_000_000;
        JsonNode root;
        try {
            root = JSON.readTree(in.getBody(String.class));
        } catch (IOException | RuntimeException e) {
            throw new ClaudeResponseException("the answer is not JSON");
        }
        if (root == null || !root.path("content").isArray()) {
            throw new ClaudeResponseException("the answer has no content array");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : root.path("content")) {
            if ("text".equals(block.path("type").asText()) && block.has("text")) {
                if (!text.isEmpty()) {
                    text.append("\n\n");
                }
                text.append(block.path("text").asText());
            }
        }
        String stopReason = root.path("stop_reason").asText(null);
        int inputTokens = root.path("usage").path("input_tokens").asInt(0);
        int outputTokens = root.path("usage").path("output_tokens").asInt(0);
        String answeredBy = root.path("model").asText(model);
        if ("max_tokens".equals(stopReason)) {
            text.append(CUT_NOTE);
        }
        if (text.toString().isBlank()) {
            text.setLength(0);
            text.append("(Claude gave an empty answer.)");
        }
        LOG.info("llm_response {} {} {} {} {}", kv("model", answeredBy), kv("inputTokens", inputTokens),
                kv("outputTokens", outputTokens), kv("stopReason", stopReason), kv("latencyMs", latencyMs));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("inputTokens", inputTokens);
        meta.put("outputTokens", outputTokens);
        meta.put("stopReason", stopReason);
        meta.put("latencyMs", latencyMs);
        meta.put("answerLength", text.length());
        audit.action(exchange, "llm_request", meta, AuditEntry.Status.SUCCESS, null, answeredBy);
        metrics.claudeCall(BotMetrics.ClaudeOutcome.OK, latencyNanos);
        metrics.claudeTokens(answeredBy, inputTokens, outputTokens);
        in.setBody(text.toString());
    }

    /** Time since {@link #prepareRequest}, or -1 when the request was never prepared. */
    static long latencyNanos(Exchange exchange) {
        Long started = exchange.getMessage().getHeader(STARTED_AT, Long.class);
        return started == null ? -1 : System.nanoTime() - started;
    }

    private static String defaultSystemPrompt() {
        try (InputStream in = ClaudeClient.class.getResourceAsStream("/prompts/system.txt")) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
