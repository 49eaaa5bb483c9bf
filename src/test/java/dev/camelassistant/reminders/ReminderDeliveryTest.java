package dev.camelassistant.reminders;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.KeyRing;
import dev.camelassistant.metrics.BotMetrics;
import dev.camelassistant.support.Sql;
import dev.camelassistant.support.TestDatabaseExtension;
import dev.camelassistant.telegram.AccessControl;
import dev.camelassistant.telegram.Outbox;
import dev.camelassistant.telegram.ReplySplitter;
import dev.camelassistant.telegram.TelegramInbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The claim of due reminders against a real PostgreSQL, with the real outbox and inbox, and a Camel
 * route standing in for the Telegram lanes: each reminder is delivered once, its claim and its delivery
 * commit together or not at all.
 */
class ReminderDeliveryTest {

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();

    static final CredentialCipher CIPHER = new CredentialCipher(KeyRing.of(KeyRing.generateHex()));
    private static final AtomicLong CHATS = new AtomicLong(820_000);
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BotMetrics metrics = new BotMetrics(registry, "m");
    private final List<AuditEntry> audited = new CopyOnWriteArrayList<>();
    private final AuditEvents audit = new AuditEvents(audited::add, metrics);
    private final ReminderStore store = new ReminderStore(DB.dataSource(), CIPHER);
    /** what reached "Telegram": chat → texts */
    private final Map<Long, List<String>> delivered = new ConcurrentHashMap<>();
    private final List<Long> allowed = new CopyOnWriteArrayList<>();
    private CamelContext context;
    private Outbox outbox;
    private TelegramInbox inbox;

    @BeforeEach
    void start() throws Exception {
        context = new DefaultCamelContext();
        inbox = new TelegramInbox(DB.dataSource(), CIPHER, 100, metrics);
        outbox = new Outbox(DB.dataSource(), CIPHER, inbox, new ReplySplitter(), metrics, audit, context.createProducerTemplate(),
                "seda:dispatch?waitForTaskToComplete=Never", 64 << 20, Duration.ofHours(1), 1000);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("seda:dispatch").process(e -> delivered.computeIfAbsent(
                        Long.parseLong(e.getMessage().getHeader("chatId", String.class)), k -> new CopyOnWriteArrayList<>())
                        .add(e.getMessage().getBody(String.class))).bean(outbox, "sent");
            }
        });
        context.start();
    }

    @AfterEach
    void stop() {
        outbox.close();
        context.stop();
    }

    private ReminderDelivery delivery(Instant now) {
        String allowedList = String.join(",", allowed.stream().map(String::valueOf).toList());
        return new ReminderDelivery(store, outbox, inbox, new AccessControl("1", allowedList), audit, metrics, BERLIN,
                Clock.fixed(now, ZoneOffset.UTC), 100, Duration.ofSeconds(60));
    }

    private long chat() {
        long chat = CHATS.incrementAndGet();
        allowed.add(chat);
        return chat;
    }

    private long schedule(long chat, String text, Instant due, Repeat repeat, boolean askClaude) throws SQLException {
        return store.schedule(chat, "u" + chat, text, due, due, repeat, askClaude);
    }

    private List<String> delivered(long chat) {
        return delivered.getOrDefault(chat, List.of());
    }

    @Test
    void aDueReminderIsDeliveredOnceEvenWhenRoundsRunAtTheSameTime() throws Exception {
        long chat = chat();
        Instant now = Instant.now();
        long id = schedule(chat, "water the plants", now.minusMillis(300), null, false);
        long future = schedule(chat, "not yet", now.plusSeconds(3600), null, false);

        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<List<ReminderDelivery.Firing>>> rounds = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ReminderDelivery d = delivery(now);
            rounds.add(pool.submit(d::claimDueOrFail));
        }
        int fired = 0;
        for (Future<List<ReminderDelivery.Firing>> f : rounds) {
            fired += (int) f.get().stream().filter(x -> x.chatId() == chat).count();
        }
        pool.shutdown();

        assertThat(fired).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered(chat).size() == 1);
        assertThat(delivered(chat)).containsExactly("⏰ water the plants");
        assertThat(DB.count("SELECT count(*) FROM telegram_outbox WHERE chat_id = " + chat)).isEqualTo(1);
        assertThat(DB.count("SELECT count(*) FROM reminders WHERE id = " + id + " AND state = 'fired' AND payload IS NULL"
                            + " AND fire_count = 1")).isEqualTo(1);
        // positive control of "due": the one in an hour is still pending, with its text
        assertThat(store.pending(chat)).extracting(Reminder::id).containsExactly(future);
        await().atMost(Duration.ofSeconds(5)).until(() -> DB.count("SELECT count(*) FROM telegram_outbox WHERE chat_id = " + chat
                                                                + " AND state = 'sent'") == 1);
    }

    @Test
    void aReminderFiredLongAfterItsTimeSaysItIsLateAndWhenItWasDue() throws Exception {
        long chat = chat();
        Instant now = Instant.parse("2026-12-07T10:00:00Z");
        schedule(chat, "standup", Instant.parse("2026-12-07T08:00:00Z"), null, false); // 09:00 in Berlin
        schedule(chat, "coffee", now.minusSeconds(30), null, false); // within a minute: on time
        List<ReminderDelivery.Firing> fired = delivery(now).claimDueOrFail();
        assertThat(fired).extracting(ReminderDelivery.Firing::latenessMs).containsExactly(7_200_000L, 30_000L);
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered(chat).size() == 2);
        assertThat(delivered(chat)).containsExactly("⏰ (late, was due 09:00) standup", "⏰ coffee");
    }

    @Test
    void aRepeatingReminderFiresOnceAndWaitsForItsNextOccurrence() throws Exception {
        long chat = chat();
        Instant due = Instant.parse("2026-12-04T06:30:00Z"); // Friday 07:30 in Berlin
        long id = schedule(chat, "briefing", due, Repeat.WEEKDAYS, false);
        Instant now = due.plusMillis(400);
        assertThat(delivery(now).claimDueOrFail()).hasSize(1);
        assertThat(delivery(now).claimDueOrFail()).isEmpty();
        Reminder r = store.pending(chat).get(0);
        assertThat(r.id()).isEqualTo(id);
        assertThat(r.dueAt()).isEqualTo(Instant.parse("2026-12-07T06:30:00Z")); // Monday
        assertThat(r.text()).isEqualTo("briefing");
        assertThat(DB.count("SELECT fire_count FROM reminders WHERE id = " + id)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered(chat).size() == 1);
    }

    @Test
    void anAskClaudeReminderIsRecordedInTheInboxAsAMessageOfItsChatNotSent() throws Exception {
        long chat = chat();
        Instant now = Instant.now();
        schedule(chat, "what is on my agenda today?", now.minusMillis(100), null, true);
        List<ReminderDelivery.Firing> fired = delivery(now).claimDueOrFail();
        assertThat(fired).hasSize(1);
        ReminderDelivery.Firing f = fired.get(0);
        assertThat(f.askClaude()).isTrue();
        assertThat(f.messageId()).isNegative();
        assertThat(f.text()).isEqualTo("what is on my agenda today?");
        assertThat(DB.count("SELECT count(*) FROM telegram_inbox WHERE chat_id = " + chat + " AND message_id = " + f.messageId()
                            + " AND state = 'received' AND correlation_id = '" + f.correlationId() + "'")).isEqualTo(1);
        assertThat(Sql.string(DB.dataSource(), "SELECT payload FROM telegram_inbox WHERE chat_id = " + chat)).doesNotContain("agenda");
        assertThat(inbox.pending()).isEqualTo(1);
        assertThat(DB.count("SELECT count(*) FROM telegram_outbox WHERE chat_id = " + chat)).isZero();
    }

    @Test
    void theClaimAndTheDeliveryCommitTogether_aFailedOutboxWriteLeavesEveryReminderOfTheRoundPending() throws Exception {
        long good = chat();
        long failing = chat();
        Instant now = Instant.now();
        schedule(good, "fine", now.minusMillis(200), null, false);
        schedule(failing, "breaks the write", now.minusMillis(100), null, false);
        Sql.execute(DB.dataSource(), "CREATE FUNCTION refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS"
                                     + " $$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$");
        Sql.execute(DB.dataSource(), "CREATE TRIGGER refuse_outbox BEFORE INSERT ON telegram_outbox FOR EACH ROW"
                                     + " WHEN (NEW.chat_id = " + failing + ") EXECUTE FUNCTION refuse_outbox()");
        try {
            assertThat(delivery(now).claimDue()).isEmpty();
            assertThat(store.pending(good)).hasSize(1);
            assertThat(store.pending(failing)).hasSize(1);
            assertThat(DB.count("SELECT count(*) FROM telegram_outbox WHERE chat_id IN (" + good + ", " + failing + ")")).isZero();
        } finally {
            Sql.execute(DB.dataSource(), "DROP TRIGGER refuse_outbox ON telegram_outbox");
            Sql.execute(DB.dataSource(), "DROP FUNCTION refuse_outbox()");
        }
        // the next round fires both, once
        assertThat(delivery(now).claimDue()).hasSize(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered(good).size() == 1 && delivered(failing).size() == 1);
    }

    @Test
    void aRowTheKeysCannotOpenStaysPendingAndHoldsUpNoOther() throws Exception {
        long chat = chat();
        Instant now = Instant.now();
        long broken = schedule(chat, "sealed for another id", now.minusMillis(300), null, false);
        long fine = schedule(chat, "fine", now.minusMillis(200), null, false);
        // the sealed text of one row copied into another: bound to its own id, it does not open there
        Sql.execute(DB.dataSource(), "UPDATE reminders SET payload = (SELECT payload FROM reminders WHERE id = " + fine + ")"
                                     + " WHERE id = " + broken);
        List<ReminderDelivery.Firing> fired = delivery(now).claimDueOrFail();
        assertThat(fired).extracting(ReminderDelivery.Firing::reminderId).containsExactly(fine);
        assertThat(DB.count("SELECT count(*) FROM reminders WHERE id = " + broken + " AND state = 'pending'")).isEqualTo(1);
        assertThat(registry.get(BotMetrics.ROWS_UNREADABLE).tag("table", "reminders").counter().count()).isEqualTo(1);
    }

    @Test
    void aReminderOfAChatNoLongerAllowedIsCancelledNotDelivered() throws Exception {
        long chat = CHATS.incrementAndGet(); // not in the allowed list
        long allowedChat = chat();
        Instant now = Instant.now();
        long id = schedule(chat, "ex-friend", now.minusMillis(100), Repeat.DAILY, true);
        schedule(allowedChat, "friend", now.minusMillis(100), null, false);
        List<ReminderDelivery.Firing> fired = delivery(now).claimDueOrFail();
        assertThat(fired).filteredOn(ReminderDelivery.Firing::cancelled).extracting(ReminderDelivery.Firing::reminderId)
                .containsExactly(id);
        assertThat(DB.count("SELECT count(*) FROM reminders WHERE id = " + id + " AND state = 'cancelled' AND payload IS NULL"))
                .isEqualTo(1);
        assertThat(DB.count("SELECT count(*) FROM telegram_inbox WHERE chat_id = " + chat)).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered(allowedChat).size() == 1);
        assertThat(delivered(chat)).isEmpty();
    }
}
