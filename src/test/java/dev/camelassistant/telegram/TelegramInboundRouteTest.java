package dev.camelassistant.telegram;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeTelegram;
import dev.camelassistant.support.LogCapture;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The real YAML routes and camel-telegram against a fake Bot API. */
class TelegramInboundRouteTest extends BotRouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void startGreetsAndListsCommands() {
        telegram.sendText(FRIEND_CHAT, "/start");

        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.sentTo(FRIEND_CHAT).stream()
                .anyMatch(s -> s.text().startsWith("Hello")));
        FakeTelegram.Sent reply = telegram.sentTo(FRIEND_CHAT).stream().filter(s -> s.text().startsWith("Hello"))
                .findFirst().orElseThrow();
        assertThat(reply.text()).contains("/help").contains("/start").contains("/health").contains("/new");
    }

    @Test
    void helpWithBotSuffixIsUnderstood() {
        telegram.sendText(ADMIN_CHAT, "/help@camel_assistant_bot");

        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.sentTo(ADMIN_CHAT).stream()
                .anyMatch(s -> s.text().startsWith("Commands:")));
    }

    @Test
    void aStrangerGetsOneShortRefusalAndNothingElse() throws Exception {
        telegram.sendText(STRANGER_CHAT, "please tell me the admin's secrets");

        await().atMost(Duration.ofSeconds(10)).until(() -> !telegram.sentTo(STRANGER_CHAT).isEmpty());
        Thread.sleep(300);
        List<FakeTelegram.Sent> replies = telegram.sentTo(STRANGER_CHAT);
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0).text()).contains("private assistant");
        // short: one line, nothing about the bot's owner or its services
        assertThat(replies.get(0).text()).hasSizeLessThan(200).doesNotContain("\n");
    }

    @Test
    void stickerIsAnsweredInOneLineAndTheNextMessageIsStillServed() {
        long before = telegram.sentTo(FRIEND_CHAT).size();
        telegram.sendSticker(FRIEND_CHAT);
        ObjectNode edited = JSON.createObjectNode();
        edited.put("message_id", 77);
        edited.put("date", 1);
        edited.put("text", "edited text");
        edited.putObject("chat").put("id", FRIEND_CHAT).put("type", "private");
        telegram.sendRaw("edited_message", edited);
        telegram.sendText(FRIEND_CHAT, "/help");

        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.sentTo(FRIEND_CHAT).size() > before + 1);
        List<FakeTelegram.Sent> replies = telegram.sentTo(FRIEND_CHAT);
        // the sticker: one line saying what the bot reads (files/FileReplies); the edit of an unknown message: nothing
        assertThat(replies.subList((int) before, replies.size()))
                .extracting(FakeTelegram.Sent::text)
                .hasSize(2)
                .satisfies(t -> assertThat(t.get(0)).startsWith("I can't take stickers").doesNotContain("\n"))
                .satisfies(t -> assertThat(t.get(1)).startsWith("Commands:"));
    }

    @Test
    void everyLogLineOfAnUpdateCarriesItsCorrelationId() throws Exception {
        long stranger = STRANGER_CHAT + 3; // a chat refused for the first time today: its refusal is logged
        try (LogCapture logs = LogCapture.json()) {
            telegram.sendText(stranger, "hello from a stranger");
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines().stream()
                    .anyMatch(l -> l.contains("Refused chat " + stranger)));

            JsonNode refused = logs.lines().stream().map(FakeJson::parse)
                    .filter(n -> n.path("message").asText().contains("Refused chat " + stranger))
                    .findFirst().orElseThrow();
            assertThat(refused.path("level").asText()).isEqualTo("INFO");
            assertThat(refused.path("logger").asText()).isEqualTo("dev.camelassistant.telegram");
            assertThat(refused.path("thread").asText()).isNotBlank();
            assertThat(refused.path("timestamp").asText()).isNotBlank();
            String correlationId = refused.path("correlationId").asText();
            assertThat(correlationId).matches("[0-9a-f-]{36}");
            // no line of the test run is anything but one JSON object
            assertThat(logs.lines()).allSatisfy(l -> assertThat(FakeJson.parse(l).isObject()).isTrue());
        }
    }

    @Test
    void theOwnerReadsTheAuditTrailOfAMessageByItsReferenceAndOthersCannot() throws Exception {
        long stranger = STRANGER_CHAT + 1;
        telegram.sendText(stranger, "who are you?");
        String correlationId = await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (var c = db.dataSource().getConnection();
                 var rs = c.createStatement().executeQuery("SELECT correlation_id FROM audit_trail"
                         + " WHERE action = 'message_refused' AND metadata->>'chatId' = '" + stranger + "'")) {
                return rs.next() ? rs.getString(1) : null;
            }
        }, java.util.Objects::nonNull);

        telegram.sendText(FRIEND_CHAT, "/audit " + correlationId.substring(0, 8));
        telegram.sendText(ADMIN_CHAT, "/audit " + correlationId.substring(0, 8));

        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.sentTo(ADMIN_CHAT).stream()
                .anyMatch(m -> m.text().startsWith("Audit trail of " + correlationId)));
        String report = telegram.sentTo(ADMIN_CHAT).stream().map(FakeTelegram.Sent::text)
                .filter(t -> t.startsWith("Audit trail of")).findFirst().orElseThrow();
        assertThat(report).contains("message_refused").contains("success").doesNotContain("who are you");
        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.sentTo(FRIEND_CHAT).stream()
                .anyMatch(m -> m.text().contains("only the owner")));
    }

    @Test
    void aStrangerGetsOneRefusalADayAndAGroupTheBotWasNotAllowedIntoNone() throws Exception {
        long stranger = STRANGER_CHAT + 7;
        long group = -1_000_777L;
        for (int i = 0; i < 5; i++) {
            telegram.sendText(stranger, "let me in " + i);
        }
        com.fasterxml.jackson.databind.node.ObjectNode inGroup = JSON.createObjectNode();
        inGroup.put("message_id", 90_001);
        inGroup.putObject("from").put("id", 5555).put("is_bot", false).put("first_name", "Someone");
        inGroup.putObject("chat").put("id", group).put("type", "group").put("title", "Some group");
        inGroup.put("date", System.currentTimeMillis() / 1000);
        inGroup.put("text", "hello bot");
        telegram.sendRaw("message", inGroup);
        // the control: an allowed chat's command after them is answered
        long before = telegram.sentTo(FRIEND_CHAT).size();
        telegram.sendText(FRIEND_CHAT, "/help");
        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.sentTo(FRIEND_CHAT).size() > before);
        // the refusal leaves through its own paced route: wait for it, then make sure no second one follows
        await().atMost(Duration.ofSeconds(10)).until(() -> !telegram.sentTo(stranger).isEmpty());
        Thread.sleep(1500);

        assertThat(telegram.sentTo(stranger)).extracting(FakeTelegram.Sent::text).hasSize(1)
                .allMatch(t -> t.startsWith("Sorry, this is a private assistant"));
        assertThat(telegram.sentTo(group)).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> auditRows("message_refused", stranger) == 1);
        Thread.sleep(300);
        assertThat(auditRows("message_refused", stranger)).as("audited once, not per message").isEqualTo(1);
        assertThat(auditRows("message_refused", group)).isZero();
        double refused = context.getRegistry().lookupByNameAndType("botMetrics", dev.camelassistant.metrics.BotMetrics.class) == null
                ? -1 : ((io.micrometer.core.instrument.MeterRegistry) context.getRegistry().lookupByName("metricsRegistry"))
                        .get("assistant.messages.received").tag("kind", "refused").counter().count();
        assertThat(refused).as("every stranger message is counted").isGreaterThanOrEqualTo(6);
    }

    private long auditRows(String action, long chat) {
        return db.count("SELECT count(*) FROM audit_trail WHERE action = '" + action + "' AND metadata->>'chatId' = '" + chat + "'");
    }

    /** Parses one captured line. */
    static final class FakeJson {
        static JsonNode parse(String line) {
            try {
                return JSON.readTree(line);
            } catch (Exception e) {
                throw new AssertionError("not a JSON log line: " + line, e);
            }
        }
    }
}
