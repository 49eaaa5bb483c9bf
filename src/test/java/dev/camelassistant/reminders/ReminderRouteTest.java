package dev.camelassistant.reminders;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeClaudeTools;
import dev.camelassistant.support.FakeTelegram;
import dev.camelassistant.tools.ToolRunner;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reminders through the real routes: the tool routes store them, reminders-due fires them through the
 * outbox to the fake Telegram (or to the fake Claude first, with ask_claude), /reminders lists and cancels.
 */
class ReminderRouteTest extends BotRouteTestSupport {

    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    private static final long CHAT = 91_001;
    private static final long LATE_CHAT = 91_002;
    private static final long CLAUDE_CHAT = 91_003;
    private static final long COMMAND_CHAT = 91_004;
    private static final long LOOP_CHAT = 91_005;
    private static final ObjectMapper JSON = new ObjectMapper();
    private FakeClaude claude;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        p.put("telegram.allowed-chat-ids", CHAT + "," + LATE_CHAT + "," + CLAUDE_CHAT + "," + COMMAND_CHAT + "," + LOOP_CHAT);
        p.put("assistant.timezone", ZONE.getId());
    }


    /** Runs a tool as the tool loop does (the real ToolRunner), for a conversation of the chat; returns its tool_result block. */
    private JsonNode tool(String name, long chat, Map<String, Object> input) {
        Exchange conversation = new DefaultExchange(context);
        conversation.getMessage().setHeader("chatId", String.valueOf(chat));
        conversation.getMessage().setHeader("userId", String.valueOf(chat));
        conversation.getMessage().setHeader("correlationId", "test-" + name + "-" + System.nanoTime());
        ObjectNode use = JSON.createObjectNode().put("type", "tool_use").put("id", "toolu_" + System.nanoTime()).put("name", name);
        use.set("input", JSON.valueToTree(input));
        return context.getRegistry().lookupByNameAndType("toolRunner", ToolRunner.class).run(conversation, use);
    }

    private static String content(JsonNode result) {
        assertThat(result.path("is_error").asBoolean()).as("is_error of %s", result).isFalse();
        return result.path("content").asText();
    }

    private long count(String sql) {
        return dev.camelassistant.support.Sql.count(db.dataSource(), sql);
    }

    private static String iso(Instant at) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(at.atZone(ZONE).toOffsetDateTime());
    }

    private List<String> visible(long chat) {
        return telegram.sentTo(chat).stream().map(FakeTelegram.Sent::visible).toList();
    }

    @Test
    void aScheduledReminderReachesTheChatOnceAtItsTime() {
        Instant due = Instant.now().plusMillis(1500);
        assertThat(content(tool("schedule_reminder", CHAT, Map.of("at", iso(due), "text", "stretch your legs"))))
                .startsWith("Reminder #");

        await().atMost(Duration.ofSeconds(10)).until(() -> visible(CHAT).contains("⏰ stretch your legs"));
        long arrived = System.currentTimeMillis();
        assertThat(arrived - due.toEpochMilli()).as("ms after its time").isLessThan(2_000);
        // three more rounds of the scheduler: still one message, the reminder fired and its text erased
        NotifyBuilder rounds = new NotifyBuilder(context).fromRoute("reminders-due").whenDone(3).create();
        assertThat(rounds.matches(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(visible(CHAT)).containsOnlyOnce("⏰ stretch your legs");
        assertThat(count("SELECT count(*) FROM reminders WHERE chat_id = " + CHAT + " AND state = 'fired' AND payload IS NULL"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM audit_trail WHERE action = 'reminder_fired' AND metadata->>'chatId' = '"
                            + CHAT + "'")).isEqualTo(1);
    }

    @Test
    void aReminderDueWhileTheBotWasDownIsDeliveredOnceMarkedLate() throws Exception {
        ReminderStore store = context.getRegistry().lookupByNameAndType("reminderStore", ReminderStore.class);
        Instant due = Instant.now().minus(Duration.ofHours(3));
        store.schedule(LATE_CHAT, null, "take the bread out", due, due, null, false);
        String local = DateTimeFormatter.ofPattern("HH:mm").format(due.atZone(ZONE));
        await().atMost(Duration.ofSeconds(10)).until(() -> !visible(LATE_CHAT).isEmpty());
        String expected = ZonedDateTime.now(ZONE).toLocalDate().equals(due.atZone(ZONE).toLocalDate())
                ? "⏰ (late, was due " + local + ") take the bread out"
                : "⏰ (late, was due " + ReminderTimes.local(due, Instant.now(), ZONE) + ") take the bread out";
        assertThat(visible(LATE_CHAT)).containsExactly(expected);
    }

    @Test
    void anAskClaudeReminderIsAnsweredByClaudeOnceAndItsInboxRecordIsAnswered() {
        claude.echoes(0);
        Instant due = Instant.now().plusMillis(800);
        content(tool("schedule_reminder", CLAUDE_CHAT, Map.of("at", iso(due), "text", "brief me", "ask_claude", true)));
        await().atMost(Duration.ofSeconds(15)).until(() -> visible(CLAUDE_CHAT).contains("echo: brief me"));
        await().atMost(Duration.ofSeconds(5)).until(() -> count("SELECT count(*) FROM telegram_inbox WHERE chat_id = "
                + CLAUDE_CHAT + " AND message_id < 0 AND state = 'answered' AND payload IS NULL") == 1);
        assertThat(visible(CLAUDE_CHAT)).containsOnlyOnce("echo: brief me").doesNotContain("⏰ brief me");
    }

    @Test
    void remindersListsTheChatsOwnInLocalTimeAndCancelsOne() throws Exception {
        Instant due = ZonedDateTime.now(ZONE).plusDays(2).withHour(9).withMinute(0).withSecond(0).withNano(0).toInstant();
        tool("schedule_reminder", COMMAND_CHAT, Map.of("at", iso(due), "text", "dentist", "repeat", "weekly"));
        tool("schedule_reminder", CHAT, Map.of("at", iso(due), "text", "someone else's"));
        JsonNode listed = JSON.readTree(content(tool("list_reminders", COMMAND_CHAT, new HashMap<>())));
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("text").asText()).isEqualTo("dentist");
        assertThat(listed.get(0).path("repeat").asText()).isEqualTo("weekly");
        long id = listed.get(0).path("id").asLong();

        telegram.sendText(COMMAND_CHAT, "/reminders");
        await().atMost(Duration.ofSeconds(10)).until(() -> !visible(COMMAND_CHAT).isEmpty());
        assertThat(visible(COMMAND_CHAT).get(0)).contains("#" + id + " " + ReminderTimes.local(due, Instant.now(), ZONE)
                                                         + " — dentist (weekly)").doesNotContain("someone else");

        telegram.sendText(COMMAND_CHAT, "/reminders cancel " + id);
        await().atMost(Duration.ofSeconds(10)).until(() -> visible(COMMAND_CHAT).size() == 2);
        assertThat(visible(COMMAND_CHAT).get(1)).isEqualTo("Reminder #" + id + " cancelled.");
        assertThat(count("SELECT count(*) FROM reminders WHERE id = " + id + " AND state = 'cancelled'")).isEqualTo(1);

        JsonNode refused = tool("cancel_reminder", COMMAND_CHAT, Map.of("id", id));
        assertThat(refused.path("is_error").asBoolean()).isTrue();
        assertThat(refused.path("content").asText()).isEqualTo("this chat has no pending reminder #" + id + " (see list_reminders)");
        // positive control: the tool cancels a pending one of the chat
        content(tool("schedule_reminder", COMMAND_CHAT, Map.of("at", iso(due), "text", "second")));
        long second = JSON.readTree(content(tool("list_reminders", COMMAND_CHAT, new HashMap<>()))).get(0).path("id").asLong();
        assertThat(content(tool("cancel_reminder", COMMAND_CHAT, Map.of("id", second)))).isEqualTo("Reminder #" + second + " cancelled.");
        // the tools' declarations as Claude sees them: the optional arguments are not required
        JsonNode schedule = null;
        for (JsonNode d : context.getRegistry().lookupByNameAndType("toolRunner", ToolRunner.class).definitions()) {
            if (d.path("name").asText().equals("schedule_reminder")) {
                schedule = d;
            }
        }
        assertThat(schedule).isNotNull();
        assertThat(schedule.path("input_schema").path("required").toString()).contains("at").contains("text")
                .doesNotContain("repeat").doesNotContain("ask_claude");
        assertThat(schedule.path("input_schema").path("properties").path("ask_claude").path("type").asText()).isEqualTo("boolean");
    }

    @Test
    void claudeSchedulesAReminderWithTheToolAndItArrivesAtItsTime() {
        Instant due = Instant.now().plusSeconds(3);
        String input = "{\"at\":\"" + iso(due) + "\",\"text\":\"drink water\",\"repeat\":\"daily\"}";
        claude.server().stubFor(post(urlEqualTo("/v1/messages")).withRequestBody(containing("M-remind"))
                .withRequestBody(notContaining("tool_result")).atPriority(1)
                .willReturn(FakeClaudeTools.toolUse(null, new FakeClaudeTools.Use("toolu_R1", "schedule_reminder", input))));
        claude.server().stubFor(post(urlEqualTo("/v1/messages")).withRequestBody(containing("M-remind"))
                .withRequestBody(containing("tool_result")).atPriority(1).willReturn(FakeClaudeTools.text("Done, daily.")));
        telegram.sendText(LOOP_CHAT, "M-remind me to drink water every day");
        await().atMost(Duration.ofSeconds(15)).until(() -> visible(LOOP_CHAT).contains("⏰ drink water"));
        assertThat(visible(LOOP_CHAT)).containsExactly("Done, daily.", "⏰ drink water");
        // the follow-up request carried the tool's result: the reminder's number and local time
        assertThat(claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages")).withRequestBody(containing("tool_result"))
                .withRequestBody(containing("M-remind")))).singleElement()
                .satisfies(r -> assertThat(r.getBodyAsString()).contains("Reminder #").contains("repeating daily"));
        assertThat(count("SELECT count(*) FROM reminders WHERE chat_id = " + LOOP_CHAT + " AND state = 'pending' AND fire_count = 1"
                         + " AND due_at > now() + interval '23 hours'")).isEqualTo(1);
    }
}
