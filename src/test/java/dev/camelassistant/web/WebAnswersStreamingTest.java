package dev.camelassistant.web;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WebAnswersTest} with CLAUDE_STREAMING=true: the answers come as server-sent events (a
 * server_tool_use's input as input_json_delta pieces, results whole, citations as citations_delta); the
 * replies and requests must be the same, and while the search runs the chat shows it.
 */
class WebAnswersStreamingTest extends WebAnswersTest {

    @Override
    String streaming() {
        return "true";
    }

    @Override
    void assertSearchShown(long chat) throws Exception {
        // every text the chat was shown: the messages as sent, then each edit
        List<String> shown = new ArrayList<>();
        for (String method : List.of("sendMessage", "editMessageText")) {
            for (var r : telegram.requests(method)) {
                JsonNode body = JSON.readTree(r.getBodyAsString());
                if (body.path("chat_id").asLong() == chat) {
                    shown.add(body.path("text").asText());
                }
            }
        }
        assertThat(shown).as("a live update showed the search after the text so far")
                .contains("Let me check.\n\n<i>Searching the web…</i>");
        // the control: the final text has no status
        assertThat(telegram.sentTo(chat).get(telegram.sentTo(chat).size() - 1).text()).contains("Sources:").doesNotContain("Searching");
    }
}
