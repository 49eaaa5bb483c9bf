package dev.camelassistant.llm;

import java.time.Duration;
import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** CLAUDE_STREAMING=false: one JSON answer, one message when it is complete, no edits (as before issue 13). */
class ClaudeNotStreamingTest extends BotRouteTestSupport {

    private FakeClaude claude;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        p.put("claude.streaming", "false");
    }


    @Test
    void theAnswerComesWholeInOneMessageWithoutEdits() throws Exception {
        String answer = ClaudeStreamingTest.answerOf(100);
        claude.streams(answer, 10, 100, 1500);
        long update = telegram.sendText(FRIEND_CHAT, "write 100 words");

        await().atMost(Duration.ofSeconds(10)).until(() -> !telegram.sentTo(FRIEND_CHAT).isEmpty());
        long firstMs = (telegram.receivedAt(FRIEND_CHAT).get(0) - telegram.handedOutAt(update)) / 1_000_000;
        assertThat(firstMs).as("the whole answer first").isGreaterThanOrEqualTo(1500);
        assertThat(telegram.sentTo(FRIEND_CHAT)).hasSize(1);
        assertThat(telegram.sentTo(FRIEND_CHAT).get(0).visible()).isEqualTo(answer);
        Thread.sleep(1500);
        assertThat(telegram.editsTo(FRIEND_CHAT)).isEmpty();
        assertThat(new ObjectMapper().readTree(claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages")))
                .get(0).getBodyAsString()).has("stream")).isFalse();
    }
}
