package dev.camelassistant.telegram;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeTelegram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * CHAT_MAX_WAITING through the real routes: a chat that floods the bot gets one "slow down" notice, its
 * messages beyond the bound are neither recorded nor answered, and the owner is answered meanwhile.
 */
class ChatBoundRouteTest extends BotRouteTestSupport {

    private FakeClaude claude;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        p.put("conversation.chat-max-waiting", "3");
        p.put("telegram.chat-interval-ms", "0");
        p.put("claude.streaming", "false");
    }

    private static List<String> texts(List<FakeTelegram.Sent> sent) {
        return sent.stream().map(FakeTelegram.Sent::visible).toList();
    }

    @Test
    void aFloodingChatIsToldOnceToSlowDownItsExtraMessagesAreDroppedAndTheOwnerIsAnsweredMeanwhile() {
        claude.echoes(800);
        for (int i = 0; i < 8; i++) {
            telegram.sendText(FRIEND_CHAT, "flood " + i);
        }
        telegram.sendText(ADMIN_CHAT, "owner during the flood");

        await().atMost(Duration.ofSeconds(10)).until(() -> texts(telegram.sentTo(FRIEND_CHAT)).stream()
                .anyMatch(t -> t.startsWith("You're writing faster")));
        // the owner's chat has a bound of its own: answered while the friend's messages still wait
        await().atMost(Duration.ofSeconds(10)).until(() -> texts(telegram.sentTo(ADMIN_CHAT)).contains("echo: owner during the flood"));
        assertThat(texts(telegram.sentTo(FRIEND_CHAT)).stream().filter(t -> t.startsWith("echo:")).count())
                .as("the owner did not wait for the friend's queue").isLessThan(2);

        // one with Claude, three waiting: those four are answered, in order (the three that waited as one
        // turn); the other four never are
        await().atMost(Duration.ofSeconds(20)).until(() -> texts(telegram.sentTo(FRIEND_CHAT)).stream()
                .filter(t -> t.startsWith("echo:")).count() == 2);
        assertThat(texts(telegram.sentTo(FRIEND_CHAT)).stream().filter(t -> t.startsWith("echo:")))
                .containsExactly("echo: flood 0", "echo: flood 1\n\nflood 2\n\nflood 3");
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM telegram_inbox WHERE chat_id = "
                + FRIEND_CHAT + " AND state = 'answered'") == 4);
        assertThat(texts(telegram.sentTo(FRIEND_CHAT)).stream().filter(t -> t.startsWith("You're writing faster"))).hasSize(1);
        assertThat(db.count("SELECT count(*) FROM telegram_inbox WHERE chat_id = " + FRIEND_CHAT))
                .as("refused messages are not recorded, so a restart does not answer them").isEqualTo(4);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count(
                "SELECT count(*) FROM audit_trail WHERE action = 'chat_over_limit'") == 1);
    }
}
