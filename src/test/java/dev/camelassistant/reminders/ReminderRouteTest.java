package dev.camelassistant.reminders;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeTelegram;
import dev.camelassistant.support.StubToolComponent;
import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

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
    private FakeClaude claude;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        p.put("telegram.allowed-chat-ids", CHAT + "," + LATE_CHAT + "," + CLAUDE_CHAT + "," + COMMAND_CHAT);
        p.put("assistant.timezone", ZONE.getId());
    }

    @Override
    protected Registry createCamelRegistry() throws Exception {
        Registry registry = super.createCamelRegistry();
        registry.bind("tool", new StubToolComponent());
        return registry;
    }

    /** Calls a tool route as the tool loop does: input as the body and as headers, the conversation's headers. */
    private Exchange tool(String name, long chat, Map<String, Object> input) {
        Exchange e = new DefaultExchange(context);
        e.getMessage().setBody(new LinkedHashMap<>(input));
        input.forEach(e.getMessage()::setHeader);
        e.getMessage().setHeader("chatId", String.valueOf(chat));
        e.getMessage().setHeader("userId", String.valueOf(chat));
        e.getMessage().setHeader("correlationId", "test-" + name + "-" + System.nanoTime());
        return template.send("tool:" + name, e);
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
        Exchange done = tool("schedule_reminder", CHAT, Map.of("at", iso(due), "text", "stretch your legs"));
        assertThat(done.getException()).isNull();
        assertThat(done.getMessage().getBody(String.class)).startsWith("Reminder #");

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
        Exchange done = tool("schedule_reminder", CLAUDE_CHAT, Map.of("at", iso(due), "text", "brief me", "ask_claude", true));
        assertThat(done.getException()).isNull();
        await().atMost(Duration.ofSeconds(15)).until(() -> visible(CLAUDE_CHAT).contains("echo: brief me"));
        await().atMost(Duration.ofSeconds(5)).until(() -> count("SELECT count(*) FROM telegram_inbox WHERE chat_id = "
                + CLAUDE_CHAT + " AND message_id < 0 AND state = 'answered' AND payload IS NULL") == 1);
        assertThat(visible(CLAUDE_CHAT)).containsOnlyOnce("echo: brief me").doesNotContain("⏰ brief me");
    }

    @Test
    void remindersListsTheChatsOwnInLocalTimeAndCancelsOne() {
        Instant due = ZonedDateTime.now(ZONE).plusDays(2).withHour(9).withMinute(0).withSecond(0).withNano(0).toInstant();
        tool("schedule_reminder", COMMAND_CHAT, Map.of("at", iso(due), "text", "dentist", "repeat", "weekly"));
        tool("schedule_reminder", CHAT, Map.of("at", iso(due), "text", "someone else's"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> listed = tool("list_reminders", COMMAND_CHAT, new HashMap<>()).getMessage().getBody(List.class);
        assertThat(listed).hasSize(1);
        long id = ((Number) listed.get(0).get("id")).longValue();

        telegram.sendText(COMMAND_CHAT, "/reminders");
        await().atMost(Duration.ofSeconds(10)).until(() -> !visible(COMMAND_CHAT).isEmpty());
        assertThat(visible(COMMAND_CHAT).get(0)).contains("#" + id + " " + ReminderTimes.local(due, Instant.now(), ZONE)
                                                         + " — dentist (weekly)").doesNotContain("someone else");

        telegram.sendText(COMMAND_CHAT, "/reminders cancel " + id);
        await().atMost(Duration.ofSeconds(10)).until(() -> visible(COMMAND_CHAT).size() == 2);
        assertThat(visible(COMMAND_CHAT).get(1)).isEqualTo("Reminder #" + id + " cancelled.");
        assertThat(count("SELECT count(*) FROM reminders WHERE id = " + id + " AND state = 'cancelled'")).isEqualTo(1);

        Exchange refused = tool("cancel_reminder", COMMAND_CHAT, Map.of("id", id));
        assertThat(refused.getException()).isInstanceOf(dev.camelassistant.tools.ToolException.class)
                .hasMessageContaining("no pending reminder #" + id);
        // positive control: the tool cancels a pending one of the chat
        tool("schedule_reminder", COMMAND_CHAT, Map.of("at", iso(due), "text", "second"));
        Map<?, ?> second = (Map<?, ?>) tool("list_reminders", COMMAND_CHAT, new HashMap<>()).getMessage().getBody(List.class).get(0);
        Exchange cancelled = tool("cancel_reminder", COMMAND_CHAT, Map.of("id", ((Number) second.get("id")).intValue()));
        assertThat(cancelled.getException()).isNull();
        assertThat(cancelled.getMessage().getBody(String.class)).isEqualTo("Reminder #" + second.get("id") + " cancelled.");
    }
}
