package dev.camelassistant.telegram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeTelegram;
import dev.camelassistant.support.LogCapture;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The outbound lanes: every reply reaches its own chat intact and in order; 429 waits and resends. */
class TelegramOutboundTest extends BotRouteTestSupport {

    private static final long FIRST = 70_000;
    private static final long RATE_LIMITED = 79_999;
    private FakeClaude claude;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        List<String> allowed = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            allowed.add(String.valueOf(FIRST + i));
        }
        allowed.add(String.valueOf(RATE_LIMITED));
        p.put("telegram.allowed-chat-ids", String.join(",", allowed));
        p.put("telegram.chat-interval-ms", "0");
        p.put("telegram.max-messages-per-second", "0");
    }


    @Test
    void aBurstOf200MessagesFrom40ChatsGetsEveryAnswerIntactInItsOwnChatInOrder() {
        claude.echoes(0);
        for (int i = 0; i < 5; i++) {
            for (int c = 0; c < 40; c++) {
                telegram.sendText(FIRST + c, "message " + i + " of chat " + (FIRST + c));
            }
        }
        // a chat's messages that waited while its turn was with Claude are answered as one turn (ChatTurns):
        // every chat's replies, read in order, hold its five messages in order and nothing of another chat's
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (int c = 0; c < 40; c++) {
                if (!answered(FIRST + c).endsWith("message 4 of chat " + (FIRST + c))) {
                    return false;
                }
            }
            return true;
        });
        for (int c = 0; c < 40; c++) {
            long chat = FIRST + c;
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                expected.add("message " + i + " of chat " + chat);
            }
            assertThat(telegram.sentTo(chat)).as("chat %d", chat).allMatch(s -> s.visible().startsWith("echo: "));
            assertThat(answered(chat)).as("chat %d", chat).isEqualTo(String.join("\n\n", expected));
        }
    }

    /** The chat's replies in order, each without its "echo: ", joined by a blank line. */
    private String answered(long chat) {
        return telegram.sentTo(chat).stream().map(s -> s.visible().substring(Math.min(6, s.visible().length())))
                .collect(java.util.stream.Collectors.joining("\n\n"));
    }

    @Test
    void a429WaitsRetryAfterThenResendsAndTheTokenIsNeverLogged() {
        claude.answers("worth the wait", 0);
        telegram.server().stubFor(post(urlPathMatching("/bot[^/]+/sendMessage"))
                .withRequestBody(matchingJsonPath("$.chat_id", equalTo(String.valueOf(RATE_LIMITED)))).atPriority(1)
                .inScenario("flood").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("limited-once")
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 1\","
                                  + "\"parameters\":{\"retry_after\":1}}")));
        try (LogCapture logs = LogCapture.json()) {
            long sentAt = System.nanoTime();
            telegram.sendText(RATE_LIMITED, "hello");
            await().atMost(Duration.ofSeconds(15)).until(() -> telegram.sentTo(RATE_LIMITED).size() >= 2);
            long waitedMs = (System.nanoTime() - sentAt) / 1_000_000;

            List<FakeTelegram.Sent> attempts = telegram.sentTo(RATE_LIMITED);
            assertThat(attempts).extracting(FakeTelegram.Sent::text).containsExactly("worth the wait", "worth the wait");
            assertThat(waitedMs).as("waited retry_after before resending").isGreaterThanOrEqualTo(1000);
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("HTTP 429"));
            assertThat(String.join("\n", logs.lines())).doesNotContain(FakeTelegram.TOKEN);
        }
    }
}
