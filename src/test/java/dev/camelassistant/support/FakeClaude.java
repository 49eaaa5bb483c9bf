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

    public FakeClaude() {
        server = new WireMockServer(wireMockConfig().dynamicPort().containerThreads(64).extensions(new Echo()));
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
                text = JSON.readTree(event.getRequest().getBodyAsString()).path("messages").get(0).path("content").asText();
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
        modelKnown();
    }

    @Override
    public void close() {
        server.stop();
    }
}
