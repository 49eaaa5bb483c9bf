package dev.camelassistant.llm;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeTelegram;
import dev.camelassistant.telegram.ReplySplitter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Streamed answers (CLAUDE_STREAMING=true, the default) through the real camel-http and camel-telegram:
 * the fake Claude sends server-sent events over time, the fake Bot API records sends and edits with
 * their arrival times. Telegram's limits are on (1 message per second per chat).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClaudeStreamingTest extends BotRouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private FakeClaude claude;
    private long nextChat = 70_000;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        p.put("telegram.allowed-chat-ids", "70000,70001,70002,70003,70004,70005,70006,70007");
        p.put("alert.cooldown-seconds", "300");
    }

    @BeforeEach
    void resetClaude() {
        claude.reset();
    }


    /** {@code words} words in sentences of ten, in paragraphs of five sentences. */
    static String answerOf(int words) {
        StringBuilder out = new StringBuilder();
        for (int i = 1; i <= words; i++) {
            out.append(i % 10 == 1 ? "Word" : "word").append(i);
            if (i == words) {
                out.append('.');
            } else if (i % 50 == 0) {
                out.append(".\n\n");
            } else {
                out.append(i % 10 == 0 ? ". " : " ");
            }
        }
        return out.toString();
    }

    private static String visible(List<FakeTelegram.Sent> messages) {
        return messages.stream().map(FakeTelegram.Sent::visible).collect(Collectors.joining("\n\n"));
    }

    @Test
    void aStreamedAnswerAppearsWithinASecondAndAHalfAndIsEditedAtMostOncePerSecondIntoTheFullText() throws Exception {
        long chat = nextChat++;
        String answer = answerOf(400);
        claude.streams(answer, 20, 500, 10_000);
        long update = telegram.sendText(chat, "write 400 words");

        await().atMost(Duration.ofSeconds(5)).until(() -> !telegram.receivedAt(chat).isEmpty());
        long firstMs = (telegram.receivedAt(chat).get(0) - telegram.handedOutAt(update)) / 1_000_000;
        // the goal is 1.5 s (StreamingBenchmark measures it: about 1.0 s here); the test leaves room for a
        // loaded CI machine and still fails when the text waits for the whole answer (10 s)
        assertThat(firstMs).as("first text after %d ms", firstMs).isLessThanOrEqualTo(2500);
        assertThat(telegram.sentTo(chat)).hasSize(1);

        await().atMost(Duration.ofSeconds(20)).until(() -> visible(telegram.sentTo(chat)).equals(answer));
        assertThat(telegram.sentTo(chat)).hasSize(1);
        assertThat(telegram.sentTo(chat).get(0).text()).isEqualTo(new ReplySplitter().htmlParts(answer).get(0));
        List<FakeTelegram.Edit> edits = telegram.editsTo(chat);
        assertThat(edits).hasSizeGreaterThanOrEqualTo(5);
        long previous = telegram.receivedAt(chat).get(0);
        for (FakeTelegram.Edit e : edits) {
            assertThat((e.atNanos() - previous) / 1_000_000).as("ms between two updates of the chat").isGreaterThanOrEqualTo(1000);
            previous = e.atNanos();
        }
        assertThat(telegram.notModified()).as("no edit repeats the text").isZero();

        // one audit entry with the final usage and the time to the first token
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM audit_trail WHERE action = 'llm_request'"
                                                                 + " AND metadata->>'chatId' = '" + chat + "'") == 1);
        try (Connection c = db.dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT metadata::text FROM audit_trail"
                     + " WHERE action = 'llm_request' AND metadata->>'chatId' = '" + chat + "'")) {
            rs.next();
            JsonNode meta = JSON.readTree(rs.getString(1));
            assertThat(meta.path("inputTokens").asInt()).isEqualTo(21);
            assertThat(meta.path("outputTokens").asInt()).isEqualTo(42);
            assertThat(meta.path("stopReason").asText()).isEqualTo("end_turn");
            assertThat(meta.path("timeToFirstTokenMs").asLong()).isBetween(400L, 2500L);
            assertThat(meta.path("latencyMs").asLong()).isGreaterThanOrEqualTo(9000L);
        }
        JsonNode request = JSON.readTree(claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages"))).get(0).getBodyAsString());
        assertThat(request.path("stream").asBoolean()).isTrue();
    }

    @Test
    void anAnswerLongerThan4096CharactersContinuesInASecondMessage() {
        long chat = nextChat++;
        String answer = answerOf(1200);
        assertThat(answer.length()).isGreaterThan(ReplySplitter.LIMIT);
        claude.streams(answer, 12, 200, 3000);
        telegram.sendText(chat, "write 1200 words");

        List<String> expected = new ReplySplitter().htmlParts(answer);
        assertThat(expected).hasSize(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> telegram.sentTo(chat).stream().map(FakeTelegram.Sent::text)
                .toList().equals(expected));
        assertThat(telegram.sentTo(chat)).allSatisfy(s -> assertThat(s.visible().length()).isLessThanOrEqualTo(ReplySplitter.LIMIT));
    }

    @Test
    @Order(1) // the first Claude alert of this context (later ones fall in the alert cooldown)
    void anErrorEventKeepsThePartialTextAndAddsTheKindReplyAndAlertsTheOwner() {
        long chat = nextChat++;
        String answer = answerOf(200);
        claude.streamFails(answer, 20, 4, "overloaded_error", 1000);
        telegram.sendText(chat, "this will break");

        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.sentTo(chat).stream()
                .anyMatch(s -> s.visible().contains(ClaudeFailure.UNAVAILABLE)));
        String shown = visible(telegram.sentTo(chat));
        String partial = String.join("", FakeClaude.pieces(answer, 20).subList(0, 4)).strip();
        assertThat(shown).startsWith(partial).contains(ClaudeFailure.UNAVAILABLE).containsPattern("Reference: [0-9a-f]{8}");
        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.sentTo(ADMIN_CHAT).stream()
                .anyMatch(s -> s.visible().contains("Claude is unavailable")));
        assertThat(telegram.sentTo(ADMIN_CHAT).stream().filter(s -> s.visible().contains("Claude is unavailable")))
                .first().satisfies(s -> assertThat(s.visible()).contains("overloaded_error"));
    }

    @Test
    @Order(2)
    void aBrokenStreamKeepsThePartialTextAndSaysClaudeIsUnavailable() {
        long chat = nextChat++;
        String answer = answerOf(100);
        claude.streamBreaks(answer, 10, 5);
        telegram.sendText(chat, "this will break off");

        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.sentTo(chat).stream()
                .anyMatch(s -> s.visible().contains(ClaudeFailure.UNAVAILABLE)));
        String partial = String.join("", FakeClaude.pieces(answer, 10).subList(0, 5)).strip();
        assertThat(visible(telegram.sentTo(chat))).startsWith(partial);
    }

    /**
     * Telegram's servers fetch the first link of a message to draw its preview: an answer steered into
     * carrying a link would leak the chat without a click. Every sendMessage and editMessageText of an
     * answer says link_preview_options.is_disabled (the link itself arrives: the control).
     */
    @Test
    void anAnswerWithALinkIsSentAndEditedWithLinkPreviewsDisabled() throws Exception {
        long chat = nextChat++;
        String answer = answerOf(120) + " See [the source](https://evil.example/?d=summary) for more.";
        claude.streams(answer, 12, 200, 2_500);
        telegram.sendText(chat, "summarise this");

        await().atMost(Duration.ofSeconds(20)).until(() -> visible(telegram.sentTo(chat)).endsWith("for more."));
        assertThat(telegram.sentTo(chat)).first().satisfies(s -> assertThat(s.text()).contains("https://evil.example/?d=summary"));
        assertThat(telegram.editsTo(chat)).as("the answer was streamed: sent, then edited").isNotEmpty();
        for (String method : List.of("sendMessage", "editMessageText")) {
            List<JsonNode> toChat = new java.util.ArrayList<>();
            for (var r : telegram.requests(method)) {
                JsonNode body = JSON.readTree(r.getBodyAsString());
                if (body.path("chat_id").asText().equals(String.valueOf(chat))) {
                    toChat.add(body);
                }
            }
            assertThat(toChat).as(method).isNotEmpty().allSatisfy(body -> {
                assertThat(body.path("link_preview_options").path("is_disabled").asBoolean()).isTrue();
                assertThat(body.has("disable_web_page_preview")).as("the older field is not sent beside it").isFalse();
            });
        }
    }

}
