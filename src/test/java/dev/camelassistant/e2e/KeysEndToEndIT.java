package dev.camelassistant.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.camelassistant.crypto.KeyRing;
import dev.camelassistant.support.FakeTelegram;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged bot and its key (issue 20, items 5 and 6): a start with another ENCRYPTION_KEY is refused
 * before it touches anything, and {@code credentials rotate} moves everything, so the old key can go.
 */
class KeysEndToEndIT extends EndToEndSupport {

    static final String OTHER_KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
    static final String SEND_MESSAGE = "/bot[^/]+/sendMessage";

    /** Answers as one JSON body, so every part is an outbox row (no live previews); Claude echoes. */
    private Map<String, String> keyEnv(String key) {
        Map<String, String> env = env();
        env.put("CLAUDE_STREAMING", "false");
        env.put("ENCRYPTION_KEY", key);
        return env;
    }

    /** Telegram answers 502 to the parts containing {@code marker}: they wait in the outbox. */
    private StubMapping telegramFailsFor(String marker) {
        return telegram.server().stubFor(post(urlPathMatching(SEND_MESSAGE)).atPriority(1)
                .withRequestBody(containing(marker))
                .willReturn(aResponse().withStatus(502).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error_code\":502,\"description\":\"Bad Gateway\"}")));
    }

    @Test
    void aStartWithAnotherKeyExitsTwoBeforeAnyRouteAndTheWaitingPartIsSentByAStartWithTheRightKey() throws Exception {
        claude.echoes(0);
        StubMapping outage = telegramFailsFor("WAITING");
        BotProcess first = start(keyEnv(ENCRYPTION_KEY));
        telegram.sendText(FRIEND, "WAITING for this");
        await().atMost(Duration.ofSeconds(30)).until(() -> "pending".equals(query("SELECT state FROM telegram_outbox WHERE chat_id = "
                + FRIEND)) && !telegram.requests("sendMessage").isEmpty());
        first.kill9();
        String payload = query("SELECT payload FROM telegram_outbox WHERE chat_id = " + FRIEND);
        assertThat(payload).isNotNull();

        long polls = telegram.polls();
        BotProcess wrong = BotProcess.start(keyEnv(OTHER_KEY));
        processes.add(wrong);
        assertThat(wrong.waitFor(Duration.ofSeconds(90))).as("stderr: %s", wrong.stderr()).isEqualTo(2);
        List<String> lines = wrong.stderr().stream().filter(l -> l.startsWith("camel-assistant:")).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("camel-assistant: configuration error: ENCRYPTION_KEY: is not the key this database"
                                            + " was written with");
        for (List<String> output : List.of(wrong.stdout(), wrong.stderr())) {
            assertThat(String.join("\n", output)).doesNotContain(OTHER_KEY).doesNotContain(ENCRYPTION_KEY)
                    .doesNotContain(OTHER_KEY.toUpperCase());
        }
        assertThat(telegram.polls()).as("no route started: Telegram was not polled").isEqualTo(polls);
        assertThat(query("SELECT state FROM telegram_outbox WHERE chat_id = " + FRIEND)).isEqualTo("pending");
        assertThat(query("SELECT payload FROM telegram_outbox WHERE chat_id = " + FRIEND)).as("untouched").isEqualTo(payload);
        assertThat(query("SELECT string_agg(key_version, ',') FROM key_check"))
                .isEqualTo(KeyRing.of(ENCRYPTION_KEY).currentVersion());

        telegram.server().removeStub(outage);
        start(keyEnv(ENCRYPTION_KEY));
        await().atMost(Duration.ofSeconds(30)).until(() -> visibleAccepted(FRIEND).contains("echo: WAITING for this"));
        await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(query("SELECT state FROM telegram_outbox WHERE chat_id = "
                + FRIEND)));
        assertThat(visibleAccepted(FRIEND)).containsExactly("echo: WAITING for this");
    }

    @Test
    void rotateThenDropTheOldKeyThenRestartAndEveryOldConversationAndWaitingPartStillReads() throws Exception {
        claude.echoes(0);
        Map<String, String> underOld = keyEnv(ENCRYPTION_KEY);
        BotProcess first = start(underOld);
        telegram.sendText(FRIEND, "my name is Ada");
        await().atMost(Duration.ofSeconds(30)).until(() -> visibleAccepted(FRIEND).contains("echo: my name is Ada"));
        telegram.sendText(ADMIN, "the owner remembers lighthouses");
        await().atMost(Duration.ofSeconds(30)).until(() -> visibleAccepted(ADMIN).contains("echo: the owner remembers lighthouses"));
        StubMapping outage = telegramFailsFor("WAITING");
        telegram.sendText(FRIEND, "WAITING across the rotation");
        await().atMost(Duration.ofSeconds(30)).until(() -> "1".equals(query("SELECT count(*) FROM telegram_outbox WHERE chat_id = "
                + FRIEND + " AND state = 'pending'")));
        await().atMost(Duration.ofSeconds(10)).until(() -> "6".equals(query("SELECT count(*) FROM conversation_turns")));
        first.terminate(Duration.ofSeconds(30));

        Map<String, String> rotating = keyEnv(OTHER_KEY);
        rotating.put("ENCRYPTION_KEYS_PREVIOUS", ENCRYPTION_KEY);
        BotProcess rotate = BotProcess.start(rotating, "credentials", "rotate");
        processes.add(rotate);
        assertThat(rotate.waitFor(Duration.ofSeconds(90))).as("stderr: %s", rotate.stderr()).isZero();
        String said = String.join("\n", rotate.stderr());
        System.out.println("keys e2e: credentials rotate said:\n" + said);
        assertThat(said).contains("camel-assistant: conversation_turns: moved 6 row(s)")
                .contains("camel-assistant: telegram_outbox: moved 1 row(s)")
                .contains("no row is left under an earlier key: the earlier keys can be removed from ENCRYPTION_KEYS_PREVIOUS")
                .doesNotContain(ENCRYPTION_KEY).doesNotContain(OTHER_KEY);
        String newVersion = KeyRing.of(OTHER_KEY).currentVersion();
        assertThat(query("SELECT string_agg(DISTINCT key_version, ',') FROM conversation_turns")).isEqualTo(newVersion);

        // the old key alone is refused from now on
        BotProcess retired = BotProcess.start(underOld);
        processes.add(retired);
        assertThat(retired.waitFor(Duration.ofSeconds(90))).as("stderr: %s", retired.stderr()).isEqualTo(2);

        // the new key alone, ENCRYPTION_KEYS_PREVIOUS dropped
        telegram.server().removeStub(outage);
        start(keyEnv(OTHER_KEY));
        await().atMost(Duration.ofSeconds(30)).until(() -> visibleAccepted(FRIEND).contains("echo: WAITING across the rotation"));
        int before = claudeRequests().size();
        telegram.sendText(FRIEND, "what is my name?");
        await().atMost(Duration.ofSeconds(30)).until(() -> visibleAccepted(FRIEND).contains("echo: what is my name?"));
        telegram.sendText(ADMIN, "what do I remember?");
        await().atMost(Duration.ofSeconds(30)).until(() -> visibleAccepted(ADMIN).contains("echo: what do I remember?"));
        List<LoggedRequest> after = claudeRequests().subList(before, claudeRequests().size());
        String friendAsked = after.stream().map(LoggedRequest::getBodyAsString).filter(b -> b.contains("what is my name?"))
                .findFirst().orElseThrow();
        assertThat(friendAsked).as("the friend's conversation, written under the old key, still reads")
                .contains("my name is Ada").contains("echo: my name is Ada").contains("WAITING across the rotation");
        String ownerAsked = after.stream().map(LoggedRequest::getBodyAsString).filter(b -> b.contains("what do I remember?"))
                .findFirst().orElseThrow();
        assertThat(ownerAsked).contains("the owner remembers lighthouses").doesNotContain("my name is Ada");
    }

    private List<String> visibleAccepted(long chat) {
        return telegram.acceptedTo(chat).stream().map(FakeTelegram.Sent::visible).toList();
    }

    private List<LoggedRequest> claudeRequests() {
        return claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages")));
    }
}
