package dev.camelassistant.reminders;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.common.Headers;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.KeyRing;
import dev.camelassistant.metrics.BotMetrics;
import dev.camelassistant.support.Sql;
import dev.camelassistant.support.TestDatabaseExtension;
import dev.camelassistant.tools.ToolException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reminders table and the tools over it, against a real PostgreSQL. */
class ReminderStoreTest {

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();

    static final CredentialCipher CIPHER = new CredentialCipher(KeyRing.of(KeyRing.generateHex()));
    private static final AtomicLong CHATS = new AtomicLong(810_000);
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    /** Monday 7 December 2026, 08:00 in Berlin */
    private static final Instant NOW = Instant.parse("2026-12-07T07:00:00Z");

    private final List<AuditEntry> audited = new CopyOnWriteArrayList<>();
    private final ReminderStore store = new ReminderStore(DB.dataSource(), CIPHER);
    private final ReminderTools tools = new ReminderTools(store, new AuditEvents(audited::add,
            new BotMetrics(new SimpleMeterRegistry(), "m")), BERLIN, Clock.fixed(NOW, ZoneOffset.UTC), 3);

    private static Exchange call(long chatId, Map<String, Object> input) {
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        e.getMessage().setHeader(Headers.CHAT_ID, String.valueOf(chatId));
        e.getMessage().setHeader(Headers.USER_ID, "u" + chatId);
        e.getMessage().setBody(input);
        return e;
    }

    @Test
    void theTextIsStoredEncryptedAndBoundToItsChatAndId() throws Exception {
        long chat = CHATS.incrementAndGet();
        String result = tools.schedule(call(chat, Map.of("at", "2026-12-07T09:00:00+01:00", "text", "call Anna about the swordfish")));
        assertThat(result).startsWith("Reminder #").contains("Mon 7 Dec 09:00").contains("2026-12-07T09:00:00+01:00");

        String raw = Sql.string(DB.dataSource(), "SELECT r::text FROM reminders r WHERE chat_id = " + chat);
        assertThat(raw).doesNotContain("swordfish").doesNotContain("Anna");
        // positive control: the store reads it back
        assertThat(store.pending(chat)).extracting(Reminder::text).containsExactly("call Anna about the swordfish");

        // the sealed text moved to another chat does not open there
        long other = CHATS.incrementAndGet();
        Sql.execute(DB.dataSource(), "UPDATE reminders SET chat_id = " + other + " WHERE chat_id = " + chat);
        assertThat(store.pending(other)).extracting(Reminder::text).containsExactly((String) null);
    }

    @Test
    void schedulingIsAuditedWithoutTheText() throws Exception {
        long chat = CHATS.incrementAndGet();
        tools.schedule(call(chat, Map.of("at", "2026-12-08T07:30:00+01:00", "text", "secret plans", "repeat", "weekdays",
                "ask_claude", true)));
        AuditEntry e = audited.stream().filter(a -> a.action().equals("reminder_scheduled")).findFirst().orElseThrow();
        assertThat(e.metadata()).containsEntry("repeat", "weekdays").containsEntry("askClaude", true)
                .containsEntry("dueAt", "2026-12-08T06:30:00Z");
        assertThat(e.toString()).doesNotContain("secret plans");
        Reminder r = store.pending(chat).get(0);
        assertThat(r.repeat()).isEqualTo(Repeat.WEEKDAYS);
        assertThat(r.askClaude()).isTrue();
    }

    @Test
    void aTimeWithoutOffsetInThePastOrUnparsableIsRefusedWithASentenceForClaude() throws SQLException {
        long chat = CHATS.incrementAndGet();
        assertThatThrownBy(() -> tools.schedule(call(chat, Map.of("at", "2026-12-07T09:00:00", "text", "x"))))
                .isInstanceOf(ToolException.class).hasMessageContaining("offset").hasMessageContaining("Europe/Berlin");
        assertThatThrownBy(() -> tools.schedule(call(chat, Map.of("at", "tomorrow at 9", "text", "x"))))
                .isInstanceOf(ToolException.class).hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> tools.schedule(call(chat, Map.of("at", "2026-12-07T07:00:00+01:00", "text", "x"))))
                .isInstanceOf(ToolException.class).hasMessageContaining("in the past").hasMessageContaining("2026-12-07T08:00:00+01:00");
        assertThatThrownBy(() -> tools.schedule(call(chat, Map.of("at", "2026-12-07T09:00:00+01:00", "text", " "))))
                .isInstanceOf(ToolException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> tools.schedule(call(chat, Map.of("at", "2026-12-07T09:00:00+01:00", "text", "x", "repeat", "hourly"))))
                .isInstanceOf(ToolException.class).hasMessageContaining("daily, weekdays, weekly, monthly");
        assertThat(DB.count("SELECT count(*) FROM reminders WHERE chat_id = " + chat)).isZero();
        // positive control: a minute ago still counts as now
        assertThat(tools.schedule(call(chat, Map.of("at", "2026-12-07T07:59:00+01:00", "text", "x")))).startsWith("Reminder #");
    }

    @Test
    void aRepeatingReminderAskedForATimeAlreadyPastTodayStartsAtItsNextOccurrence() throws Exception {
        long chat = CHATS.incrementAndGet();
        tools.schedule(call(chat, Map.of("at", "2026-12-07T07:30:00+01:00", "text", "briefing", "repeat", "daily")));
        Reminder r = store.pending(chat).get(0);
        assertThat(r.dueAt()).isEqualTo(Instant.parse("2026-12-08T06:30:00Z"));
        assertThat(r.anchor()).isEqualTo(Instant.parse("2026-12-07T06:30:00Z"));
    }

    @Test
    void aChatListsAndCancelsOnlyItsOwnReminders() throws Exception {
        long mine = CHATS.incrementAndGet();
        long theirs = CHATS.incrementAndGet();
        tools.schedule(call(mine, Map.of("at", "2026-12-09T10:00:00+01:00", "text", "later")));
        tools.schedule(call(mine, Map.of("at", "2026-12-08T10:00:00+01:00", "text", "sooner", "repeat", "weekly")));
        tools.schedule(call(theirs, Map.of("at", "2026-12-08T10:00:00+01:00", "text", "not yours")));

        List<Map<String, Object>> listed = tools.list(call(mine, Map.of()));
        assertThat(listed).extracting(m -> m.get("text")).containsExactly("sooner", "later");
        assertThat(listed.get(0)).containsEntry("repeat", "weekly").containsEntry("at", "2026-12-08T10:00:00+01:00")
                .containsEntry("local", "Tue 8 Dec 10:00");

        long theirId = store.pending(theirs).get(0).id();
        assertThatThrownBy(() -> tools.cancel(call(mine, Map.of("id", theirId))))
                .isInstanceOf(ToolException.class).hasMessageContaining("#" + theirId);
        assertThat(store.pending(theirs)).hasSize(1);

        long myId = (Long) listed.get(0).get("id");
        assertThat(tools.cancel(call(mine, Map.of("id", (int) myId)))).isEqualTo("Reminder #" + myId + " cancelled.");
        assertThat(store.pending(mine)).extracting(Reminder::text).containsExactly("later");
        assertThat(DB.count("SELECT count(*) FROM reminders WHERE id = " + myId + " AND state = 'cancelled' AND payload IS NULL"))
                .isEqualTo(1);
        assertThat(audited).anyMatch(a -> a.action().equals("reminder_cancelled") && a.metadata().get("reminderId").equals(myId));
        // cancelled twice: refused
        assertThatThrownBy(() -> tools.cancel(call(mine, Map.of("id", myId)))).isInstanceOf(ToolException.class);
    }

    @Test
    void aChatCannotHoldMoreThanItsBoundOfPendingReminders() throws Exception {
        long chat = CHATS.incrementAndGet();
        for (int i = 0; i < 3; i++) {
            tools.schedule(call(chat, Map.of("at", "2026-12-09T10:00:00+01:00", "text", "r" + i)));
        }
        assertThatThrownBy(() -> tools.schedule(call(chat, Map.of("at", "2026-12-09T10:00:00+01:00", "text", "one more"))))
                .isInstanceOf(ToolException.class).hasMessageContaining("3 pending");
    }

    @Test
    void theCommandListsLocalTimesAndCancelsTheChatsOwn() throws SQLException {
        long chat = CHATS.incrementAndGet();
        ReminderCommand command = new ReminderCommand(store, tools, BERLIN, Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(command.replyTo(commandCall(chat, "/reminders"))).startsWith("No reminders.");
        tools.schedule(call(chat, Map.of("at", "2026-12-07T09:00:00+01:00", "text", "stand-up", "repeat", "daily")));
        tools.schedule(call(chat, Map.of("at", "2027-01-04T09:00:00+01:00", "text", "new year", "ask_claude", true)));
        List<Reminder> rs = store.pending(chat);
        String listed = command.replyTo(commandCall(chat, "/reminders"));
        assertThat(listed).contains("#" + rs.get(0).id() + " Mon 7 Dec 09:00 — stand\\-up (daily)")
                .contains("#" + rs.get(1).id() + " Mon 4 Jan 2027 09:00 — new year · for Claude");

        long other = CHATS.incrementAndGet();
        assertThat(command.replyTo(commandCall(other, "/reminders cancel " + rs.get(0).id()))).contains("no pending reminder");
        assertThat(command.replyTo(commandCall(chat, "/reminders cancel " + rs.get(0).id())))
                .isEqualTo("Reminder #" + rs.get(0).id() + " cancelled.");
        assertThat(store.pending(chat)).hasSize(1);
        assertThat(command.replyTo(commandCall(chat, "/reminders delete all"))).startsWith("Usage:");
    }

    private static Exchange commandCall(long chat, String text) {
        Exchange e = call(chat, null);
        e.getMessage().setBody(text);
        return e;
    }
}
