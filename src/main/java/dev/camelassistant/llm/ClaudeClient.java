package dev.camelassistant.llm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

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
 * Maps one user message, with the earlier turns of its conversation, to a Claude Messages API
 * request, and the API's answer back to reply text. The request carries only model, max_tokens,
 * the tools (the routes' and Anthropic's web tools, {@link WebTools}), the optional system prompt, the
 * earlier turns (variable {@value #HISTORY}) and the user's text (no temperature or top_p).
 * <p>
 * Prompt caching: the stable prefix is marked with {@code cache_control: {"type": "ephemeral"}}
 * as Anthropic documents it, at two breakpoints (the API allows four): the system prompt, sent as
 * an array of text blocks with the mark on the last, and the last content block of the last
 * earlier turn. A follow-up then reads the conversation so far from the cache and writes only the
 * newest exchange.
 * <p>
 * The answer's text blocks are joined; usage (input, output, cache creation and cache read
 * tokens), stop reason and latency are logged as {@code llm_response} and audited as
 * {@code llm_request}, and counted in the metrics (a call with outcome ok, its latency, its tokens
 * by model). The whole input the API counted (uncached + written to + read from the cache) is left
 * in exchange variable {@value #INPUT_TOKENS}, so the conversation store can correct its estimate.
 * <p>
 * Streaming (CLAUDE_STREAMING): the request also carries {@code "stream": true}; the events are read
 * by {@link ClaudeStream}, which ends in the same {@link #answered} as a JSON answer, so both give the
 * same body, log line, audit entry, metrics and usage (plus {@code timeToFirstTokenMs}).
 */
public class ClaudeClient {

    public static final String API_VERSION = "2023-06-01";
    public static final String STARTED_AT = "claudeStartedAt";
    /** Exchange variable: the earlier turns to send before the user's text (a {@code List<Turn>}, oldest first). */
    public static final String HISTORY = "conversationHistory";
    /** Exchange variable: the input tokens of the answer, cached or not (input + cache creation + cache read). */
    public static final String INPUT_TOKENS = "claudeInputTokens";
    /** Exchange variable: the photos and documents of the user's message ({@code List<Attachment>}), before its text. */
    public static final String ATTACHMENTS = "claudeAttachments";
    /** Exchange variable: the chat's long-term notes, as the system prompt's own block (absent: none). */
    public static final String NOTES = "memoryNotes";
    public static final String CUT_NOTE = "\n\n(The answer was cut short because it reached the length limit.)";

    private static final Logger LOG = LoggerFactory.getLogger("dev.camelassistant.llm");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String apiKey;
    private final String model;
    private final int maxTokens;
    private final String systemPrompt;
    private final AuditEvents audit;
    private final BotMetrics metrics;
    private final boolean streaming;
    /** The request's {@code tools} (an empty array: none); the tool registry's list once tools are wired. */
    private volatile Supplier<JsonNode> tools = JSON::createArrayNode;
    /** Anthropic's server tools (web_search, web_fetch), after the registry's tools in every request. */
    private volatile WebTools web = WebTools.NONE;

    /** @param streaming ask for the answer as server-sent events ({@code "stream": true}, read by {@link ClaudeStream}) */
    public ClaudeClient(String apiKey, String model, int maxTokens, String systemPrompt, AuditEvents audit,
                        BotMetrics metrics, boolean streaming) {
        this.streaming = streaming;
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

    /** Every request offers Claude these tools (the registry's list, read for each request). */
    public void useTools(Supplier<JsonNode> tools) {
        this.tools = tools;
    }

    /** Every request also offers Anthropic's web tools (WEB_SEARCH). */
    public void useWebTools(WebTools web) {
        this.web = web;
    }

    /** The system prompt every request carries (empty when there is none). */
    public String systemPrompt() {
        return systemPrompt;
    }

    /**
     * The user's text ({@link ToolTurns}' question in the tool loop, else the body), variable {@value #HISTORY},
     * the chat's notes (variable {@value #NOTES}) and the loop's turns so far → JSON request body, with the
     * API's headers.
     */
    public void prepareRequest(Exchange exchange) {
        Message in = exchange.getMessage();
        // a new round: the stream of an earlier round of the tool loop is over (its text is in the turns)
        exchange.removeProperty(StreamedAnswer.PROPERTY);
        ToolTurns turns = ToolTurns.of(exchange);
        String text = turns != null ? turns.question() : in.getBody(String.class);
        @SuppressWarnings("unchecked")
        List<Turn> history = exchange.getVariable(HISTORY, List.class);
        in.setHeader("userTextLength", text == null ? 0 : text.length());
        @SuppressWarnings("unchecked")
        List<Attachment> attachments = exchange.getVariable(ATTACHMENTS, List.class);
        Turn question = new Turn(Turn.Role.USER, text == null ? "" : text, attachments);
        in.setBody(requestBody(history == null ? List.of() : history, question,
                exchange.getVariable(NOTES, String.class), turns == null ? null : turns.now(),
                turns == null ? null : turns.followUp()).toString());
        in.setHeader("x-api-key", apiKey);
        in.setHeader("anthropic-version", API_VERSION);
        if (web.betaHeader() != null) {
            in.setHeader("anthropic-beta", web.betaHeader());
        }
        in.setHeader(Exchange.CONTENT_TYPE, "application/json");
        in.setHeader(Exchange.HTTP_METHOD, "POST");
        in.setHeader(STARTED_AT, System.nanoTime());
    }

    /**
     * The Messages API request: system prompt and earlier turns marked for the prompt cache, then the
     * user's text. The history must alternate user and assistant, starting with user and ending with
     * assistant (the conversation store's window guarantees it).
     */
    public ObjectNode requestBody(List<Turn> history, String text) {
        return requestBody(history, Turn.user(text), null, null, null);
    }

    /**
     * The request of one round: tools (in name order), then the system prompt as blocks (the prompt and the
     * chat's notes, each marked for the cache, then the current time, which changes and so comes last),
     * the earlier turns, the question, and the turns of the tool loop so far ({@code followUp}, its last
     * block marked: the next round reads this round from the cache).
     */
    ObjectNode requestBody(List<Turn> history, Turn question, String notes, String now, ArrayNode followUp) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        body.put("max_tokens", maxTokens);
        if (streaming) {
            body.put("stream", true);
        }
        ArrayNode offered = JSON.createArrayNode();
        JsonNode routeTools = tools.get();
        if (routeTools != null) {
            routeTools.forEach(offered::add);
        }
        web.appendTo(offered);
        if (!offered.isEmpty()) {
            body.set("tools", offered);
        }
        RequestParts.system(body, systemPrompt, notes, now);
        ArrayNode messages = body.putArray("messages");
        for (int i = 0; i < history.size(); i++) {
            // the last earlier turn ends the stable prefix: the next request reads everything up to it from the cache
            RequestParts.turn(messages, history.get(i), i == history.size() - 1);
        }
        RequestParts.turn(messages, question, false);
        RequestParts.followUp(messages, followUp);
        return body;
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
        JsonNode usage = root.path("usage");
        answered(exchange, root.path("content"), root.path("stop_reason").asText(null), root.path("model").asText(model),
                usage.path("input_tokens").asInt(0), usage.path("output_tokens").asInt(0),
                usage.path("cache_creation_input_tokens").asInt(0), usage.path("cache_read_input_tokens").asInt(0),
                usage.path("server_tool_use").path("web_search_requests").asInt(0), latencyMs);
    }

    /**
     * A complete answer (JSON or the end of a stream) → the reply text in the body (its citations as links,
     * {@link CitedText}; the pages cited join the tool loop's sources), with one {@code llm_response} log line,
     * one {@code llm_request} audit entry, the metrics and the usage variables. {@code firstTokenMs}: when the
     * first text arrived (a JSON answer: with everything else). An answer that stopped for {@code tool_use},
     * or paused in a long turn of server tools ({@code pause_turn}), leaves its content to the tool loop.
     */
    void answered(Exchange exchange, JsonNode content, String stopReason, String answeredBy, int inputTokens,
                  int outputTokens, int cacheCreationTokens, int cacheReadTokens, int webSearches, long firstTokenMs) {
        Message in = exchange.getMessage();
        in.removeHeader("x-api-key");
        long latencyNanos = latencyNanos(exchange);
        long latencyMs = latencyNanos < 0 ? -1 : latencyNanos / 1_000_000;
        ToolTurns turns = ToolTurns.of(exchange);
        CitedText.Rendered rendered = CitedText.render(content,
                turns == null ? List.of() : CitedText.assistantContents(turns.followUp()));
        StringBuilder text = new StringBuilder(rendered.text());
        boolean toolUse = ("tool_use".equals(stopReason) || "pause_turn".equals(stopReason)) && content.isArray();
        if (toolUse) {
            // the tool loop runs the tool_use blocks and sends this content back with their results
            exchange.setVariable(ToolTurns.CONTENT, content);
        } else {
            exchange.removeVariable(ToolTurns.CONTENT);
        }
        if ("max_tokens".equals(stopReason)) {
            text.append(CUT_NOTE);
        }
        if (turns != null) {
            turns.addSources(rendered.sources());
        } else if (!rendered.sources().isEmpty()) {
            text.append("\n\n").append(CitedText.sourcesSection(rendered.sources()));
        }
        // a round that calls tools may have no text; so may the last round after text in earlier ones
        if (text.toString().isBlank() && !toolUse && (turns == null || turns.text().isBlank())) {
            text.setLength(0);
            text.append("(Claude gave an empty answer.)");
        }
        LOG.info("llm_response {} {} {} {} {} {} {} {} {}", kv("model", answeredBy), kv("inputTokens", inputTokens),
                kv("outputTokens", outputTokens), kv("cacheCreationInputTokens", cacheCreationTokens),
                kv("cacheReadInputTokens", cacheReadTokens), kv("webSearchRequests", webSearches), kv("stopReason", stopReason),
                kv("latencyMs", latencyMs), kv("timeToFirstTokenMs", firstTokenMs));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("inputTokens", inputTokens);
        meta.put("outputTokens", outputTokens);
        meta.put("cacheCreationInputTokens", cacheCreationTokens);
        meta.put("cacheReadInputTokens", cacheReadTokens);
        meta.put("webSearchRequests", webSearches);
        meta.put("stopReason", stopReason);
        meta.put("latencyMs", latencyMs);
        meta.put("timeToFirstTokenMs", firstTokenMs);
        meta.put("answerLength", text.length());
        audit.action(exchange, "llm_request", meta, AuditEntry.Status.SUCCESS, null, answeredBy);
        metrics.claudeCall(BotMetrics.ClaudeOutcome.OK, latencyNanos);
        metrics.claudeTokens(answeredBy, inputTokens, outputTokens);
        metrics.claudeCacheTokens(answeredBy, cacheCreationTokens, cacheReadTokens);
        exchange.setVariable(ClaudeUsage.VARIABLE,
                new ClaudeUsage(answeredBy, inputTokens, outputTokens, cacheCreationTokens, cacheReadTokens, webSearches));
        exchange.setVariable(INPUT_TOKENS, inputTokens + cacheCreationTokens + cacheReadTokens);
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
