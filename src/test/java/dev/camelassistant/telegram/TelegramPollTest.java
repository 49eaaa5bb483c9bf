package dev.camelassistant.telegram;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeTelegram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The poll's pause ({@code telegram.poll-delay-ms}) follows only a getUpdates that brought nothing:
 * after a batch the next getUpdates comes at once, so a message that arrives meanwhile waits for no
 * pause. The pause is made long here so that the two cases cannot be mistaken for each other.
 */
class TelegramPollTest extends BotRouteTestSupport {

    private static final long PAUSE_MS = 1500;

    @Override
    protected void extraProperties(Properties p) {
        p.put("telegram.poll-delay-ms", String.valueOf(PAUSE_MS));
    }

    @Test
    void theNextPollFollowsABatchAtOnceAndAnEmptyPollAfterThePause() {
        // control: two empty polls in a row are the pause apart (plus the fake's 100 ms hold)
        await().atMost(Duration.ofSeconds(15)).until(() -> emptyPairs(telegram.pollLog()) >= 1);
        List<FakeTelegram.Poll> polls = telegram.pollLog();
        for (int i = 1; i < polls.size(); i++) {
            if (polls.get(i - 1).handedOut() == 0) {
                assertThat(gapMs(polls, i)).isGreaterThanOrEqualTo(PAUSE_MS);
            }
        }

        // a first message warms the route up, the second one is measured
        for (int round = 1; round <= 2; round++) {
            int expected = round;
            telegram.sendText(FRIEND_CHAT, "/help");
            await().atMost(Duration.ofSeconds(10)).until(() -> telegram.sentTo(FRIEND_CHAT).stream()
                    .filter(s -> s.text().startsWith("Commands:")).count() >= expected);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> lastBatch(telegram.pollLog()) < telegram.pollLog().size() - 1);

        List<FakeTelegram.Poll> after = telegram.pollLog();
        assertThat(after.stream().filter(p -> p.handedOut() > 0).count()).isEqualTo(2);
        assertThat(gapMs(after, lastBatch(after) + 1)).isLessThan(PAUSE_MS / 2);
    }

    private static long emptyPairs(List<FakeTelegram.Poll> polls) {
        long n = 0;
        for (int i = 1; i < polls.size(); i++) {
            if (polls.get(i - 1).handedOut() == 0) {
                n++;
            }
        }
        return n;
    }

    private static int lastBatch(List<FakeTelegram.Poll> polls) {
        for (int i = polls.size() - 1; i >= 0; i--) {
            if (polls.get(i).handedOut() > 0) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }

    private static long gapMs(List<FakeTelegram.Poll> polls, int i) {
        return (polls.get(i).arrivedAt() - polls.get(i - 1).arrivedAt()) / 1_000_000;
    }
}
