package dev.camelassistant.telegram;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeTelegram;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;

/**
 * Issue 24's figures: a burst of 5 and of 60 messages from one chat, sent at once, with Claude faked at
 * 2 s per call (echoing the question): the Claude calls it took and the time from the first message
 * (the fake Bot API hands it out) to the last answer's sendMessage. Telegram's limits as configured by
 * default (1 message per second per chat). Uses only what main at 5951436 has too, so the same class
 * gives the figures before the change. Not run by default: {@code mvn test -Dtest=BurstBenchmark}.
 */
class BurstBenchmark extends BotRouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLAUDE_MS = 2000;
    private FakeClaude claude;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        p.put("claude.streaming", "false");
        p.put("telegram.allowed-chat-ids", "90000,90005,90060");
    }

    private static String text(long chat, int i, int n) {
        return "chat " + chat + " message " + (i + 1) + " of " + n + ".";
    }

    private long claudeCalls(long chat) throws Exception {
        long calls = 0;
        for (var r : claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages")))) {
            if (FakeClaude.lastUserText(JSON.readTree(r.getBodyAsString())).contains("chat " + chat + " ")) {
                calls++;
            }
        }
        return calls;
    }

    private void burst(long chat, int n) throws Exception {
        long first = 0;
        for (int i = 0; i < n; i++) {
            long update = telegram.sendText(chat, text(chat, i, n));
            if (i == 0) {
                first = update;
            }
        }
        String last = text(chat, n - 1, n);
        await().atMost(Duration.ofSeconds(30L + 3L * n)).pollInterval(Duration.ofMillis(20)).until(() -> telegram.sentTo(chat)
                .stream().map(FakeTelegram.Sent::visible).collect(Collectors.joining("\n")).contains(last));
        long handedOut = telegram.handedOutAt(first);
        List<Long> sends = telegram.receivedAt(chat);
        long lastMs = (sends.get(sends.size() - 1) - handedOut) / 1_000_000;
        System.out.printf("bench: burst of %d messages from one chat, Claude %d ms per call: %d Claude calls,"
                          + " %d answers sent, last answer %d ms after the first message%n",
                n, CLAUDE_MS, claudeCalls(chat), sends.size(), lastMs);
    }

    @Test
    void burstsOf5And60() throws Exception {
        claude.echoes(CLAUDE_MS);
        // warm-up (JIT, connections, the first database writes)
        telegram.sendText(90_000, "warm-up");
        await().atMost(Duration.ofSeconds(30)).until(() -> !telegram.sentTo(90_000).isEmpty());
        burst(90_005, 5);
        burst(90_060, 60);
    }
}
