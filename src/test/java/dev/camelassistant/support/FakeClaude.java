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

    static {
        // The JDK HttpServer of the front below writes a response's headers (flushed by
        // sendResponseHeaders) and its body in two writes, and by default leaves Nagle's algorithm on
        // for the connections it accepts: the body then waits in the kernel until the client ACKs the
        // headers, and a client with nothing to send delays that ACK (40 ms on Linux). Every answer of
        // the fake took 40-50 ms that way. This property (read once per JVM, when the first HttpServer
        // is created) sets TCP_NODELAY on accepted connections; the test plugins in pom.xml set it too,
        // in case another HttpServer was created first in the same JVM.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final WireMockServer server;
    private final PromptCache cache = new PromptCache();
    private final com.sun.net.httpserver.HttpServer front;
    private final java.net.http.HttpClient forward = java.net.http.HttpClient.newHttpClient();
    /** The scripted stream that answers requests with "stream": true (null: WireMock answers). */
    private volatile Script script;

    /** A stream served with exact timing: each unit is written and flushed at its time after the request. */
    private record Script(java.util.List<String> units, int firstMs, int totalMs) {
    }

    public FakeClaude() {
        server = new WireMockServer(wireMockConfig().dynamicPort().containerThreads(64)
                .gzipDisabled(true).extensions(new Echo(), cache, new StreamWhenAsked()));
        server.start();
        modelKnown();
        try {
            front = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 64);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        front.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-claude-front");
            t.setDaemon(true);
            return t;
        }));
        front.createContext("/", this::serve);
        front.start();
    }

    public WireMockServer server() {
        return server;
    }

    /**
     * The API's base URL: a small front that passes every request to WireMock (which records and answers
     * it) and, for a streaming request while a stream is scripted ({@link #streams}), writes the scripted
     * events itself at their times (WireMock's chunked dribble cannot time events and, here, broke the
     * chunked encoding).
     */
    public String baseUrl() {
        return "http://127.0.0.1:" + front.getAddress().getPort();
    }

    private void serve(com.sun.net.httpserver.HttpExchange exchange) throws java.io.IOException {
        long arrived = System.nanoTime();
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl() + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!java.util.Set.of("host", "content-length", "connection", "transfer-encoding", "upgrade", "expect")
                        .contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            Script s = script;
            boolean scripted = s != null && exchange.getRequestURI().getPath().equals("/v1/messages")
                               && new String(body, java.nio.charset.StandardCharsets.UTF_8).contains("\"stream\":true");
            if (!scripted) {
                java.net.http.HttpResponse<byte[]> answer;
                try {
                    answer = forward.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                answer.headers().map().forEach((name, values) -> {
                    if (!java.util.Set.of("content-length", "transfer-encoding", "connection", ":status")
                            .contains(name.toLowerCase(java.util.Locale.ROOT))) {
                        exchange.getResponseHeaders().put(name, values);
                    }
                });
                exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
                exchange.getResponseBody().write(answer.body());
                return;
            }
            // WireMock still sees (and records) the request; its answer is not waited for
            forward.sendAsync(request.build(), java.net.http.HttpResponse.BodyHandlers.discarding());
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
            int n = s.units().size();
            for (int i = 0; i < n; i++) {
                long at = s.firstMs() + (n == 1 ? 0 : (long) (s.totalMs() - s.firstMs()) * i / (n - 1));
                long wait = at - (System.nanoTime() - arrived) / 1_000_000;
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                if (i == 0) {
                    exchange.sendResponseHeaders(200, 0);
                }
                exchange.getResponseBody().write(s.units().get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                exchange.getResponseBody().flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

    /** Every request, streaming or not, is answered with one JSON body after the delay (a server that does not stream). */
    public void answersWhole(String text, int delayMs) {
        server.stubFor(messages().willReturn(ok(text, "end_turn", delayMs).withHeader(NO_STREAM, "true")));
    }

    /** A response header that keeps {@link StreamWhenAsked} from turning a JSON answer into events. */
    static final String NO_STREAM = "X-Fake-No-Stream";

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

    /**
     * Every request is answered with {@code text} in {@code deltas} text deltas: as server-sent events when
     * the request asks for a stream (the first bytes after {@code firstTokenMs}, the rest dribbled in
     * {@code deltas} chunks until {@code totalMs}), else as one JSON answer after {@code totalMs}.
     */
    public void streams(String text, int deltas, int firstTokenMs, int totalMs) {
        script = new Script(sseUnits(answer(text, "end_turn"), deltas, -1, null), firstTokenMs, totalMs);
        server.stubFor(messages().willReturn(ok(text, "end_turn", totalMs)));
    }

    /** A stream of {@code text} in {@code deltas} deltas that ends with an {@code error} event after {@code failAfter} deltas. */
    public void streamFails(String text, int deltas, int failAfter, String errorType, int totalMs) {
        script = new Script(sseUnits(answer(text, "end_turn"), deltas, failAfter, errorType), 0, totalMs);
    }

    /** A stream of {@code text} that stops after {@code failAfter} of {@code deltas} deltas, without message_stop. */
    public void streamBreaks(String text, int deltas, int failAfter) {
        script = new Script(sseUnits(answer(text, "end_turn"), deltas, failAfter, null), 0, 0);
    }

    /**
     * A Messages API answer as server-sent events, in the documented order: message_start (usage with
     * the input and cache tokens), content_block_start, a ping, the text in {@code deltas} text_delta
     * events cut at word boundaries, content_block_stop, message_delta (stop reason, output tokens),
     * message_stop. With {@code failAfter >= 0} the stream ends after that many deltas: with an error
     * event of type {@code errorType}, or (null) without one, as a broken connection would.
     */
    public static String sse(com.fasterxml.jackson.databind.JsonNode answer, int deltas, int failAfter, String errorType) {
        return String.join("", sseUnits(answer, deltas, failAfter, errorType));
    }

    /**
     * The events of {@link #sse} in units, one per text delta: the first unit also carries the events
     * before the first delta, the last one those after the last delta (or the error event).
     */
    static java.util.List<String> sseUnits(com.fasterxml.jackson.databind.JsonNode answer, int deltas, int failAfter,
                                           String errorType) {
        java.util.List<String> units = new java.util.ArrayList<>();
        StringBuilder out = new StringBuilder();
        ObjectNode start = JSON.createObjectNode().put("type", "message_start");
        ObjectNode message = start.putObject("message");
        message.put("id", answer.path("id").asText("msg_01FakeFakeFakeFake")).put("type", "message").put("role", "assistant");
        message.put("model", answer.path("model").asText(MODEL));
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        ObjectNode usage = answer.path("usage").deepCopy();
        int output = usage.path("output_tokens").asInt(0);
        usage.put("output_tokens", 1);
        message.set("usage", usage);
        event(out, "message_start", start);
        String text = textOf(answer.path("content"));
        event(out, "content_block_start", JSON.createObjectNode().put("type", "content_block_start").put("index", 0)
                .set("content_block", JSON.createObjectNode().put("type", "text").put("text", "")));
        event(out, "ping", JSON.createObjectNode().put("type", "ping"));
        java.util.List<String> pieces = pieces(text, deltas);
        for (int i = 0; i < pieces.size(); i++) {
            if (i == failAfter) {
                if (errorType != null) {
                    event(out, "error", JSON.createObjectNode().put("type", "error").set("error",
                            JSON.createObjectNode().put("type", errorType).put("message", errorType + " (fake)")));
                }
                units.add(out.toString());
                return units;
            }
            ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
            delta.putObject("delta").put("type", "text_delta").put("text", pieces.get(i));
            event(out, "content_block_delta", delta);
            if (i < pieces.size() - 1) {
                units.add(out.toString());
                out.setLength(0);
            }
        }
        event(out, "content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", 0));
        ObjectNode end = JSON.createObjectNode().put("type", "message_delta");
        end.putObject("delta").put("stop_reason", answer.path("stop_reason").asText("end_turn")).putNull("stop_sequence");
        end.putObject("usage").put("output_tokens", output);
        event(out, "message_delta", end);
        event(out, "message_stop", JSON.createObjectNode().put("type", "message_stop"));
        units.add(out.toString());
        return units;
    }

    private static void event(StringBuilder out, String name, ObjectNode data) {
        out.append("event: ").append(name).append('\n').append("data: ").append(data).append("\n\n");
    }

    /** {@code text} in about {@code n} pieces, cut after a space (their concatenation is the text). */
    public static java.util.List<String> pieces(String text, int n) {
        java.util.List<String> out = new java.util.ArrayList<>();
        int size = Math.max(1, (int) Math.ceil(text.length() / (double) Math.max(1, n)));
        int from = 0;
        while (from < text.length()) {
            int to = Math.min(text.length(), from + size);
            int space = text.indexOf(' ', to);
            to = out.size() == n - 1 || space < 0 ? text.length() : space + 1;
            out.add(text.substring(from, to));
            from = to;
        }
        return out;
    }

    /** The JSON answer of {@link #ok}, as a tree. */
    static com.fasterxml.jackson.databind.JsonNode answer(String text, String stopReason) {
        try {
            return JSON.readTree(ok(text, stopReason, 0).build().getBody());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The API's answer to a request with {@code "stream": true}: every JSON answer of the stubs above
     * (status 200 with a content array) is sent as server-sent events instead, its text in one delta.
     */
    private static final class StreamWhenAsked implements com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2 {
        @Override
        public com.github.tomakehurst.wiremock.http.ResponseDefinition transform(
                com.github.tomakehurst.wiremock.stubbing.ServeEvent event) {
            var def = event.getResponseDefinition();
            try {
                if (!event.getRequest().getUrl().startsWith("/v1/messages") || def.getStatus() != 200 || def.getBody() == null
                    || def.getHeaders() != null && def.getHeaders().getHeader(NO_STREAM).isPresent()
                    || !JSON.readTree(event.getRequest().getBodyAsString()).path("stream").asBoolean(false)) {
                    return def;
                }
                var answer = JSON.readTree(def.getBody());
                if (!answer.path("content").isArray()) {
                    return def;
                }
                return com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.like(def)
                        .withHeaders(new com.github.tomakehurst.wiremock.http.HttpHeaders(
                                com.github.tomakehurst.wiremock.http.HttpHeader.httpHeader("Content-Type",
                                        "text/event-stream; charset=utf-8")))
                        .withBody(FakeClaudeTools.hasToolUse(answer) ? FakeClaudeTools.sse(answer) : sse(answer, 1, -1, null)).build();
            } catch (Exception e) {
                return def;
            }
        }

        @Override
        public boolean applyGlobally() {
            return true;
        }

        @Override
        public String getName() {
            return "fake-claude-stream-when-asked";
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
        script = null;
        server.resetAll();
        cache.cached.clear();
        cache.usages.clear();
        modelKnown();
    }

    @Override
    public void close() {
        front.stop(0);
        server.stop();
    }
}
