package dev.camelassistant.telegram;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import javax.sql.DataSource;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.common.Headers;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.KeyRing;
import dev.camelassistant.metrics.BotMetrics;
import dev.camelassistant.support.TestDatabaseExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.telegram.TelegramConstants;
import org.apache.camel.component.telegram.model.MessageResult;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox against a real PostgreSQL, with a Camel route standing in for the Telegram lanes: a
 * processor that answers like Telegram (a confirmation, or camel-telegram's "responded: NNN" failure).
 */
class OutboxTest {

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();

    static final CredentialCipher CIPHER = new CredentialCipher(KeyRing.of(KeyRing.generateHex()));
    private static final AtomicInteger CHATS = new AtomicInteger(500_000);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BotMetrics metrics = new BotMetrics(registry, "m");
    private final List<AuditEntry> audited = new CopyOnWriteArrayList<>();
    private final AtomicBoolean databaseDown = new AtomicBoolean();
    private final List<CamelContext> contexts = new ArrayList<>();
    private final List<Outbox> outboxes = new ArrayList<>();

    /** What the fake Telegram saw: chat → texts in the order they arrived (failed attempts included). */
    private final Map<Long, List<String>> attempts = new ConcurrentHashMap<>();
    private final Map<Long, List<String>> delivered = new ConcurrentHashMap<>();
    private final Map<Long, List<Long>> deliveredAt = new ConcurrentHashMap<>();
    private final Map<Long, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger mostInFlightForOneChat = new AtomicInteger();
    /** (chat, attempt number from 1) → the HTTP status Telegram answers; 200 confirms */
    private volatile BiFunction<Long, Integer, Integer> telegramAnswers = (chat, attempt) -> 200;
    private volatile CountDownLatch telegramBlocked = new CountDownLatch(0);

    @AfterEach
    void stop() {
        outboxes.forEach(Outbox::close);
        contexts.forEach(CamelContext::stop);
    }

    @Test
    void aReplysPartsAreStoredEncryptedWithTheInboxMarkThenSentInOrderOneAtATimeAndMarkedSent() throws Exception {
        long chat = CHATS.incrementAndGet();
        insertInbox(chat, 7);
        Outbox outbox = outbox(64 << 20);
        String secret = "the launch code is swordfish";
        String reply = threeParts(secret);

        outbox.store(reply(chat, 7L, reply));

        List<String> expected = new ReplySplitter().htmlParts(reply);
        assertThat(expected).hasSize(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered(chat).size() == 3);
        assertThat(delivered(chat)).containsExactlyElementsOf(expected);
        assertThat(mostInFlightForOneChat.get()).as("one part of a chat on its way at a time").isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> DB.count("SELECT count(*) FROM telegram_outbox WHERE chat_id = " + chat
                                                                + " AND state = 'sent' AND payload IS NULL") == 3);
        assertThat(query("SELECT state FROM telegram_inbox WHERE chat_id = " + chat + " AND message_id = 7"))
                .containsExactly("answered");
        assertThat(outbox.waiting()).isZero();
        assertThat(outbox.heldBytes()).isZero();
    }

    @Test
    void theReplyToABurstMarksEveryMessageItAnswersInItsTransactionAndNoOther() throws Exception {
        long chat = CHATS.incrementAndGet();
        for (long id = 1; id <= 4; id++) {
            insertInbox(chat, id);
        }
        Outbox outbox = outbox(64 << 20);
        Exchange reply = reply(chat, 2L, "one answer to three messages");
        reply.setVariable(Bursts.MESSAGE_IDS, List.of(2L, 3L, 4L));

        outbox.store(reply);

        assertThat(query("SELECT message_id || ':' || state FROM telegram_inbox WHERE chat_id = " + chat + " ORDER BY message_id"))
                .as("message 1 was answered by an earlier turn, not this one")
                .containsExactly("1:received", "2:answered", "3:answered", "4:answered");
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered(chat).size() == 1);
    }

    @Test
    void whenTheOutboxTransactionFailsNoneOfTheBurstsMessagesIsMarkedAnswered() throws Exception {
        long chat = CHATS.incrementAndGet();
        insertInbox(chat, 1);
        insertInbox(chat, 2);
        Outbox outbox = outbox(64 << 20);
        // the mark of message 2 fails inside the transaction: the parts and the mark of message 1 roll back with it
        // (the reply then waits in memory, as when the database is away)
        execute("CREATE FUNCTION fail_mark_" + chat + "() RETURNS trigger AS $$ BEGIN"
                + " IF NEW.chat_id = " + chat + " AND NEW.message_id = 2 AND NEW.state = 'answered' THEN RAISE EXCEPTION 'refused'; END IF;"
                + " RETURN NEW; END $$ LANGUAGE plpgsql");
        execute("CREATE TRIGGER fail_mark_" + chat + " BEFORE UPDATE ON telegram_inbox FOR EACH ROW EXECUTE FUNCTION fail_mark_" + chat + "()");
        try {
            Exchange reply = reply(chat, 1L, "one answer to two messages");
            reply.setVariable(Bursts.MESSAGE_IDS, List.of(1L, 2L));
            outbox.store(reply);
            assertThat(query("SELECT message_id || ':' || state FROM telegram_inbox WHERE chat_id = " + chat + " ORDER BY message_id"))
                    .containsExactly("1:received", "2:received");
            assertThat(DB.count("SELECT count(*) FROM telegram_outbox WHERE chat_id = " + chat)).isZero();
        } finally {
            execute("DROP TRIGGER fail_mark_" + chat + " ON telegram_inbox");
            execute("DROP FUNCTION fail_mark_" + chat + "()");
        }
    }

    @Test
    void whatWaitsIsEncryptedAndBoundToItsChat() throws Exception {
        long chat = CHATS.incrementAndGet();
        telegramBlocked = new CountDownLatch(1);
        Outbox outbox = outbox(64 << 20);
        outbox.store(reply(chat, null, "the launch code is swordfish"));
        await().atMost(Duration.ofSeconds(5)).until(() -> DB.count("SELECT count(*) FROM telegram_outbox WHERE chat_id = " + chat) == 1);
        List<String> payload = query("SELECT payload FROM telegram_outbox WHERE chat_id = " + chat);
        assertThat(payload.get(0)).isNotBlank().doesNotContain("swordfish");
        telegramBlocked.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered(chat).size() == 1);
        assertThat(delivered(chat).get(0)).contains("swordfish");

        // the same sealed text in a row of another chat cannot be read back there: set aside (kept, pending), never sent
        long elsewhere = CHATS.incrementAndGet();
        execute("INSERT INTO telegram_outbox (chat_id, part_no, correlation_id, payload, next_attempt_at, created_at) VALUES ("
                + elsewhere + ", 0, 'c-" + chat + "', '" + payload.get(0) + "', now(), now() - interval '1 minute')");
        Thread.sleep(5);
        outbox(64 << 20).resume();
        Thread.sleep(300);
        assertThat(delivered(elsewhere)).isEmpty();
        assertThat(query("SELECT state || ':' || (payload = '" + payload.get(0) + "') FROM telegram_outbox WHERE chat_id = "
                         + elsewhere)).containsExactly("pending:true");
        assertThat(registry.get(BotMetrics.ROWS_UNREADABLE).tag("table", "telegram_outbox").counter().count()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aPartTheKeysCannotReadIsSetAsideWithTheChatsLaterPartsAndSentInOrderOnceItReadsAgain() throws Exception {
        long chat = CHATS.incrementAndGet();
        long other = CHATS.incrementAndGet();
        Outbox first = new Outbox(DB.dataSource(), CIPHER, new TelegramInbox(DB.dataSource(), CIPHER, 100, metrics),
                new ReplySplitter(), metrics, new AuditEvents(audited::add, metrics), nowhere().createProducerTemplate(),
                "seda:nowhere", 64 << 20, Duration.ofHours(24), 300_000);
        outboxes.add(first);
        String reply = threeParts("kept");
        first.store(reply(chat, null, reply));
        first.store(reply(other, null, "another chat goes on"));
        // part 0 is under a key version no configured key has (as after a start with the wrong key ring)
        String original = query("SELECT payload FROM telegram_outbox WHERE chat_id = " + chat + " AND part_no = 0").get(0);
        execute("UPDATE telegram_outbox SET payload = 'feedbeef' || substr(payload, 9) WHERE chat_id = " + chat + " AND part_no = 0");
        Thread.sleep(5);

        Outbox second = outbox(64 << 20);
        second.resume();
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered(other).size() == 1);
        Thread.sleep(300);
        assertThat(delivered(chat)).as("part 0 set aside, and parts 1 and 2 wait behind it").isEmpty();
        assertThat(query("SELECT part_no || ':' || state FROM telegram_outbox WHERE chat_id = " + chat + " AND payload IS NOT NULL"
                         + " ORDER BY part_no")).containsExactly("0:pending", "1:pending", "2:pending");
        assertThat(registry.get(BotMetrics.ROWS_UNREADABLE).tag("table", "telegram_outbox").counter().count()).isGreaterThanOrEqualTo(1);

        // the key is back (here: the row as it was written): the next start sends all three, in order
        execute("UPDATE telegram_outbox SET payload = '" + original + "' WHERE chat_id = " + chat + " AND part_no = 0");
        Thread.sleep(5);
        outbox(64 << 20).resume();
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered(chat).size() == 3);
        assertThat(delivered(chat)).containsExactlyElementsOf(new ReplySplitter().htmlParts(reply));
    }

    @Test
    void a5xxIsTriedAgainWithAGrowingPauseUntilTelegramTakesIt() throws Exception {
        long chat = CHATS.incrementAndGet();
        telegramAnswers = (c, attempt) -> c == chat && attempt <= 2 ? 502 : 200;
        Outbox outbox = outbox(64 << 20);
        long start = System.nanoTime();
        outbox.store(reply(chat, null, "worth the wait"));

        await().atMost(Duration.ofSeconds(15)).until(() -> delivered(chat).size() == 1);
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(attempts.get(chat)).hasSize(3);
        assertThat(waitedMs).as("paused 1 s then 2 s").isGreaterThanOrEqualTo(3000);
        await().atMost(Duration.ofSeconds(5)).until(() -> query("SELECT state || ':' || attempts FROM telegram_outbox WHERE chat_id = "
                                                                + chat).equals(List.of("sent:2")));
    }

    @Test
    void aRefusalForGoodClosesThePartWithItsReasonAndTheChatGoesOn() throws Exception {
        long blocked = CHATS.incrementAndGet();
        long other = CHATS.incrementAndGet();
        AtomicInteger blockedAttempts = new AtomicInteger();
        telegramAnswers = (c, attempt) -> {
            if (c == blocked && blockedAttempts.incrementAndGet() == 1) {
                return 403;
            }
            return 200;
        };
        Outbox outbox = outbox(64 << 20);
        outbox.store(reply(blocked, null, "first"));
        outbox.store(reply(blocked, null, "second"));
        outbox.store(reply(other, null, "to someone else"));

        await().atMost(Duration.ofSeconds(10)).until(() -> delivered(blocked).size() == 1 && delivered(other).size() == 1);
        assertThat(delivered(blocked)).containsExactly("second");
        assertThat(attempts.get(blocked)).as("the refused part is not tried again").containsExactly("first", "second");
        await().atMost(Duration.ofSeconds(5)).until(() -> DB.count("SELECT count(*) FROM telegram_outbox WHERE chat_id = " + blocked
                                                                + " AND state <> 'pending'") == 2);
        assertThat(query("SELECT state || ':' || coalesce(reason, '') FROM telegram_outbox WHERE chat_id = " + blocked + " ORDER BY id"))
                .containsExactly("failed:Telegram answered HTTP 403: {\"ok\":false,\"description\":\"Forbidden: bot was blocked by the user\"}",
                        "sent:");
        assertThat(registry.get(BotMetrics.UNDELIVERABLE).tag("status", "403").counter().count()).isEqualTo(1);
        assertThat(audited).anySatisfy(e -> assertThat(e.action()).isEqualTo("telegram_undeliverable"));
    }

    @Test
    void afterARestartThePartsNotConfirmedAreSentInOrderAndAConfirmedOneIsNotSentAgain() throws Exception {
        long chat = CHATS.incrementAndGet();
        // the first process stores a three-part reply, then dies before its lanes send anything
        Outbox first = new Outbox(DB.dataSource(), CIPHER, new TelegramInbox(DB.dataSource(), CIPHER, 100, metrics),
                new ReplySplitter(), metrics, new AuditEvents(audited::add, metrics), nowhere().createProducerTemplate(),
                "seda:nowhere", 64 << 20, Duration.ofHours(24), 300_000);
        outboxes.add(first);
        String reply = threeParts("resumed");
        first.store(reply(chat, null, reply));
        assertThat(DB.count("SELECT count(*) FROM telegram_outbox WHERE chat_id = " + chat + " AND state = 'pending'")).isEqualTo(3);
        // part one was confirmed by Telegram before the crash
        execute("UPDATE telegram_outbox SET state = 'sent', payload = NULL WHERE chat_id = " + chat + " AND part_no = 0");
        Thread.sleep(5); // the next process starts later

        Outbox second = outbox(64 << 20);
        assertThat(second.resume()).isGreaterThanOrEqualTo(2);

        List<String> expected = new ReplySplitter().htmlParts(reply);
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered(chat).size() == 2);
        Thread.sleep(300);
        assertThat(delivered(chat)).containsExactly(expected.get(1), expected.get(2));
        await().atMost(Duration.ofSeconds(5)).until(() -> DB.count("SELECT count(*) FROM telegram_outbox WHERE chat_id = " + chat
                                                                + " AND state = 'sent'") == 3);
    }

    @Test
    void partsOfAnEarlierProcessAreLoadedByThePollWhenTheDatabaseWasAwayAtStart() throws Exception {
        long chat = CHATS.incrementAndGet();
        Outbox first = new Outbox(DB.dataSource(), CIPHER, new TelegramInbox(DB.dataSource(), CIPHER, 100, metrics),
                new ReplySplitter(), metrics, new AuditEvents(audited::add, metrics), nowhere().createProducerTemplate(),
                "seda:nowhere", 64 << 20, Duration.ofHours(24), 300_000);
        outboxes.add(first);
        first.store(reply(chat, null, "left behind"));
        Thread.sleep(5);

        databaseDown.set(true);
        Outbox second = outbox(64 << 20);
        org.assertj.core.api.Assertions.assertThatThrownBy(second::resume).isInstanceOf(SQLException.class);
        second.poll();
        assertThat(delivered(chat)).as("nothing while the database is away").isEmpty();

        databaseDown.set(false);
        second.poll();
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered(chat).size() == 1);
        second.poll();
        assertThat(second.resume()).as("loaded once").isZero();
        Thread.sleep(200);
        assertThat(delivered(chat)).containsExactly("left behind");
    }

    @Test
    void whileTheDatabaseIsAwayRepliesFlowFromMemoryAndWhatIsStillUnsentIsWrittenWhenItIsBack() throws Exception {
        long sentNow = CHATS.incrementAndGet();
        long retried = CHATS.incrementAndGet();
        telegramAnswers = (c, attempt) -> c == retried && attempt <= 3 ? 502 : 200;
        Outbox outbox = outbox(64 << 20);
        databaseDown.set(true);
        outbox.store(reply(sentNow, null, "straight through"));
        outbox.store(reply(retried, null, "after a pause"));
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered(sentNow).size() == 1);
        assertThat(DB.count("SELECT count(*) FROM telegram_outbox WHERE chat_id IN (" + sentNow + ", " + retried + ")")).isZero();

        databaseDown.set(false);
        Thread.sleep(2100); // the outbox tries the database again 2 s after a failure
        outbox.flush();
        assertThat(delivered(retried)).as("still pausing after its 502s (1 s, 2 s, 4 s)").isEmpty();
        await().atMost(Duration.ofSeconds(15)).until(() -> delivered(retried).size() == 1);
        // the reply sent while the database was away needs no row; the one still waiting got its row, now sent
        await().atMost(Duration.ofSeconds(5)).until(() -> query("SELECT state FROM telegram_outbox WHERE chat_id = " + retried)
                .equals(List.of("sent")));
        assertThat(DB.count("SELECT count(*) FROM telegram_outbox WHERE chat_id = " + sentNow)).isZero();
    }

    @Test
    void aReplyBeyondTheMemoryLimitIsRefusedAndCountedNeverHeld() throws Exception {
        long chat = CHATS.incrementAndGet();
        telegramBlocked = new CountDownLatch(1);
        Outbox outbox = outbox(6_000);
        outbox.store(reply(chat, null, "x".repeat(1000)));
        outbox.store(reply(chat, null, "y".repeat(1000)));
        assertThat(registry.get(BotMetrics.OUTBOX_REFUSED).counter().count()).as("two fit").isZero();
        outbox.store(reply(chat, null, "z".repeat(1000)));
        assertThat(registry.get(BotMetrics.OUTBOX_REFUSED).counter().count()).isEqualTo(1);
        assertThat(outbox.heldBytes()).isLessThanOrEqualTo(6_000);

        telegramBlocked.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered(chat).size() == 2);
        assertThat(delivered(chat)).containsExactly("x".repeat(1000), "y".repeat(1000));
    }

    // --- fixtures

    private Outbox outbox(long memoryLimitBytes) throws Exception {
        CamelContext context = new DefaultCamelContext();
        DataSource ds = switchable(DB.dataSource());
        Outbox outbox = new Outbox(ds, CIPHER, new TelegramInbox(ds, CIPHER, 100, metrics), new ReplySplitter(), metrics,
                new AuditEvents(audited::add, metrics), context.createProducerTemplate(),
                "seda:dispatch?waitForTaskToComplete=Never", memoryLimitBytes, Duration.ofHours(24), 300_000);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                onException(Exception.class).handled(true).bean(outbox, "failed");
                from("seda:dispatch?concurrentConsumers=4").process(OutboxTest.this::telegram).bean(outbox, "sent");
            }
        });
        context.start();
        contexts.add(context);
        outboxes.add(outbox);
        return outbox;
    }

    private CamelContext nowhere() {
        CamelContext context = new DefaultCamelContext();
        context.start();
        contexts.add(context);
        return context;
    }

    /** The fake Bot API: records the attempt, answers with the status telegramAnswers gives. */
    private void telegram(Exchange exchange) throws Exception {
        long chat = Long.parseLong(exchange.getMessage().getHeader(TelegramConstants.TELEGRAM_CHAT_ID, String.class));
        String text = exchange.getMessage().getBody(String.class);
        int now = inFlight.computeIfAbsent(chat, k -> new AtomicInteger()).incrementAndGet();
        mostInFlightForOneChat.accumulateAndGet(now, Math::max);
        try {
            telegramBlocked.await();
            Thread.sleep(5);
            List<String> tried = attempts.computeIfAbsent(chat, k -> Collections.synchronizedList(new ArrayList<>()));
            tried.add(text);
            int status = telegramAnswers.apply(chat, tried.size());
            if (status == 502) {
                throw new RuntimeException("https://api.telegram.org/bot****/sendMessage responded: 502 Bad Gateway");
            }
            if (status == 403) {
                throw new RuntimeException("https://api.telegram.org/bot****/sendMessage responded: 403"
                                           + "{\"ok\":false,\"description\":\"Forbidden: bot was blocked by the user\"}");
            }
            delivered(chat).add(text);
            deliveredAt.computeIfAbsent(chat, k -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
            MessageResult ok = new MessageResult();
            ok.setOk(true);
            exchange.getMessage().setBody(ok);
        } finally {
            inFlight.get(chat).decrementAndGet();
        }
    }

    private List<String> delivered(long chat) {
        return delivered.computeIfAbsent(chat, k -> new CopyOnWriteArrayList<>());
    }

    private Exchange reply(long chat, Long messageId, String markdown) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(TelegramConstants.TELEGRAM_CHAT_ID, String.valueOf(chat));
        exchange.getMessage().setHeader(Headers.CHAT_ID, String.valueOf(chat));
        if (messageId != null) {
            exchange.getMessage().setHeader(Headers.MESSAGE_ID, messageId);
        }
        exchange.getMessage().setHeader("correlationId", "c-" + chat);
        exchange.getMessage().setBody(markdown);
        return exchange;
    }

    /** A Markdown text that ReplySplitter cuts into exactly three parts. */
    private static String threeParts(String word) {
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < 3; p++) {
            text.append((word + " ").repeat(3000 / (word.length() + 1))).append("\n\n");
        }
        return text.toString().strip();
    }

    private DataSource switchable(DataSource real) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && databaseDown.get()) {
                        throw new SQLTransientConnectionException("down", "08001");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static void insertInbox(long chat, long messageId) throws SQLException {
        execute("INSERT INTO telegram_inbox (chat_id, message_id, correlation_id) VALUES (" + chat + ", " + messageId + ", 'c')");
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = DB.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }


    private static List<String> query(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DB.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
