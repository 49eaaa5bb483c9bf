package dev.camelassistant.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The fake answers every kind of stub as server-sent events when the request asks for a stream. */
class FakeClaudeStreamTest {

    private static HttpResponse<String> post(FakeClaude claude, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(claude.baseUrl() + "/v1/messages"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyStubAnswersAStreamWhenAsked() throws Exception {
        String stream = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String plain = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        try (FakeClaude claude = new FakeClaude()) {
            claude.answers("plain answer", 0);
            assertThat(post(claude, plain).body()).startsWith("{").contains("plain answer");
            HttpResponse<String> sse = post(claude, stream);
            assertThat(sse.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
            assertThat(sse.body()).startsWith("event: message_start").contains("\"text\":\"plain answer\"").endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");

            claude.echoes(0);
            assertThat(post(claude, stream).body()).contains("echo: hi").contains("message_stop");
            claude.cachingEchoes(10);
            assertThat(post(claude, stream).body()).contains("echo: hi").contains("message_stop");
            claude.fails(529, "overloaded_error", null);
            assertThat(post(claude, stream).statusCode()).isEqualTo(529);
        }
    }

    @Test
    void piecesCutAtSpacesAndRejoinToTheText() {
        String text = "one two three four five six seven eight nine ten";
        assertThat(FakeClaude.pieces(text, 4)).hasSize(4);
        assertThat(String.join("", FakeClaude.pieces(text, 4))).isEqualTo(text);
    }
}
