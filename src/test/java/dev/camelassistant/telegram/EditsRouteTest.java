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
import dev.camelassistant.support.Sql;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Edited messages through the real routes: camel-telegram's consumer reads edited_message whole
 * (WholeUpdates), an edit of a waiting message changes what Claude receives, an edit of an answered one
 * is answered again once as a reply to it, an older edit is ignored; each audited.
 */
class EditsRouteTest extends BotRouteTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    private FakeClaude claude;
    private long nextChat = 73_000;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        p.put("claude.streaming", "false");
        List<String> chats = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            chats.add(String.valueOf(73_000 + i));
        }
        p.put("telegram.allowed-chat-ids", String.join(",", chats));
        p.put("telegram.chat-interval-ms", "0");
        p.put("telegram.max-messages-per-second", "0");
    }

    @BeforeEach
    void echo() {
        claude.reset();
        claude.echoes(0);
    }

    List<String> questions() throws Exception {
        List<String> out = new ArrayList<>();
        for (var r : claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages")))) {
            out.add(FakeClaude.lastUserText(JSON.readTree(r.getBodyAsString())));
        }
        return out;
    }

    long audited(String action, long chat) {
        return Sql.count(db.dataSource(), "SELECT count(*) FROM audit_trail WHERE action = '" + action + "' AND metadata->>'chatId' = '" + chat + "'");
    }

    @Test
    void anEditOfAWaitingMessageChangesWhatClaudeReceives() throws Exception {
        long chat = nextChat++;
        claude.reset();
        claude.echoes(1500);
        telegram.sendText(chat, "first question");
        await().atMost(Duration.ofSeconds(5)).until(() -> questions().contains("first question"));
        long second = telegram.sendText(chat, "secnod questoin");
        await().atMost(Duration.ofSeconds(5)).until(() -> Sql.count(db.dataSource(),
                "SELECT count(*) FROM telegram_inbox WHERE chat_id = " + chat) == 2);
        telegram.sendEdit(chat, telegram.messageIdOf(second), "second question");
        await().atMost(Duration.ofSeconds(15)).until(() -> telegram.sentTo(chat).size() == 2);
        assertThat(telegram.sentTo(chat)).extracting(FakeTelegram.Sent::text)
                .containsExactly("echo: first question", "echo: second question");
        assertThat(questions()).doesNotContain("secnod questoin");
        await().atMost(Duration.ofSeconds(5)).until(() -> audited("message_edited", chat) == 1);
    }

    @Test
    void anEditOfAnAnsweredMessageIsAnsweredAgainOnceAsAReplyToIt() throws Exception {
        long chat = nextChat++;
        long update = telegram.sendText(chat, "what is 2+2?");
        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.sentTo(chat).size() == 1);
        long original = telegram.messageIdOf(update);
        long edit = telegram.sendEdit(chat, original, "what is 2+3?");
        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.sentTo(chat).size() == 2);
        assertThat(telegram.sentTo(chat).get(1).text()).isEqualTo("echo: what is 2+3?");
        JsonNode sent = lastSendMessageTo(chat);
        assertThat(sent.path("reply_parameters").path("message_id").asLong()).isEqualTo(original);
        assertThat(sent.path("reply_parameters").path("allow_sending_without_reply").asBoolean()).isTrue();

        // Telegram hands the same edit out again (a lost offset): it is not answered twice ...
        telegram.redeliver(edit);
        await().atMost(Duration.ofSeconds(5)).until(() -> Sql.count(db.dataSource(), "SELECT count(*) FROM audit_trail"
                + " WHERE action = 'edit_ignored' AND metadata->>'reason' LIKE 'already answered%' AND metadata->>'chatId' = '" + chat + "'") == 1);
        // ... while a new message still is (the control)
        telegram.sendText(chat, "thanks");
        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.sentTo(chat).size() == 3);
        assertThat(telegram.sentTo(chat)).extracting(FakeTelegram.Sent::text)
                .containsExactly("echo: what is 2+2?", "echo: what is 2+3?", "echo: thanks");
        assertThat(lastSendMessageTo(chat).has("reply_parameters")).as("an ordinary answer replies to nothing").isFalse();
        assertThat(audited("message_edited", chat)).isEqualTo(1);
    }

    @Test
    void anEditOfAMessageAnsweredLongAgoIsIgnored() throws Exception {
        long chat = nextChat++;
        long update = telegram.sendText(chat, "old question");
        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.sentTo(chat).size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> Sql.count(db.dataSource(), "SELECT count(*) FROM telegram_inbox"
                + " WHERE state = 'answered' AND chat_id = " + chat) == 1);
        Sql.execute(db.dataSource(), "UPDATE telegram_inbox SET answered_at = now() - interval '11 minutes' WHERE chat_id = " + chat);
        telegram.sendEdit(chat, telegram.messageIdOf(update), "old question, edited");
        await().atMost(Duration.ofSeconds(5)).until(() -> audited("edit_ignored", chat) == 1);
        assertThat(questions()).doesNotContain("old question, edited");
        assertThat(telegram.sentTo(chat)).hasSize(1);
    }

    JsonNode lastSendMessageTo(long chat) throws Exception {
        JsonNode last = null;
        for (var r : telegram.server().findAll(postRequestedFor(urlPathMatching("/bot[^/]+/sendMessage")))) {
            JsonNode body = JSON.readTree(r.getBodyAsString());
            if (body.path("chat_id").asLong() == chat) {
                last = body;
            }
        }
        return last;
    }
}
