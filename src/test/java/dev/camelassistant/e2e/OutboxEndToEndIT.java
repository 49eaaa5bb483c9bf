package dev.camelassistant.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.camelassistant.support.FakeTelegram;
import dev.camelassistant.telegram.ReplySplitter;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The durable outbox (telegram_outbox) of the packaged bot, end to end: kill -9 between the parts of
 * an answer and after a confirmed reply, Telegram failing for a while (5xx) and for good (403), and
 * one busy chat or a crowd of strangers not holding up anybody else.
 */
class OutboxEndToEndIT extends EndToEndSupport {

    static final long OTHER = 3003;
    static final long BLOCKED = 4004;
    static final long FIRST_STRANGER = 500_000;
    static final String SEND_MESSAGE = "/bot[^/]+/sendMessage";

    /**
     * Allowed: FRIEND, OTHER and BLOCKED (and the owner, ADMIN). Claude's answers as one JSON body, so every part is
     * an outbox row: with streaming (the default) a fresh answer's parts first go out as live previews, which are not
     * stored, and a kill -9 between them has the message asked and answered again (see BotEndToEndIT).
     */
    private Map<String, String> outboxEnv() {
        Map<String, String> env = env();
        env.put("TELEGRAM_ALLOWED_CHAT_IDS", FRIEND + "," + OTHER + "," + BLOCKED);
        env.put("CLAUDE_STREAMING", "false");
        return env;
    }

    @Test
    void killNineAfterTheFirstOfThreePartsIsConfirmedThenRestartSendsEachPartOnceInOrderAndAsksClaudeOnce() throws Exception {
        String answer = paragraph("PARTONE") + "\n\n" + paragraph("PARTTWO") + "\n\n" + paragraph("PARTTHREE");
        assertThat(new ReplySplitter().htmlParts(answer)).as("the answer is three messages").hasSize(3);
        claude.answers(answer, 0);
        // Telegram hangs on part two (15 s, then 502): it never reaches the chat before the kill
        StubMapping hang = telegram.server().stubFor(post(urlPathMatching(SEND_MESSAGE)).atPriority(1)
                .withRequestBody(containing("PARTTWO"))
                .willReturn(aResponse().withFixedDelay(15_000).withStatus(502).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error_code\":502,\"description\":\"Bad Gateway\"}")));
        Map<String, String> env = outboxEnv();
        BotProcess first = start(env);
        telegram.sendText(FRIEND, "tell me three things");

        await().atMost(Duration.ofSeconds(30)).until(() -> "0:sent,1:pending,2:pending".equals(outboxRows(FRIEND))
                && sendRequests(FRIEND).stream().anyMatch(r -> r.getBodyAsString().contains("PARTTWO")));
        first.kill9();
        assertThat(visibleAccepted(FRIEND)).as("before the kill only part one reached the chat").hasSize(1)
                .allSatisfy(t -> assertThat(t).startsWith("PARTONE"));
        assertThat(sendRequests(FRIEND)).as("one part in flight at a time: part three never left")
                .noneMatch(r -> r.getBodyAsString().contains("PARTTHREE"));
        assertThat(query("SELECT state FROM telegram_inbox WHERE chat_id = " + FRIEND)).isEqualTo("answered");

        telegram.server().removeStub(hang);
        BotProcess second = start(env);
        await().atMost(Duration.ofSeconds(30)).until(() -> visibleAccepted(FRIEND).size() >= 3);
        Thread.sleep(2000);
        List<String> chat = visibleAccepted(FRIEND);
        assertThat(chat).as("each part exactly once, in order").hasSize(3);
        assertThat(chat.get(0)).startsWith("PARTONE");
        assertThat(chat.get(1)).startsWith("PARTTWO");
        assertThat(chat.get(2)).startsWith("PARTTHREE");
        assertThat(String.join("\n", chat)).isEqualTo(String.join("\n", visible(new ReplySplitter().htmlParts(answer))));
        assertThat(claudeRequests()).as("Claude was asked once").isEqualTo(1);
        assertThat(outboxRows(FRIEND)).isEqualTo("0:sent,1:sent,2:sent");
        assertThat(String.join("\n", second.stdout())).contains("message parts written before this start are sent now");
    }

    @Test
    void killNineJustAfterAConfirmedReplyThenTheSameUpdateAgainIsAnsweredOnceAndClaudeAskedOnce() throws Exception {
        claude.answers("the only reply", 0);
        Map<String, String> env = outboxEnv();
        BotProcess first = start(env);
        long update = telegram.sendText(FRIEND, "say it once");
        await().atMost(Duration.ofSeconds(20)).until(() -> "0:sent".equals(outboxRows(FRIEND)));
        first.kill9();
        assertThat(visibleAccepted(FRIEND)).containsExactly("the only reply");

        // the new process has lost camel-telegram's offset: Telegram hands out the same update again
        telegram.redeliver(update);
        BotProcess second = start(env);
        await().atMost(Duration.ofSeconds(20)).until(() -> second.stdout().stream()
                .anyMatch(l -> l.contains("already handled") && l.contains(String.valueOf(FRIEND))));
        // positive control: the restarted bot does answer a new message
        claude.answers("a fresh reply", 0);
        telegram.sendText(FRIEND, "a new question");
        await().atMost(Duration.ofSeconds(20)).until(() -> visibleAccepted(FRIEND).contains("a fresh reply"));
        Thread.sleep(1500);
        assertThat(visibleAccepted(FRIEND)).containsExactly("the only reply", "a fresh reply");
        assertThat(claudeRequests()).as("once for the redelivered message, once for the new one").isEqualTo(2);
    }

    @Test
    void killNineWhileABurstIsWithClaudeThenRestartAnswersEachOfItsMessagesOnce() throws Exception {
        claude.echoes(3000);
        Map<String, String> env = outboxEnv();
        BotProcess first = start(env);
        List<String> burst = List.of("burst 1", "burst 2", "burst 3", "burst 4", "burst 5");
        for (String text : burst) {
            telegram.sendText(FRIEND, text);
        }
        // the first answered alone (its part confirmed: a part in flight at a kill may reach the chat twice, see
        // the class comment); the other four, combined into one turn, are with Claude when the bot dies
        await().atMost(Duration.ofSeconds(30)).until(() -> "0:sent".equals(outboxRows(FRIEND)) && claudeRequests() == 2);
        first.kill9();
        assertThat(query("SELECT string_agg(state, ',' ORDER BY message_id) FROM telegram_inbox WHERE chat_id = " + FRIEND))
                .isEqualTo("answered,received,received,received,received");

        // the next start resumes the four (collected again: the first alone, the rest as one turn)
        claude.echoes(0);
        start(env);
        String all = String.join("\n\n", burst);
        await().atMost(Duration.ofSeconds(30)).until(() -> answered(FRIEND).equals(all));
        Thread.sleep(1500);
        assertThat(answered(FRIEND)).as("each message answered once, in order").isEqualTo(all);
        assertThat(query("SELECT string_agg(state, ',' ORDER BY message_id) FROM telegram_inbox WHERE chat_id = " + FRIEND))
                .isEqualTo("answered,answered,answered,answered,answered");
        assertThat(claudeRequests()).as("two before the kill (the second unanswered), at most three after").isBetween(3, 5);
    }

    @Test
    void sendMessageFailingWith502ForTenSecondsIsRetriedWithBackoffAndTheReplyArrivesOnce() throws Exception {
        claude.answers("after the outage", 0);
        StubMapping outage = telegram.server().stubFor(post(urlPathMatching(SEND_MESSAGE)).atPriority(1)
                .willReturn(aResponse().withStatus(502).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error_code\":502,\"description\":\"Bad Gateway\"}")));
        start(outboxEnv());
        telegram.sendText(FRIEND, "are you there?");
        await().atMost(Duration.ofSeconds(20)).until(() -> !sendRequests(FRIEND).isEmpty());
        Thread.sleep(10_000);
        telegram.server().removeStub(outage);
        int failedAttempts = sendRequests(FRIEND).size();

        await().atMost(Duration.ofSeconds(30)).until(() -> visibleAccepted(FRIEND).contains("after the outage"));
        Thread.sleep(1500);
        assertThat(visibleAccepted(FRIEND)).containsExactly("after the outage");
        assertThat(failedAttempts).as("the outage was seen and retried (1 s, 2 s, 4 s apart)").isGreaterThanOrEqualTo(3);
        List<LoggedRequest> attempts = sendRequests(FRIEND);
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < attempts.size(); i++) {
            gaps.add(attempts.get(i).getLoggedDate().getTime() - attempts.get(i - 1).getLoggedDate().getTime());
        }
        System.out.println("outbox e2e: 502 outage, gaps between attempts (ms): " + gaps);
        for (int i = 0; i < gaps.size(); i++) {
            long backoff = Math.min(300_000, 1000L << i);
            assertThat(gaps.get(i)).as("pause before attempt %d: %s", i + 2, gaps).isGreaterThanOrEqualTo(backoff * 9 / 10);
        }
        String row = query("SELECT state || ':' || attempts FROM telegram_outbox WHERE chat_id = " + FRIEND);
        assertThat(row).isEqualTo("sent:" + failedAttempts);
    }

    @Test
    void a403ClosesThePartWithItsReasonWithoutRetryAndOtherChatsStillGetTheirReplies() throws Exception {
        claude.answers("a reply", 0);
        telegram.server().stubFor(post(urlPathMatching(SEND_MESSAGE)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.chat_id", equalTo(String.valueOf(BLOCKED))))
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot was blocked by the user\"}")));
        start(outboxEnv());
        telegram.sendText(BLOCKED, "hello from a chat that blocked the bot");
        await().atMost(Duration.ofSeconds(20)).until(() -> "0:failed".equals(outboxRows(BLOCKED)));
        telegram.sendText(FRIEND, "hello from a friend");
        await().atMost(Duration.ofSeconds(20)).until(() -> visibleAccepted(FRIEND).contains("a reply"));
        // a retry would come after 1 s (see the 502 test); give it three
        Thread.sleep(3000);
        assertThat(sendRequests(BLOCKED)).as("not retried").hasSize(1);
        assertThat(query("SELECT reason FROM telegram_outbox WHERE chat_id = " + BLOCKED)).contains("403")
                .contains("bot was blocked by the user");
        assertThat(query("SELECT payload FROM telegram_outbox WHERE chat_id = " + BLOCKED)).as("closed rows keep no text").isNull();
        assertThat(outboxRows(FRIEND)).isEqualTo("0:sent");
        assertThat(visibleAccepted(FRIEND)).containsExactly("a reply");
    }

    @Test
    void sixtyMessagesOfOneChatAreAnsweredInOrderWhileAnotherChatIsAnsweredRightAway() throws Exception {
        claude.echoes(1000);
        Map<String, String> env = env();
        env.put("TELEGRAM_ALLOWED_CHAT_IDS", FRIEND + "," + OTHER);
        env.put("TELEGRAM_CHAT_INTERVAL_MS", "1000");
        start(env);
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            telegram.sendText(FRIEND, "busy " + i);
            expected.add("busy " + i);
        }
        long sentAt = System.nanoTime();
        long update = telegram.sendText(OTHER, "just one");
        await().atMost(Duration.ofSeconds(20)).until(() -> !telegram.receivedAt(OTHER).isEmpty());
        long delayMs = (telegram.receivedAt(OTHER).get(0) - sentAt) / 1_000_000;
        Long askedAt = dev.camelassistant.support.FakeClaude.ARRIVED.get("just one");
        System.out.println("outbox e2e: the other chat's reply came " + delayMs + " ms after its message"
                           + " (Claude takes 1000 ms; 60 messages of a busy chat queued just before); handed out at +"
                           + (telegram.handedOutAt(update) - sentAt) / 1_000_000 + " ms, Claude asked at +"
                           + (askedAt == null ? "?" : String.valueOf((askedAt - sentAt) / 1_000_000)) + " ms");
        assertThat(visibleAccepted(OTHER)).containsExactly("echo: just one");
        assertThat(delayMs).isLessThan(3000);

        // the busy chat's messages that waited while its first was with Claude are answered as one turn (ChatTurns)
        String all = String.join("\n\n", expected);
        await().atMost(Duration.ofSeconds(60)).until(() -> answered(FRIEND).equals(all));
        Thread.sleep(1500);
        assertThat(answered(FRIEND)).isEqualTo(all);
        assertThat(visibleAccepted(FRIEND)).as("one answer per turn").hasSizeLessThanOrEqualTo(3);
        assertThat(claudeRequests()).as("the other chat's call and the busy chat's turns").isLessThanOrEqualTo(4);
        System.out.println("outbox e2e: 60 messages of the busy chat answered in " + visibleAccepted(FRIEND).size()
                           + " replies, the last " + (telegram.receivedAt(FRIEND).get(telegram.receivedAt(FRIEND).size() - 1)
                                                       - sentAt) / 1_000_000 + " ms after the burst");
    }

    /** The chat's accepted replies in order, each without its "echo: ", joined by a blank line. */
    private String answered(long chat) {
        return String.join("\n\n", visibleAccepted(chat).stream().map(t -> t.startsWith("echo: ") ? t.substring(6) : t).toList());
    }

    @Test
    void threeHundredStrangerMessagesHoldUpNobodyAndEachStrangerIsRefusedOnce() throws Exception {
        // 50 chats, 6 messages each: all 50 refusals, one a second, take 50 s (100 chats would take 100 s)
        int strangers = 50;
        claude.answers("the owner's answer", 0);
        start(env());
        for (int i = 0; i < 300; i++) {
            telegram.sendText(FIRST_STRANGER + i % strangers, "let me in " + i);
        }
        long sentAt = System.nanoTime();
        telegram.sendText(ADMIN, "a question of the owner");
        await().atMost(Duration.ofSeconds(20)).until(() -> visibleAccepted(ADMIN).contains("the owner's answer"));
        long delayMs = (telegram.receivedAt(ADMIN).get(telegram.receivedAt(ADMIN).size() - 1) - sentAt) / 1_000_000;
        System.out.println("outbox e2e: the owner's reply came " + delayMs + " ms after the question"
                           + " (sent right after 300 stranger messages from " + strangers + " chats; Claude instant)");
        assertThat(delayMs).isLessThan(5000);
        assertThat(refused()).as("refusals are paced: most are still waiting").isLessThan(strangers / 2);

        await().atMost(Duration.ofSeconds(strangers + 40)).until(() -> refused() >= strangers);
        Thread.sleep(2500);
        Map<Long, Long> perChat = telegram.accepted().stream().filter(s -> s.chatId() >= FIRST_STRANGER)
                .collect(Collectors.groupingBy(FakeTelegram.Sent::chatId, Collectors.counting()));
        assertThat(perChat).as("every stranger chat is refused exactly once").hasSize(strangers)
                .allSatisfy((chat, n) -> assertThat(n).as("chat %d", chat).isEqualTo(1));
        assertThat(telegram.accepted()).filteredOn(s -> s.chatId() >= FIRST_STRANGER)
                .allSatisfy(s -> assertThat(s.visible()).startsWith("Sorry, this is a private assistant"));
        List<Long> times = new ArrayList<>();
        for (long c = FIRST_STRANGER; c < FIRST_STRANGER + strangers; c++) {
            times.addAll(telegram.receivedAt(c));
        }
        times.sort(Long::compare);
        long spanMs = (times.get(times.size() - 1) - times.get(0)) / 1_000_000;
        System.out.println("outbox e2e: " + strangers + " refusals over " + spanMs + " ms");
        assertThat(spanMs).as("at most one refusal a second").isGreaterThanOrEqualTo((strangers - 1) * 900L);
        assertThat(claudeRequests()).as("strangers never reach Claude").isEqualTo(1);
    }

    @Test
    void aStreamedAnswerWhosePreviewTelegramConfirmsLateIsShownOnce() throws Exception {
        // with streaming (the default) a text with a sentence end goes out at once as a live preview (not stored);
        // Telegram takes 18 s to confirm it, then accepts it
        claude.answers("The one answer. Nothing more.", 0);
        telegram.holdNext("The one answer", 18_000);
        start(env());
        telegram.sendText(FRIEND, "a question");
        await().atMost(Duration.ofSeconds(40)).until(() -> !visibleAccepted(FRIEND).isEmpty());
        Thread.sleep(4000);
        assertThat(query("SELECT state FROM telegram_inbox WHERE chat_id = " + FRIEND)).isEqualTo("answered");
        assertThat(visibleAccepted(FRIEND)).as("outbox rows %s", outboxRows(FRIEND)).containsExactly("The one answer. Nothing more.");
    }

    // --- helpers ---

    /** About 3,500 characters of words, starting with the marker: one message of its own. */
    private static String paragraph(String marker) {
        StringBuilder sb = new StringBuilder(marker);
        int i = 0;
        while (sb.length() < 3500) {
            sb.append(' ').append("word").append(i++);
        }
        return sb.append('.').toString();
    }

    private static List<String> visible(List<String> html) {
        return html.stream().map(h -> new FakeTelegram.Sent(0, h, "HTML").visible()).toList();
    }

    /** The texts the chat shows: sendMessage calls Telegram accepted, in order. */
    private List<String> visibleAccepted(long chat) {
        return telegram.acceptedTo(chat).stream().map(FakeTelegram.Sent::visible).toList();
    }

    /** Every sendMessage request for the chat, accepted or not, oldest first. */
    private List<LoggedRequest> sendRequests(long chat) {
        List<LoggedRequest> all = new ArrayList<>(telegram.requests("sendMessage"));
        all.sort((a, b) -> a.getLoggedDate().compareTo(b.getLoggedDate()));
        return all.stream().filter(r -> {
            try {
                return JSON.readTree(r.getBodyAsString()).path("chat_id").asLong() == chat;
            } catch (Exception e) {
                return false;
            }
        }).toList();
    }

    /** part_no:state of the chat's outbox rows, in id order ("0:sent,1:pending"), or null. */
    private String outboxRows(long chat) throws Exception {
        return query("SELECT string_agg(part_no || ':' || state, ',' ORDER BY id) FROM telegram_outbox WHERE chat_id = " + chat);
    }

    private int claudeRequests() {
        return claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages"))).size();
    }

    private long refused() {
        return telegram.accepted().stream().filter(s -> s.chatId() >= FIRST_STRANGER).count();
    }
}
