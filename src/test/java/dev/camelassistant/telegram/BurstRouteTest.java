package dev.camelassistant.telegram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeTelegram;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bursts through the real routes (camel-telegram and camel-http against the fakes, PostgreSQL): the
 * messages a chat sends while its first is with Claude are answered as one turn, each of them marked
 * answered in the inbox by that one answer, and the conversation keeps the combined question once.
 */
class BurstRouteTest extends BotRouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private FakeClaude claude;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        p.put("claude.streaming", "false");
        p.put("telegram.chat-interval-ms", "0");
    }

    private static List<String> texts(List<FakeTelegram.Sent> sent) {
        return sent.stream().map(FakeTelegram.Sent::visible).toList();
    }

    /** The requests Claude received whose last user message mentions the fragment, in arrival order. */
    private List<JsonNode> requestsAbout(String fragment) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (var r : claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages")))) {
            JsonNode body = JSON.readTree(r.getBodyAsString());
            if (FakeClaude.lastUserText(body).contains(fragment)) {
                out.add(body);
            }
        }
        return out;
    }

    @Test
    void fiveMessagesSentWithinASecondAreAnsweredByAtMostTwoCallsEachMarkedAnsweredAndAnotherChatIsNotHeldUp() throws Exception {
        claude.echoes(2000);
        List<String> burst = List.of("burst hi", "burst can you check", "burst this letter", "burst please", "burst thanks");
        for (String text : burst) {
            telegram.sendText(FRIEND_CHAT, text);
        }
        telegram.sendText(ADMIN_CHAT, "owner meanwhile");

        // positive control: the owner's message, sent after the burst, is answered before the burst's second answer
        await().atMost(Duration.ofSeconds(15)).until(() -> texts(telegram.sentTo(ADMIN_CHAT)).contains("echo: owner meanwhile"));
        assertThat(texts(telegram.sentTo(FRIEND_CHAT)).stream().filter(t -> t.startsWith("echo:")).count())
                .as("the owner did not wait for the friend's burst").isLessThan(2);

        await().atMost(Duration.ofSeconds(20)).until(() -> String.join("\n\n", texts(telegram.sentTo(FRIEND_CHAT)))
                .contains("burst thanks"));
        List<JsonNode> calls = requestsAbout("burst");
        assertThat(calls).as("Claude calls for the five messages").hasSizeLessThanOrEqualTo(2);
        assertThat(FakeClaude.lastUserText(calls.get(0))).isEqualTo("burst hi");
        assertThat(FakeClaude.lastUserText(calls.get(calls.size() - 1)))
                .isEqualTo("burst can you check\n\nburst this letter\n\nburst please\n\nburst thanks");
        assertThat(texts(telegram.sentTo(FRIEND_CHAT))).containsExactly("echo: burst hi",
                "echo: burst can you check\n\nburst this letter\n\nburst please\n\nburst thanks");

        // every one of the five is marked answered (in the transaction that stored its answer), their texts erased
        await().atMost(Duration.ofSeconds(5)).until(() -> db.count("SELECT count(*) FROM telegram_inbox WHERE chat_id = "
                + FRIEND_CHAT + " AND state = 'answered' AND payload IS NULL") == 5);
        assertThat(db.count("SELECT count(*) FROM telegram_inbox WHERE chat_id = " + FRIEND_CHAT)).isEqualTo(5);

        // audited with the count and ids, never the texts
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM audit_trail WHERE action = 'burst_combined'"
                + " AND metadata->>'chatId' = '" + FRIEND_CHAT + "' AND (metadata->>'messagesCombined')::int = 4"
                + " AND jsonb_array_length(metadata->'messageIds') = 4") == 1);
        assertThat(db.count("SELECT count(*) FROM audit_trail WHERE metadata::text LIKE '%burst%'")).isZero();

        // the conversation kept the combined question once: the next question carries it as one user turn
        claude.echoes(0);
        telegram.sendText(FRIEND_CHAT, "after the burst");
        await().atMost(Duration.ofSeconds(10)).until(() -> texts(telegram.sentTo(FRIEND_CHAT)).contains("echo: after the burst"));
        JsonNode next = requestsAbout("after the burst").get(0).path("messages");
        List<String> userTurns = new ArrayList<>();
        for (JsonNode m : next) {
            if (m.path("role").asText().equals("user")) {
                userTurns.add(FakeClaude.textOf(m.path("content")));
            }
        }
        assertThat(userTurns).containsExactly("burst hi",
                "burst can you check\n\nburst this letter\n\nburst please\n\nburst thanks", "after the burst");
    }
}
