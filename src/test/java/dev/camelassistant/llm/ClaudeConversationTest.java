package dev.camelassistant.llm;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeTelegram;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The conversation routes with the real camel-http and camel-telegram against WireMock fakes. */
class ClaudeConversationTest extends BotRouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private FakeClaude claude;
    private long nextChat = 50_000;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        p.put("telegram.allowed-chat-ids", String.join(",", chats(50_000, 100)));
        p.put("telegram.chat-interval-ms", "0");
        p.put("telegram.max-messages-per-second", "0");
    }

    private static List<String> chats(long from, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(String.valueOf(from + i));
        }
        return out;
    }

    @BeforeEach
    void resetClaude() {
        claude.reset();
    }


    private long newChat() {
        return nextChat++;
    }

    private List<String> repliesTo(long chat, int atLeast) {
        await().atMost(Duration.ofSeconds(15)).until(() -> telegram.sentTo(chat).size() >= atLeast);
        return telegram.sentTo(chat).stream().map(FakeTelegram.Sent::text).toList();
    }

    @Test
    void aMessageIsAnsweredInTheSameChatWithOnlyTheApiHeadersAndTheDocumentedBody() throws Exception {
        long chat = newChat();
        claude.answers("Paris is the capital of France.", 0);
        telegram.sendText(chat, "What is the capital of France?");

        assertThat(repliesTo(chat, 1)).containsExactly("Paris is the capital of France.");

        List<LoggedRequest> requests = claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages")));
        assertThat(requests).hasSize(1);
        LoggedRequest r = requests.get(0);
        assertThat(r.getHeader("x-api-key")).isEqualTo(API_KEY);
        assertThat(r.getHeader("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(r.getHeader("Content-Type")).startsWith("application/json");
        List<String> sent = r.getHeaders().keys().stream().map(String::toLowerCase).toList();
        assertThat(sent).doesNotContain("correlationid", "chatid", "userid", "camelteleg ramchatid".replace(" ", ""),
                "updatekind", "chatallowed", "messageid");
        assertThat(sent).noneMatch(h -> h.startsWith("camel"));
        JsonNode body = JSON.readTree(r.getBodyAsString());
        assertThat(body.path("model").asText()).isEqualTo(FakeClaude.MODEL);
        assertThat(body.path("max_tokens").asInt()).isEqualTo(4096);
        assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("user");
        assertThat(body.path("messages").get(0).path("content").asText()).isEqualTo("What is the capital of France?");
        assertThat(body.has("temperature")).isFalse();
        assertThat(body.has("top_p")).isFalse();
    }

    @Test
    void theAnswerIsAuditedWithTokensAndLatencyButNotItsText() throws Exception {
        long chat = newChat();
        claude.answers("Secret recipe: flour and water.", 0);
        telegram.sendText(chat, "my private question");
        repliesTo(chat, 1);

        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM audit_trail WHERE action = 'llm_request'"
                                                                 + " AND metadata->>'chatId' = '" + chat + "'") == 1);
        try (Connection c = db.dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT model, status, metadata::text, correlation_id,"
                     + " (SELECT count(*) FROM audit_trail a2 WHERE a2.correlation_id = a.correlation_id AND a2.action = 'message_received')"
                     + " FROM audit_trail a WHERE action = 'llm_request' AND metadata->>'chatId' = '" + chat + "'")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(FakeClaude.MODEL);
            assertThat(rs.getString(2)).isEqualTo("success");
            JsonNode meta = JSON.readTree(rs.getString(3));
            assertThat(meta.path("inputTokens").asInt()).isEqualTo(21);
            assertThat(meta.path("outputTokens").asInt()).isEqualTo(42);
            assertThat(meta.path("stopReason").asText()).isEqualTo("end_turn");
            assertThat(meta.has("latencyMs")).isTrue();
            assertThat(rs.getString(4)).isNotBlank();
            assertThat(rs.getInt(5)).as("message_received shares the correlation id").isEqualTo(1);
        }
        assertThat(db.count("SELECT count(*) FROM audit_trail WHERE metadata::text LIKE '%Secret recipe%'"
                         + " OR metadata::text LIKE '%private question%'")).isZero();
    }

    @Test
    void aCutAnswerSaysSo() {
        long chat = newChat();
        claude.answersCut("The first half of a long story");
        telegram.sendText(chat, "tell me a long story");
        assertThat(repliesTo(chat, 1).get(0)).startsWith("The first half of a long story").endsWith(ClaudeClient.CUT_NOTE.strip() );
    }

    @Test
    void aLongAnswerIsSplitIntoOrderedPartsOfAtMost4096Characters() {
        long chat = newChat();
        StringBuilder answer = new StringBuilder();
        int n = 0;
        while (answer.length() < 10_000) {
            answer.append("Sentence number ").append(n++).append(" of a long answer. ");
            if (n % 20 == 0) {
                answer.append("\n\n");
            }
        }
        String full = answer.toString().strip();
        claude.answers(full, 0);
        telegram.sendText(chat, "write a lot");

        List<String> parts = repliesTo(chat, 3);
        assertThat(parts).hasSize(3).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(4096));
        assertThat(String.join(" ", parts).replaceAll("\\s+", " ")).isEqualTo(full.replaceAll("\\s+", " "));
    }

    @Test
    void eachChatKeepsItsOrderWhileChatsRunInParallel() {
        long slowChat = newChat();
        long fastChat = newChat();
        claude.answersWhen("first-slow", "answer to first", 1500);
        claude.answersWhen("second-fast", "answer to second", 0);
        claude.answersWhen("other-chat", "answer to other chat", 0);

        telegram.sendText(slowChat, "first-slow");
        telegram.sendText(slowChat, "second-fast");
        telegram.sendText(fastChat, "other-chat");

        await().atMost(Duration.ofSeconds(1)).until(() -> !telegram.sentTo(fastChat).isEmpty());
        assertThat(telegram.sentTo(slowChat)).as("the slow chat is still waiting for Claude").isEmpty();
        assertThat(repliesTo(slowChat, 2)).containsExactly("answer to first", "answer to second");
    }

    @Test
    void theChatShowsTypingWhileClaudeThinksAndNotForAQuickAnswer() throws Exception {
        long slow = newChat();
        long quick = newChat();
        claude.answersWhen("think hard", "thought", 1800);
        claude.answersWhen("quick one", "quick", 0);
        telegram.sendText(quick, "quick one");
        telegram.sendText(slow, "think hard");
        assertThat(repliesTo(slow, 1)).containsExactly("thought");
        assertThat(repliesTo(quick, 1)).containsExactly("quick");

        List<JsonNode> actions = new ArrayList<>();
        for (var r : telegram.requests("sendChatAction")) {
            actions.add(JSON.readTree(r.getBodyAsString()));
        }
        assertThat(actions).filteredOn(a -> a.path("chat_id").asLong() == slow)
                .isNotEmpty().allSatisfy(a -> assertThat(a.path("action").asText()).isEqualTo("typing"));
        assertThat(actions).filteredOn(a -> a.path("chat_id").asLong() == quick).isEmpty();
    }

    @Test
    void overloadTellsTheUserToWaitWithAReference() {
        long chat = newChat();
        claude.fails(529, "overloaded_error", null);
        telegram.sendText(chat, "hello?");
        String reply = repliesTo(chat, 1).get(0);
        assertThat(reply).startsWith(ClaudeFailure.UNAVAILABLE).containsPattern("Reference: [0-9a-f]{8}");
        assertThat(reply).doesNotContain("529").doesNotContain("overloaded_error").doesNotContain("Exception");
    }

    @Test
    void serviceUnavailableIsTreatedAsOverload() {
        long chat = newChat();
        claude.fails(503, "api_error", null);
        telegram.sendText(chat, "hello?");
        assertThat(repliesTo(chat, 1).get(0)).startsWith(ClaudeFailure.UNAVAILABLE);
    }

    @Test
    void rateLimitGivesTheWaitFromRetryAfterAndDoesNotAlertTheOwner() {
        long chat = newChat();
        claude.fails(429, "rate_limit_error", "17");
        telegram.sendText(chat, "hello?");
        assertThat(repliesTo(chat, 1).get(0)).contains("try again in 17 seconds");

        // positive control: an unknown model, asked after the 429, does reach the owner
        long other = newChat();
        claude.fails(404, "not_found_error", null);
        telegram.sendText(other, "hello?");
        assertThat(repliesTo(other, 1).get(0)).startsWith(ClaudeFailure.CANNOT_REACH);
        await().atMost(Duration.ofSeconds(10)).until(() -> !adminTexts("does not know the configured model").isEmpty());
        assertThat(adminTexts("does not know the configured model")).containsExactly(
                ClaudeFailure.UNKNOWN_MODEL.alertText("model " + FakeClaude.MODEL + " unknown (HTTP 404 not_found_error)"));
        assertThat(adminTexts("rate limit")).as("a 429 only reaches the user").isEmpty();
    }

    @Test
    void rejectedKeyGivesAPlainCannotReachAndAlertsTheOwnerOncePerCooldown() {
        for (int status : new int[] {401, 403}) {
            long chat = newChat();
            claude.fails(status, status == 401 ? "authentication_error" : "permission_error", null);
            telegram.sendText(chat, "hello?");
            assertThat(repliesTo(chat, 1).get(0)).startsWith(ClaudeFailure.CANNOT_REACH).doesNotContain(API_KEY);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !adminTexts("rejects the API key").isEmpty());
        assertThat(adminTexts("rejects the API key")).hasSize(1)
                .allSatisfy(t -> assertThat(t).contains("ANTHROPIC_API_KEY").doesNotContain(API_KEY));
    }

    private List<String> adminTexts(String containing) {
        return telegram.sentTo(ADMIN_CHAT).stream().map(FakeTelegram.Sent::visible)
                .filter(t -> t.contains(containing)).toList();
    }

    @Test
    void otherFailuresGetAGenericKindReplyAndAnErrorAuditEntryAndTheBotGoesOn() throws Exception {
        long chat = newChat();
        claude.fails(500, "api_error", null);
        telegram.sendText(chat, "one");
        assertThat(repliesTo(chat, 1).get(0)).startsWith(ClaudeFailure.GENERIC);

        claude.answersRaw(200, "<html>not json</html>");
        telegram.sendText(chat, "two");
        assertThat(repliesTo(chat, 2).get(1)).startsWith(ClaudeFailure.GENERIC);

        claude.answers("fine again", 0);
        telegram.sendText(chat, "three");
        assertThat(repliesTo(chat, 3).get(2)).isEqualTo("fine again");

        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM audit_trail WHERE action = 'llm_request'"
                + " AND status = 'error' AND metadata->>'chatId' = '" + chat + "'") == 2);
    }

}
