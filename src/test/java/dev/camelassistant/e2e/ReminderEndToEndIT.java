package dev.camelassistant.e2e;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.KeyRing;
import dev.camelassistant.reminders.ReminderStore;
import dev.camelassistant.reminders.ReminderTimes;
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
 * Reminders of the packaged bot across kill -9: one due while the bot was down fires once after the start,
 * marked late; one whose outbox message was in flight at the kill arrives once after the restart; an
 * ask_claude one whose Claude call was cut by the kill is answered once after the restart. A later
 * reminder arriving is the sign that the scheduler has had its rounds since (no waiting on a clock).
 */
class ReminderEndToEndIT extends EndToEndSupport {

    static final String SEND_MESSAGE = "/bot[^/]+/sendMessage";

    private ReminderStore store() {
        return new ReminderStore(db.dataSource(), new CredentialCipher(KeyRing.of(ENCRYPTION_KEY)));
    }

    private List<String> visibleAccepted(long chat) {
        return telegram.acceptedTo(chat).stream().map(FakeTelegram.Sent::visible).toList();
    }

    private int claudeRequests() {
        return claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages"))).size();
    }

    @Test
    void aReminderDueWhileTheBotWasDownFiresOnceAfterTheStartMarkedLateAndNotAgainAfterAnotherKill() throws Exception {
        Map<String, String> env = env();
        BotProcess first = start(env);
        first.kill9();
        Instant due = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        store().schedule(FRIEND, null, "feed the cat", due, due, null, false);

        BotProcess second = start(env);
        String local = ReminderTimes.sameDayShort(due, Instant.now(), ZoneOffset.UTC); // ASSISTANT_TIMEZONE unset: UTC
        await().atMost(Duration.ofSeconds(30)).until(() -> !visibleAccepted(FRIEND).isEmpty());
        assertThat(visibleAccepted(FRIEND)).containsExactly("⏰ (late, was due " + local + ") feed the cat");
        assertThat(query("SELECT state || ':' || fire_count FROM reminders WHERE chat_id = " + FRIEND)).isEqualTo("fired:1");

        // the outbox's own window (README): a part Telegram accepted but not yet marked sent is sent again after a
        // crash; the kill comes after the mark, so what is checked is the reminder's claim, not that window
        await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(query("SELECT string_agg(state, ',') FROM telegram_outbox"
                + " WHERE chat_id = " + FRIEND)));
        second.kill9();
        start(env);
        Instant soon = Instant.now().plusSeconds(2);
        store().schedule(FRIEND, null, "a later one", soon, soon, null, false);
        await().atMost(Duration.ofSeconds(30)).until(() -> visibleAccepted(FRIEND).contains("⏰ a later one"));
        assertThat(visibleAccepted(FRIEND)).containsExactly("⏰ (late, was due " + local + ") feed the cat", "⏰ a later one");
        assertThat(claudeRequests()).isZero();
    }

    @Test
    void killNineWhileTheRemindersMessageIsInFlightThenRestartDeliversItOnce() throws Exception {
        // Telegram hangs on the reminder (15 s, then 502): it never reaches the chat before the kill
        StubMapping hang = telegram.server().stubFor(post(urlPathMatching(SEND_MESSAGE)).atPriority(1)
                .withRequestBody(containing("in flight"))
                .willReturn(aResponse().withFixedDelay(15_000).withStatus(502).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error_code\":502,\"description\":\"Bad Gateway\"}")));
        Map<String, String> env = env();
        BotProcess first = start(env);
        Instant due = Instant.now().plusSeconds(1);
        store().schedule(FRIEND, null, "in flight", due, due, null, false);
        await().atMost(Duration.ofSeconds(30)).until(() -> !telegram.requests("sendMessage").isEmpty());
        first.kill9();
        assertThat(visibleAccepted(FRIEND)).isEmpty();
        assertThat(query("SELECT state FROM reminders WHERE chat_id = " + FRIEND)).isEqualTo("fired");
        assertThat(query("SELECT string_agg(state, ',') FROM telegram_outbox WHERE chat_id = " + FRIEND)).isEqualTo("pending");

        telegram.server().removeStub(hang);
        BotProcess second = start(env);
        await().atMost(Duration.ofSeconds(30)).until(() -> visibleAccepted(FRIEND).contains("⏰ in flight"));
        Instant later = Instant.now().plusSeconds(2);
        store().schedule(FRIEND, null, "after the restart", later, later, null, false);
        await().atMost(Duration.ofSeconds(30)).until(() -> visibleAccepted(FRIEND).contains("⏰ after the restart"));
        assertThat(visibleAccepted(FRIEND)).containsExactly("⏰ in flight", "⏰ after the restart");
        assertThat(String.join("\n", second.stdout())).contains("message parts written before this start are sent now");
    }

    @Test
    void killNineWhileClaudeAnswersAnAskClaudeReminderThenRestartAnswersItOnce() throws Exception {
        claude.answers("your briefing", 0);
        StubMapping slow = claude.server().stubFor(post(urlEqualTo("/v1/messages")).atPriority(1)
                .withRequestBody(containing("brief me"))
                .willReturn(aResponse().withFixedDelay(20_000).withStatus(529)));
        Map<String, String> env = env();
        env.put("CLAUDE_STREAMING", "false");
        BotProcess first = start(env);
        Instant due = Instant.now().plusSeconds(1);
        store().schedule(FRIEND, null, "brief me", due, due, null, true);
        await().atMost(Duration.ofSeconds(30)).until(() -> claudeRequests() >= 1);
        first.kill9();
        assertThat(visibleAccepted(FRIEND)).isEmpty();
        assertThat(query("SELECT state FROM telegram_inbox WHERE chat_id = " + FRIEND + " AND message_id < 0")).isEqualTo("received");

        claude.server().removeStub(slow);
        BotProcess second = start(env);
        await().atMost(Duration.ofSeconds(30)).until(() -> visibleAccepted(FRIEND).contains("your briefing"));
        Instant later = Instant.now().plusSeconds(2);
        store().schedule(FRIEND, null, "after the restart", later, later, null, false);
        await().atMost(Duration.ofSeconds(30)).until(() -> visibleAccepted(FRIEND).contains("⏰ after the restart"));
        assertThat(visibleAccepted(FRIEND)).containsExactly("your briefing", "⏰ after the restart");
        assertThat(claudeRequests()).as("once before the kill, once after").isEqualTo(2);
        assertThat(query("SELECT state || ':' || fire_count FROM reminders WHERE ask_claude")).isEqualTo("fired:1");
        assertThat(query("SELECT state FROM telegram_inbox WHERE chat_id = " + FRIEND + " AND message_id < 0")).isEqualTo("answered");
        assertThat(String.join("\n", second.stdout())).contains("unanswered before the restart");
    }
}
