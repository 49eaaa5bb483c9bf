package dev.camelassistant.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.camelassistant.support.FakeTelegram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar as its owner runs it: a separate process against the real PostgreSQL and
 * WireMock fakes of the Telegram Bot API and the Anthropic API.
 */
class BotEndToEndIT extends EndToEndSupport {

    @Test
    void aMessageIsAnsweredAuditedAndLoggedAsJsonWithItsCorrelationIdAndNoSecret() throws Exception {
        claude.answers("Hello from Claude", 0);
        BotProcess bot = start(env());
        telegram.sendText(FRIEND, "hi there");

        await().atMost(Duration.ofSeconds(20)).until(() -> texts(FRIEND).contains("Hello from Claude"));
        String correlationId = await().atMost(Duration.ofSeconds(10)).until(() -> query(
                "SELECT correlation_id FROM audit_trail WHERE action = 'llm_request' AND metadata->>'chatId' = '" + FRIEND + "'"),
                java.util.Objects::nonNull);
        assertThat(query("SELECT string_agg(action, ',' ORDER BY id) FROM audit_trail WHERE correlation_id = '"
                         + correlationId + "'")).isEqualTo("message_received,llm_request");

        Thread.sleep(300);
        List<String> lines = bot.stdout();
        assertThat(lines).isNotEmpty();
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : lines) {
            parsed.add(JSON.readTree(line));
        }
        assertThat(parsed).allSatisfy(n -> assertThat(n.isObject()).isTrue());
        assertThat(parsed).filteredOn(n -> n.path("message").asText().startsWith("llm_response"))
                .singleElement()
                .satisfies(n -> {
                    assertThat(n.path("correlationId").asText()).isEqualTo(correlationId);
                    assertThat(n.path("inputTokens").asInt()).isEqualTo(21);
                    assertThat(n.path("outputTokens").asInt()).isEqualTo(42);
                });
        String all = String.join("\n", lines) + String.join("\n", bot.stderr());
        assertThat(all).doesNotContain(API_KEY).doesNotContain(FakeTelegram.TOKEN).doesNotContain(ENCRYPTION_KEY)
                .doesNotContain("hi there").doesNotContain("Hello from Claude");
    }

    @Test
    void killNineMidAnswerThenRestartGivesExactlyOneAnswer() throws Exception {
        claude.answers("the one answer", 4000);
        Map<String, String> env = env();
        BotProcess first = start(env);
        telegram.sendText(FRIEND, "a slow question");
        await().atMost(Duration.ofSeconds(20)).until(() -> claude.server().getAllServeEvents().stream()
                .anyMatch(e -> e.getRequest().getUrl().equals("/v1/messages")));
        first.kill9();
        assertThat(texts(FRIEND)).isEmpty();

        claude.answers("the one answer", 0);
        start(env);
        await().atMost(Duration.ofSeconds(30)).until(() -> texts(FRIEND).contains("the one answer"));
        Thread.sleep(2000);
        assertThat(texts(FRIEND)).containsExactly("the one answer");
    }

    @Test
    void killNineInTheMiddleOfAStreamedAnswerThenRestartDeliversTheWholeAnswer() throws Exception {
        String answer = ("This is a long streamed answer, written word by word. ").repeat(12).strip();
        claude.streams(answer, 20, 300, 8000);
        Map<String, String> env = env();
        BotProcess first = start(env);
        telegram.sendText(FRIEND, "tell me a long story");
        // the first part of the answer is on screen, the rest is still being written
        await().atMost(Duration.ofSeconds(20)).until(() -> !telegram.sentTo(FRIEND).isEmpty());
        first.kill9();
        assertThat(telegram.sentTo(FRIEND).get(0).visible()).isNotEqualTo(answer);

        // after the restart the message, never marked answered, is answered again: whole
        claude.streams(answer, 5, 0, 500);
        start(env);
        await().atMost(Duration.ofSeconds(30)).until(() -> telegram.sentTo(FRIEND).stream()
                .anyMatch(m -> m.visible().equals(answer)));
        Thread.sleep(1500);
        assertThat(telegram.sentTo(FRIEND).stream().filter(m -> m.visible().equals(answer))).as("answered once more, not twice")
                .hasSize(1);
    }

    @Test
    void sigtermLetsTheAnswerInFlightFinish() throws Exception {
        claude.answers("finished before exit", 2000);
        BotProcess bot = start(env());
        telegram.sendText(FRIEND, "question before shutdown");
        await().atMost(Duration.ofSeconds(20)).until(() -> claude.server().getAllServeEvents().stream()
                .anyMatch(e -> e.getRequest().getUrl().equals("/v1/messages")));
        int exit = bot.terminate(Duration.ofSeconds(40));
        assertThat(texts(FRIEND)).as("replies; exit %d; the bot's log:\n%s\n%s", exit, String.join("\n", bot.stdout()),
                        String.join("\n", bot.stderr()))
                .containsExactly("finished before exit");
    }

    @Test
    void startsOnTheEmbeddedDatabaseFromAnEmptyDataDir() throws Exception {
        Map<String, String> env = env();
        env.remove("DATABASE_URL");
        env.remove("DATABASE_USER");
        env.remove("ENCRYPTION_KEY");
        BotProcess bot = start(env);
        telegram.sendText(FRIEND, "/start");
        await().atMost(Duration.ofSeconds(20)).until(() -> texts(FRIEND).stream().anyMatch(t -> t.startsWith("Hello")));
        assertThat(dataDir.resolve("postgres")).isDirectory();
        assertThat(dataDir.resolve("encryption.key")).isRegularFile();
        assertThat(String.join("\n", bot.stdout())).contains("embedded PostgreSQL").contains("ENCRYPTION_KEY");
        assertThat(bot.terminate(Duration.ofSeconds(40))).isIn(0, 143);
    }

    @Test
    void claudeOverloadTellsTheUserAndAlertsTheOwnerOnceThenSaysItIsBack() throws Exception {
        claude.fails(529, "overloaded_error", null);
        start(env());
        telegram.sendText(FRIEND, "first");
        telegram.sendText(FRIEND, "second");
        await().atMost(Duration.ofSeconds(20)).until(() -> texts(FRIEND).size() == 2);
        assertThat(texts(FRIEND)).allSatisfy(t -> assertThat(t).startsWith(
                "Claude is temporarily unavailable. I'll keep trying and let you know when it's back."));
        await().atMost(Duration.ofSeconds(10)).until(() -> !texts(ADMIN).isEmpty());
        Thread.sleep(1000);
        assertThat(texts(ADMIN)).hasSize(1).allSatisfy(t -> assertThat(t).contains("Claude"));

        claude.reset();
        claude.answers("all good", 0);
        telegram.sendText(FRIEND, "third");
        await().atMost(Duration.ofSeconds(20)).until(() -> texts(FRIEND).contains("all good"));
        await().atMost(Duration.ofSeconds(10)).until(() -> texts(ADMIN).size() == 2);
        assertThat(texts(ADMIN).get(1)).containsIgnoringCase("back");
    }
}
