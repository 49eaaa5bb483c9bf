package dev.camelassistant.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/** The Anthropic Messages and Models APIs at the HTTP level, with their documented JSON shapes. */
public final class FakeClaude implements AutoCloseable {

    public static final String MODEL = "claude-sonnet-4-6";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server;
    private final PromptCache cache = new PromptCache();

    public FakeClaude() {
        server = new WireMockServer(wireMockConfig().dynamicPort().containerThreads(64).extensions(new Echo(), cache));
        server.start();
        modelKnown();
    }

    public WireMockServer server() {
        return server;
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    public void modelKnown() {
        server.stubFor(get(urlPathMatching("/v1/models/.*")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"type\":\"model\",\"id\":\"" + MODEL + "\",\"display_name\":\"Claude Sonnet 4.6\","
                          + "\"created_at\":\"2026-02-17T00:00:00Z\"}")));
    }

    /** Every request is answered with this text after the given delay. */
    public void answers(String text, int delayMs) {
        server.stubFor(messages().willReturn(ok(text, "end_turn", delayMs)));
    }

    /** Requests whose body contains {@code fragment} get this answer (higher priority than {@link #answers}). */
    public void answersWhen(String fragment, String text, int delayMs) {
        server.stubFor(messages().withRequestBody(containing(fragment)).atPriority(1)
                .willReturn(ok(text, "end_turn", delayMs)));
    }

    /** Every request is answered with "echo: " + the user's text, after the given delay. */
    public void echoes(int delayMs) {
        server.stubFor(messages().willReturn(aResponse().withFixedDelay(delayMs).withTransformers("fake-claude-echo")));
    }

    /** user text → System.nanoTime() when its request arrived (echo mode; for latency breakdowns). */
    public static final java.util.Map<String, Long> ARRIVED = new java.util.concurrent.ConcurrentHashMap<>();

    private static final class Echo implements com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2 {
        @Override
        public com.github.tomakehurst.wiremock.http.ResponseDefinition transform(
                com.github.tomakehurst.wiremock.stubbing.ServeEvent event) {
            String text;
            try {
                text = lastUserText(JSON.readTree(event.getRequest().getBodyAsString()));
                ARRIVED.put(text, System.nanoTime());
            } catch (Exception e) {
                text = "?";
            }
            var def = ok("echo: " + text, "end_turn", 0).build();
            return com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.like(def)
                    .withFixedDelay(event.getResponseDefinition().getFixedDelayMilliseconds()).build();
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return "fake-claude-echo";
        }
    }

    /** The text of the last message of a request (string content, or its text blocks joined). */
    public static String lastUserText(com.fasterxml.jackson.databind.JsonNode request) {
        var messages = request.path("messages");
        return textOf(messages.get(messages.size() - 1).path("content"));
    }

    /** A message's content as text: the string, or its text blocks joined. */
    public static String textOf(com.fasterxml.jackson.databind.JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder out = new StringBuilder();
        for (var block : content) {
            out.append(block.path("text").asText());
        }
        return out.toString();
    }

    /**
     * Every request is answered with "echo: " + the user's text, padded to {@code answerChars}, and a
     * usage that follows Anthropic's documented prompt caching (see {@link PromptCache}).
     */
    public void cachingEchoes(int answerChars) {
        cache.answerChars = answerChars;
        server.stubFor(messages().willReturn(aResponse().withTransformers(PromptCache.NAME)));
    }

    /** The usage reported for each request answered by {@link #cachingEchoes}, in order. */
    public java.util.List<Usage> usages() {
        return java.util.List.copyOf(cache.usages);
    }

    /** What the fake reported for one request: uncached input, cache writes, cache reads, output. */
    public record Usage(int input, int cacheCreation, int cacheRead, int output) {
        public int totalInput() {
            return input + cacheCreation + cacheRead;
        }
    }

    /**
     * Anthropic's prompt cache as documented, on a fake tokenizer (1 token per 3.5 characters, rounded
     * up, per content block). The request is a sequence of blocks (system blocks, then each message's
     * content blocks); a block with {@code cache_control} is a breakpoint. The longest prefix ending
     * at a block boundary up to the last breakpoint that an earlier request cached is read from the
     * cache; the prefix up to each breakpoint is then written (if it has at least 1,024 tokens, the
     * minimum of Sonnet models), and the rest of the request is uncached input. Cache entries do not
     * expire here (the real ones live 5 minutes after their last use).
     */
    public static final class PromptCache implements com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2 {
        static final String NAME = "fake-claude-cache";
        static final int MIN_CACHEABLE = 1024;

        final java.util.Set<String> cached = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final java.util.List<Usage> usages = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile int answerChars;

        @Override
        public com.github.tomakehurst.wiremock.http.ResponseDefinition transform(
                com.github.tomakehurst.wiremock.stubbing.ServeEvent event) {
            try {
                var request = JSON.readTree(event.getRequest().getBodyAsString());
                Usage cacheUsage = usage(request);
                String text = "echo: " + lastUserText(request);
                StringBuilder answer = new StringBuilder(text);
                while (answer.length() < answerChars) {
                    answer.append(" lorem ipsum dolor sit amet");
                }
                int output = (int) Math.ceil(answer.length() / 3.5);
                Usage usage = new Usage(cacheUsage.input(), cacheUsage.cacheCreation(), cacheUsage.cacheRead(), output);
                usages.add(usage);
                ObjectNode body = JSON.createObjectNode();
                body.put("id", "msg_01FakeFakeFakeFake");
                body.put("type", "message");
                body.put("role", "assistant");
                body.put("model", MODEL);
                body.putArray("content").addObject().put("type", "text").put("text", answer.toString());
                body.put("stop_reason", "end_turn");
                body.putNull("stop_sequence");
                body.putObject("usage").put("input_tokens", usage.input()).put("output_tokens", output)
                        .put("cache_creation_input_tokens", usage.cacheCreation())
                        .put("cache_read_input_tokens", usage.cacheRead());
                return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(body.toString()).build();
            } catch (Exception e) {
                return aResponse().withStatus(400).withBody("{\"type\":\"error\",\"error\":{\"type\":"
                        + "\"invalid_request_error\",\"message\":\"fake could not read the request\"}}").build();
            }
        }

        /** The input side of the usage of one request (output 0), updating the cache as the API would. */
        public Usage usage(com.fasterxml.jackson.databind.JsonNode request) {
            java.util.List<String> keys = new java.util.ArrayList<>();
            java.util.List<Integer> tokens = new java.util.ArrayList<>();
            java.util.List<Boolean> marks = new java.util.ArrayList<>();
            StringBuilder prefix = new StringBuilder();
            var system = request.path("system");
            if (system.isTextual()) {
                add(prefix, keys, tokens, marks, "system", system.asText(), false);
            } else {
                for (var block : system) {
                    add(prefix, keys, tokens, marks, "system", block.path("text").asText(), block.has("cache_control"));
                }
            }
            for (var message : request.path("messages")) {
                String role = message.path("role").asText();
                var content = message.path("content");
                if (content.isTextual()) {
                    add(prefix, keys, tokens, marks, role, content.asText(), false);
                } else {
                    for (var block : content) {
                        add(prefix, keys, tokens, marks, role, block.path("text").asText(), block.has("cache_control"));
                    }
                }
            }
            int[] upTo = new int[tokens.size()];
            int sum = 0;
            for (int i = 0; i < tokens.size(); i++) {
                sum += tokens.get(i);
                upTo[i] = sum;
            }
            int lastMark = marks.lastIndexOf(true);
            int read = 0;
            for (int i = lastMark; i >= 0; i--) {
                if (cached.contains(keys.get(i))) {
                    read = upTo[i];
                    break;
                }
            }
            int written = read;
            for (int i = 0; i <= lastMark; i++) {
                if (marks.get(i) && upTo[i] >= MIN_CACHEABLE) {
                    cached.add(keys.get(i));
                    written = Math.max(written, upTo[i]);
                }
            }
            return new Usage(sum - written, written - read, read, 0);
        }

        private static void add(StringBuilder prefix, java.util.List<String> keys, java.util.List<Integer> tokens,
                                java.util.List<Boolean> marks, String role, String text, boolean mark) {
            prefix.append(role).append('\u0000').append(text).append('\u0001');
            keys.add(prefix.toString());
            tokens.add((int) Math.ceil(text.length() / 3.5));
            marks.add(mark);
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return NAME;
        }
    }

    public void answersCut(String text) {
        server.stubFor(messages().willReturn(ok(text, "max_tokens", 0)));
    }

    /** An error answer as the API documents it: {"type":"error","error":{"type":..., "message":...}}. */
    public void fails(int status, String errorType, String retryAfter) {
        var response = aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withHeader("request-id", "req_011CTestFake")
                .withBody("{\"type\":\"error\",\"error\":{\"type\":\"" + errorType + "\",\"message\":\"" + errorType
                          + " (fake)\"}}");
        if (retryAfter != null) {
            response = response.withHeader("retry-after", retryAfter);
        }
        server.stubFor(messages().willReturn(response));
    }

    public void answersRaw(int status, String body) {
        server.stubFor(messages().willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    private static MappingBuilder messages() {
        return post(urlEqualTo("/v1/messages"));
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder ok(String text, String stopReason, int delayMs) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "msg_01FakeFakeFakeFake");
        body.put("type", "message");
        body.put("role", "assistant");
        body.put("model", MODEL);
        body.putArray("content").addObject().put("type", "text").put("text", text);
        body.put("stop_reason", stopReason);
        body.putNull("stop_sequence");
        body.putObject("usage").put("input_tokens", 21).put("output_tokens", 42);
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withFixedDelay(delayMs).withBody(body.toString());
    }

    public void reset() {
        server.resetAll();
        cache.cached.clear();
        cache.usages.clear();
        modelKnown();
    }

    @Override
    public void close() {
        server.stop();
    }
}
