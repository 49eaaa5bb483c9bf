package dev.camelassistant.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One server-sent event at a time, as Anthropic documents the Messages API stream. */
class ClaudeStreamTest {

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data;
    }

    @Test
    void aCompleteStreamGivesTheTextUsageAndStopReason() {
        StreamedAnswer a = new StreamedAnswer(System.nanoTime());
        ClaudeStream.apply(a, event("message_start", "{\"type\":\"message_start\",\"message\":{\"model\":\"claude-x\","
                + "\"usage\":{\"input_tokens\":25,\"output_tokens\":1,\"cache_creation_input_tokens\":7,\"cache_read_input_tokens\":900}}}"));
        ClaudeStream.apply(a, event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        ClaudeStream.apply(a, event("ping", "{\"type\": \"ping\"}"));
        assertThat(a.firstTextNanos()).isZero();
        ClaudeStream.apply(a, event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}"));
        assertThat(a.firstTextNanos()).isPositive();
        ClaudeStream.apply(a, event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" wörld 🌍\"}}"));
        ClaudeStream.apply(a, event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        ClaudeStream.apply(a, event("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        ClaudeStream.apply(a, event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Second.\"}}"));
        assertThat(a.stopped()).isFalse();
        ClaudeStream.apply(a, event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}"));
        ClaudeStream.apply(a, event("some_future_event", "{\"type\":\"some_future_event\"}"));
        ClaudeStream.apply(a, event("message_stop", "{\"type\":\"message_stop\"}"));

        // text blocks that follow each other are one text (an answer with citations comes in many blocks)
        assertThat(a.text()).isEqualTo("Hello wörld 🌍Second.");
        assertThat(a.model).isEqualTo("claude-x");
        assertThat(a.inputTokens).isEqualTo(25);
        assertThat(a.outputTokens).isEqualTo(15);
        assertThat(a.cacheCreationTokens).isEqualTo(7);
        assertThat(a.cacheReadTokens).isEqualTo(900);
        assertThat(a.stopReason).isEqualTo("max_tokens");
        assertThat(a.stopped()).isTrue();
    }

    @Test
    void serverToolBlocksAreKeptWholeCitationsJoinTheirBlockAndSearchesAreCounted() {
        StreamedAnswer a = new StreamedAnswer(System.nanoTime());
        ClaudeStream.apply(a, event("message_start", "{\"type\":\"message_start\",\"message\":{\"model\":\"claude-x\","
                + "\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}"));
        ClaudeStream.apply(a, event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        ClaudeStream.apply(a, event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Let me look.\"}}"));
        ClaudeStream.apply(a, event("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
                + "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{}}}"));
        assertThat(a.shown()).isEqualTo("Let me look.\n\n" + WebTools.SEARCHING);
        assertThat(a.text()).as("the status is not the answer's text").isEqualTo("Let me look.");
        ClaudeStream.apply(a, event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":"
                + "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"query\\\": \\\"weather\"}}"));
        ClaudeStream.apply(a, event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":"
                + "{\"type\":\"input_json_delta\",\"partial_json\":\" paris\\\"}\"}}"));
        ClaudeStream.apply(a, event("content_block_start", "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":"
                + "{\"type\":\"web_search_tool_result\",\"tool_use_id\":\"srvtoolu_1\",\"content\":[{\"type\":\"web_search_result\","
                + "\"url\":\"https://w.example/paris\",\"title\":\"Paris\",\"encrypted_content\":\"EqgfCioIARgBIiQ\"}]}}"));
        ClaudeStream.apply(a, event("content_block_start", "{\"type\":\"content_block_start\",\"index\":3,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        assertThat(a.shown()).as("the status goes when text comes").isEqualTo("Let me look.");
        ClaudeStream.apply(a, event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":3,\"delta\":{\"type\":\"citations_delta\","
                + "\"citation\":{\"type\":\"web_search_result_location\",\"url\":\"https://w.example/paris\",\"title\":\"Paris\","
                + "\"encrypted_index\":\"Eo8B\",\"cited_text\":\"Sunny\"}}}"));
        ClaudeStream.apply(a, event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":3,\"delta\":{\"type\":\"text_delta\",\"text\":\"It is sunny.\"}}"));
        ClaudeStream.apply(a, event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                + "\"usage\":{\"output_tokens\":30,\"server_tool_use\":{\"web_search_requests\":1}}}"));
        ClaudeStream.apply(a, event("message_stop", "{\"type\":\"message_stop\"}"));

        assertThat(a.text()).isEqualTo("Let me look.\n\nIt is sunny.");
        assertThat(a.webSearches).isEqualTo(1);
        JsonNode content = a.content(new ObjectMapper());
        assertThat(content).hasSize(4);
        assertThat(content.get(1).toString()).isEqualTo("{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\","
                + "\"input\":{\"query\":\"weather paris\"}}");
        assertThat(content.get(2).path("content").get(0).path("encrypted_content").asText()).isEqualTo("EqgfCioIARgBIiQ");
        assertThat(content.get(3).path("text").asText()).isEqualTo("It is sunny.");
        assertThat(content.get(3).path("citations").get(0).path("url").asText()).isEqualTo("https://w.example/paris");
    }

    @Test
    void anErrorEventFailsWithItsKind() {
        StreamedAnswer a = new StreamedAnswer(System.nanoTime());
        assertThatThrownBy(() -> ClaudeStream.apply(a, event("error",
                "{\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}")))
                .isInstanceOfSatisfying(ClaudeStreamException.class, e -> {
                    assertThat(e.kind()).isEqualTo("overloaded");
                    assertThat(e.getMessage()).isEqualTo("stream error event overloaded_error");
                });
        assertThat(ClaudeFailure.ofErrorType("rate_limit_error").kind()).isEqualTo("rate_limited");
        assertThat(ClaudeFailure.ofErrorType("authentication_error").kind()).isEqualTo("rejected_key");
        assertThat(ClaudeFailure.ofErrorType("permission_error").kind()).isEqualTo("rejected_key");
        assertThat(ClaudeFailure.ofErrorType("not_found_error").kind()).isEqualTo("unknown_model");
        assertThat(ClaudeFailure.ofErrorType("api_error").kind()).isEqualTo("other");
        assertThat(ClaudeFailure.ofErrorType(null)).isEqualTo(ClaudeFailure.OTHER);
    }

    @Test
    void aFailedConnectionIsUnavailableOnlyInTheMiddleOfAStream() {
        ClaudeStream stream = new ClaudeStream(new ClaudeClient("key", "m", 100, "", null, null, true));
        org.apache.camel.Exchange e = new org.apache.camel.support.DefaultExchange(new org.apache.camel.impl.DefaultCamelContext());
        e.setProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT,
                new org.apache.camel.RuntimeCamelException("Scanner aborted", new java.net.SocketException("Connection reset")));
        assertThat(stream.failureKind(e)).as("before the stream began").isEqualTo("other");
        stream.begin(e);
        assertThat(stream.failureKind(e)).isEqualTo("overloaded");
        e.setProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, new ClaudeResponseException("a stream event is not JSON"));
        assertThat(stream.failureKind(e)).isEqualTo("other");
        e.setProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, new org.apache.camel.CamelExchangeException("Multicast processing failed",
                e, new ClaudeStreamException("rate_limited", "stream error event rate_limit_error")));
        assertThat(stream.failureKind(e)).isEqualTo("rate_limited");
    }

    @Test
    void dataLinesAreJoinedAndOtherLinesIgnored() {
        assertThat(ClaudeStream.data(": a comment\nevent: x\ndata: {\"a\":\ndata:1}\nid: 7")).isEqualTo("{\"a\":\n1}");
        assertThat(ClaudeStream.data("event: x\r\ndata:{}\r\n")).isEqualTo("{}");
        assertThat(ClaudeStream.data(": only a comment")).isNull();
        StreamedAnswer a = new StreamedAnswer(System.nanoTime());
        ClaudeStream.apply(a, ": keep-alive");
        ClaudeStream.apply(a, "");
        assertThat(a.text()).isEmpty();
        assertThatThrownBy(() -> ClaudeStream.apply(a, "data: not json")).isInstanceOf(ClaudeResponseException.class);
    }
}
