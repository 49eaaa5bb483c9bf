package dev.camelassistant.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.camelassistant.llm.ClaudeFailure;
import dev.camelassistant.retries.ClaudeRetries;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeTelegram;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The promise of "Claude is temporarily unavailable … I'll let you know when it's back" kept by the
 * packaged bot across kill -9: a question that got a 529 is answered once after a restart into a Claude
 * that works again (the probe's first UP); and a retry whose Claude call was cut by the kill is answered
 * once by the next start, its "back" line not repeated. The user's next message, answered, is the sign
 * that nothing else was on its way (no waiting on a clock).
 */
class ClaudeRetryEndToEndIT extends EndToEndSupport {

    static final String QUESTION = "What is the boiling point of water on Everest?";

    private List<String> visibleAccepted(long chat) {
        return telegram.acceptedTo(chat).stream().map(FakeTelegram.Sent::visible).toList();
    }

    /** Requests whose newest user message is {@code text} (later requests carry it in their history too). */
    private long requestsWith(String text) throws Exception {
        long n = 0;
        for (var r : claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages")))) {
            if (FakeClaude.lastUserText(JSON.readTree(r.getBodyAsString())).equals(text)) {
                n++;
            }
        }
        return n;
    }

    /** Claude overloaded: the Messages API and the models API (the probe) answer 529. */
    private void overloaded() {
        claude.server().resetMappings();
        claude.fails(529, "overloaded_error", null);
        claude.server().stubFor(get(urlPathMatching("/v1/models/.*")).atPriority(1).willReturn(aResponse().withStatus(529)));
    }

    /** Claude works again: echoes, the model known. */
    private void recovered() {
        claude.server().resetMappings();
        claude.modelKnown();
        claude.echoes(0);
    }

    /** FRIEND asks while Claude is overloaded: the promise, and the question kept. */
    private void toldUnavailable() throws Exception {
        telegram.sendText(FRIEND, QUESTION);
        await().atMost(Duration.ofSeconds(30)).until(() -> !visibleAccepted(FRIEND).isEmpty());
        assertThat(visibleAccepted(FRIEND).get(0)).startsWith(ClaudeFailure.UNAVAILABLE);
        await().atMost(Duration.ofSeconds(10)).until(() -> "pending".equals(query("SELECT state FROM claude_retries")));
        // the unavailable text is marked sent before the test may kill the bot: a part Telegram accepted but not yet
        // marked is sent again after a crash (the outbox's documented window), which is not what this test is about
        await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(query("SELECT string_agg(DISTINCT state, ',')"
                + " FROM telegram_outbox WHERE chat_id = " + FRIEND)));
    }

    /** The user's next message ({@code text}) is answered, after which the chat shows exactly {@code expected}. */
    private void nothingElseArrives(String text, List<String> expected) {
        telegram.sendText(FRIEND, text);
        await().atMost(Duration.ofSeconds(30)).until(() -> visibleAccepted(FRIEND).contains("echo: " + text));
        List<String> shown = visibleAccepted(FRIEND);
        assertThat(shown.get(0)).startsWith(ClaudeFailure.UNAVAILABLE);
        assertThat(shown.subList(1, shown.size())).containsExactlyElementsOf(expected);
    }

    @Test
    void aQuestionThatGot529IsAnsweredOnceAfterARestartIntoAWorkingClaude() throws Exception {
        overloaded();
        Map<String, String> env = env();
        env.put("CLAUDE_STREAMING", "false");
        BotProcess first = start(env);
        toldUnavailable();
        first.kill9();

        recovered();
        BotProcess second = start(env);
        // the probe's first UP after the start: Claude is back
        await().atMost(Duration.ofSeconds(30)).until(() -> visibleAccepted(FRIEND).contains("echo: " + QUESTION));
        assertThat(visibleAccepted(FRIEND).subList(1, 3)).containsExactly(ClaudeRetries.BACK, "echo: " + QUESTION);
        nothingElseArrives("thanks", List.of(ClaudeRetries.BACK, "echo: " + QUESTION, "echo: thanks"));
        assertThat(requestsWith(QUESTION)).as("the 529, then the retry").isEqualTo(2);
        assertThat(query("SELECT state || ':' || (payload IS NULL) FROM claude_retries")).isEqualTo("sent:true");

        // and a third start has nothing left to keep
        await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(query("SELECT string_agg(DISTINCT state, ',')"
                + " FROM telegram_outbox WHERE chat_id = " + FRIEND)));
        second.kill9();
        start(env);
        nothingElseArrives("and after another restart?", List.of(ClaudeRetries.BACK, "echo: " + QUESTION, "echo: thanks",
                "echo: and after another restart?"));
        assertThat(requestsWith(QUESTION)).isEqualTo(2);
    }

    @Test
    void killNineWhileClaudeAnswersTheRetryThenRestartAnswersItOnceWithoutASecondBackLine() throws Exception {
        overloaded();
        Map<String, String> env = env();
        env.put("CLAUDE_STREAMING", "false");
        BotProcess first = start(env);
        toldUnavailable();

        // Claude is back for the owner's message; the retried question hangs (20 s, then 529) until the kill
        recovered();
        claude.server().stubFor(post(urlEqualTo("/v1/messages")).atPriority(1).withRequestBody(containing(QUESTION))
                .willReturn(aResponse().withFixedDelay(20_000).withStatus(529)));
        telegram.sendText(ADMIN, "ping");
        await().atMost(Duration.ofSeconds(30)).until(() -> requestsWith(QUESTION) == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> visibleAccepted(FRIEND).contains(ClaudeRetries.BACK));
        // the back line marked sent before the kill (the outbox's documented window is not this test's subject)
        await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(query("SELECT string_agg(DISTINCT state, ',')"
                + " FROM telegram_outbox WHERE chat_id = " + FRIEND)));
        first.kill9();
        assertThat(query("SELECT state FROM claude_retries")).isEqualTo("sent");
        assertThat(query("SELECT state FROM telegram_inbox WHERE chat_id = " + FRIEND + " AND message_id < 0")).isEqualTo("received");

        recovered();
        BotProcess second = start(env);
        await().atMost(Duration.ofSeconds(30)).until(() -> visibleAccepted(FRIEND).contains("echo: " + QUESTION));
        nothingElseArrives("thanks", List.of(ClaudeRetries.BACK, "echo: " + QUESTION, "echo: thanks"));
        assertThat(requestsWith(QUESTION)).as("the 529, the retry cut by the kill, inbox-resume").isEqualTo(3);
        assertThat(query("SELECT state FROM telegram_inbox WHERE chat_id = " + FRIEND + " AND message_id < 0")).isEqualTo("answered");
        assertThat(String.join("\n", second.stdout())).contains("unanswered before the restart");
    }
}
