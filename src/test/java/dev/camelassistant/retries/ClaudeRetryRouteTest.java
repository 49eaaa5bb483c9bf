package dev.camelassistant.retries;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelassistant.llm.ClaudeFailure;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeTelegram;
import dev.camelassistant.support.Sql;
import dev.camelassistant.telegram.Commands;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The promise kept, through the real routes (camel-telegram and camel-http against WireMock fakes,
 * PostgreSQL): a chat told "Claude is temporarily unavailable" gets, once Claude answers again, the "back"
 * line and the answer to the same question, once; /new drops it; an old question gets only the line.
 * Claude is back when another chat's message is answered.
 */
class ClaudeRetryRouteTest extends BotRouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private FakeClaude claude;
    private long nextChat = 90_000;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        List<String> chats = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            chats.add(String.valueOf(90_000 + i));
        }
        p.put("telegram.allowed-chat-ids", String.join(",", chats));
        p.put("telegram.chat-interval-ms", "0");
        p.put("telegram.max-messages-per-second", "0");
    }

    @BeforeEach
    void overloaded() {
        claude.reset();
        claude.fails(529, "overloaded_error", null);
    }

    private long newChat() {
        return nextChat++;
    }

    /** What the chat shows, once it has at least {@code atLeast} messages. */
    private List<String> shown(long chat, int atLeast) {
        await().atMost(Duration.ofSeconds(15)).until(() -> telegram.sentTo(chat).size() >= atLeast);
        return telegram.sentTo(chat).stream().map(FakeTelegram.Sent::visible).toList();
    }

    /** The chat asks while Claude is overloaded: it reads the promise, and its question is kept. */
    private void toldUnavailable(long chat, String question) {
        telegram.sendText(chat, question);
        assertThat(shown(chat, 1).get(0)).startsWith(ClaudeFailure.UNAVAILABLE);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM claude_retries WHERE state = 'pending'"
                                                                  + " AND chat_id = " + chat) == 1);
    }

    /** Claude answers again (echoes), and another chat's message proves it. */
    private void claudeIsBack() {
        claude.server().resetMappings(); // the request log stays: requestsWith counts this test's requests
        claude.modelKnown();
        claude.echoes(0);
        long other = newChat();
        telegram.sendText(other, "are you there?");
        assertThat(shown(other, 1)).containsExactly("echo: are you there?");
    }

    private long requestsWith(String text) throws Exception {
        long n = 0;
        for (var r : claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages")))) {
            if (FakeClaude.lastUserText(JSON.readTree(r.getBodyAsString())).equals(text)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void afterAnOverloadTheChatGetsTheBackLineAndTheAnswerToItsQuestionOnce() throws Exception {
        long chat = newChat();
        toldUnavailable(chat, "How tall is Mont Blanc?");

        claudeIsBack();

        List<String> shown = shown(chat, 3);
        assertThat(shown.get(0)).startsWith(ClaudeFailure.UNAVAILABLE);
        assertThat(shown.subList(1, 3)).containsExactly(ClaudeRetries.BACK, "echo: How tall is Mont Blanc?");
        // once: another answered message (a second "back") brings nothing more to this chat
        claudeIsBack();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> telegram.sentTo(chat).size() == 3);
        assertThat(requestsWith("How tall is Mont Blanc?")).as("the 529, then the retry").isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM audit_trail WHERE action IN"
                + " ('claude_retry_promised', 'claude_retry_sent') AND metadata->>'chatId' = '" + chat + "'") == 2);
        assertThat(db.count("SELECT count(*) FROM audit_trail WHERE action LIKE 'claude_retry%' AND metadata::text LIKE '%Mont Blanc%'"))
                .as("never the text").isZero();
        assertThat(db.count("SELECT count(*) FROM claude_retries WHERE chat_id = " + chat + " AND state = 'sent'"
                            + " AND payload IS NULL")).isEqualTo(1);
    }

    @Test
    void newDropsTheOwedQuestionAndSaysSoWhileAnotherChatOfTheSameOutageIsAnswered() throws Exception {
        long chat = newChat();
        toldUnavailable(chat, "Which planet is the largest?");
        telegram.sendText(chat, "/new");
        assertThat(shown(chat, 2).get(1)).isEqualTo(new Commands().newConversation() + " " + ClaudeRetries.DROPPED);
        long control = newChat();
        toldUnavailable(control, "Which ocean is the deepest?");

        claudeIsBack();

        assertThat(shown(control, 3).subList(1, 3)).containsExactly(ClaudeRetries.BACK, "echo: Which ocean is the deepest?");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> telegram.sentTo(chat).size() == 2);
        assertThat(requestsWith("Which planet is the largest?")).as("only the 529").isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM audit_trail WHERE action = 'claude_retry_cancelled'"
                            + " AND metadata->>'reason' = 'new_conversation' AND metadata->>'chatId' = '" + chat + "'")).isEqualTo(1);
    }

    @Test
    void aQuestionOlderThanRetryWithinHoursGetsOnlyTheBackLine() throws Exception {
        long chat = newChat();
        toldUnavailable(chat, "What was the weather this morning?");
        Sql.execute(db.dataSource(), "UPDATE claude_retries SET asked_at = now() - interval '7 hours' WHERE chat_id = " + chat);

        claudeIsBack();

        assertThat(shown(chat, 2).get(1)).isEqualTo(ClaudeRetries.tooOld(6));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> telegram.sentTo(chat).size() == 2);
        assertThat(requestsWith("What was the weather this morning?")).as("only the 529").isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM audit_trail WHERE action = 'claude_retry_expired'"
                + " AND metadata->>'chatId' = '" + chat + "'") == 1);
    }
}
