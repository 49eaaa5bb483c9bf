package dev.camelassistant.retries;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import dev.camelassistant.common.Headers;
import dev.camelassistant.conversation.Conversations;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.KeyRing;
import dev.camelassistant.llm.ClaudeErrors;
import dev.camelassistant.logging.CorrelationId;
import dev.camelassistant.metrics.BotMetrics;
import dev.camelassistant.support.Sql;
import dev.camelassistant.support.TestDatabaseExtension;
import dev.camelassistant.telegram.AccessControl;
import dev.camelassistant.telegram.Outbox;
import dev.camelassistant.telegram.ReplySplitter;
import dev.camelassistant.telegram.TelegramInbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The promise kept ({@link ClaudeRetryDelivery}), against a real PostgreSQL with the real outbox and inbox
 * and a Camel route standing in for the Telegram lanes: the claim writes the "back" line and the inbox
 * record in one transaction, once; old questions, the budget, a failed write, chats no longer allowed,
 * rows the keys cannot open.
 */
class ClaudeRetryDeliveryTest {

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();

    static final CredentialCipher CIPHER = new CredentialCipher(KeyRing.of(KeyRing.generateHex()));
    private static final AtomicLong CHATS = new AtomicLong(840_000);
    private static final int WITHIN_HOURS = 6;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BotMetrics botMetrics = new BotMetrics(registry, "m");
    private final ClaudeRetryMetrics metrics = new ClaudeRetryMetrics(registry);
    private final List<AuditEntry> audited = new CopyOnWriteArrayList<>();
    private final AuditEvents audit = new AuditEvents(audited::add, botMetrics);
    private final ClaudeRetryStore store = new ClaudeRetryStore(DB.dataSource(), CIPHER);
    private final Map<Long, List<String>> delivered = new ConcurrentHashMap<>();
    private final List<Long> allowed = new CopyOnWriteArrayList<>();
    private CamelContext context;
    private Outbox outbox;
    private TelegramInbox inbox;
    private ClaudeRetries retries;

    @BeforeEach
    void start() throws Exception {
        context = new DefaultCamelContext();
        inbox = new TelegramInbox(DB.dataSource(), CIPHER, 100, botMetrics);
        outbox = new Outbox(DB.dataSource(), CIPHER, inbox, new ReplySplitter(), botMetrics, audit, context.createProducerTemplate(),
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
        retries = new ClaudeRetries(store, audit, metrics, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        outbox.close();
        context.stop();
    }

    private ClaudeRetryDelivery delivery(Instant now) {
        String allowedList = String.join(",", allowed.stream().map(String::valueOf).toList());
        return new ClaudeRetryDelivery(store, retries, outbox, inbox, new AccessControl("1", allowedList), audit, metrics,
                botMetrics, Clock.fixed(now, ZoneOffset.UTC), WITHIN_HOURS, 100);
    }

    private long chat() {
        long chat = CHATS.incrementAndGet();
        allowed.add(chat);
        return chat;
    }

    private List<String> delivered(long chat) {
        return delivered.getOrDefault(chat, List.of());
    }

    /** The conversation route's exchange after an "unavailable" reply to {@code question}. */
    private Exchange failed(long chat, String kind, String question) {
        Exchange e = new DefaultExchange(context);
        e.getMessage().setHeader(Headers.CHAT_ID, String.valueOf(chat));
        e.getMessage().setHeader(Headers.USER_ID, "u" + chat);
        e.getMessage().setHeader(CorrelationId.HEADER, "corr-" + chat);
        e.setVariable(ClaudeErrors.FAILURE, kind);
        e.setVariable(Conversations.QUESTION, question);
        return e;
    }

    private long pendingId(long chat) {
        return DB.count("SELECT id FROM claude_retries WHERE state = 'pending' AND chat_id = " + chat);
    }

    private List<String> actions() {
        return audited.stream().map(AuditEntry::action).toList();
    }

    private double counted(String outcome) {
        var c = registry.find(ClaudeRetryMetrics.RETRIES).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }


    @Test
    void theClaimWritesTheBackLineAndTheInboxRecordOnceEvenWhenTriggersRunAtTheSameTime() throws Exception {
        long chat = chat();
        retries.promise(failed(chat, "overloaded", "how far is the moon?"));
        long id = pendingId(chat);
        Instant now = Instant.now();

        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<ClaudeRetryDelivery.Claim>> claims = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ClaudeRetryDelivery d = delivery(now);
            claims.add(pool.submit(() -> d.claimOrFail(id, "corr-claim", null)));
        }
        List<ClaudeRetryDelivery.Claim> made = new ArrayList<>();
        for (Future<ClaudeRetryDelivery.Claim> f : claims) {
            if (f.get() != null) {
                made.add(f.get());
            }
        }
        pool.shutdown();

        assertThat(made).hasSize(1);
        ClaudeRetryDelivery.Claim claim = made.get(0);
        assertThat(claim.outcome()).isEqualTo(ClaudeRetryDelivery.Outcome.SENT);
        assertThat(claim.text()).isEqualTo("how far is the moon?");
        assertThat(claim.messageId()).isNegative();
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered(chat).size() == 1);
        assertThat(delivered(chat)).containsExactly(ClaudeRetries.BACK);
        assertThat(DB.count("SELECT count(*) FROM telegram_inbox WHERE chat_id = " + chat + " AND message_id = " + claim.messageId()
                            + " AND state = 'received' AND correlation_id = 'corr-claim'")).isEqualTo(1);
        assertThat(Sql.string(DB.dataSource(), "SELECT payload FROM telegram_inbox WHERE chat_id = " + chat)).doesNotContain("moon");
        assertThat(DB.count("SELECT count(*) FROM claude_retries WHERE id = " + id + " AND state = 'sent' AND payload IS NULL"))
                .isEqualTo(1);
        assertThat(inbox.pending()).isEqualTo(1);
    }

    @Test
    void aQuestionOlderThanRetryWithinHoursGetsOnlyTheLineAndAFreshOneIsAnswered() throws Exception {
        long old = chat();
        long fresh = chat();
        retries.promise(failed(old, "overloaded", "yesterday's question"));
        retries.promise(failed(fresh, "timeout", "today's question"));
        // the old one asked seven hours ago, the fresh one five
        Sql.execute(DB.dataSource(), "UPDATE claude_retries SET asked_at = now() - interval '7 hours' WHERE chat_id = " + old);
        Sql.execute(DB.dataSource(), "UPDATE claude_retries SET asked_at = now() - interval '5 hours' WHERE chat_id = " + fresh);
        ClaudeRetryDelivery d = delivery(Instant.now());

        assertThat(d.claimOrFail(pendingId(old), "c-old", null).outcome()).isEqualTo(ClaudeRetryDelivery.Outcome.EXPIRED);
        assertThat(d.claimOrFail(pendingId(fresh), "c-fresh", null).outcome()).isEqualTo(ClaudeRetryDelivery.Outcome.SENT);

        await().atMost(Duration.ofSeconds(5)).until(() -> delivered(old).size() == 1 && delivered(fresh).size() == 1);
        assertThat(delivered(old)).containsExactly(ClaudeRetries.tooOld(6));
        assertThat(delivered(old).get(0)).contains("more than 6 hours old");
        assertThat(DB.count("SELECT count(*) FROM telegram_inbox WHERE chat_id = " + old)).isZero();
        assertThat(DB.count("SELECT count(*) FROM telegram_inbox WHERE chat_id = " + fresh)).isEqualTo(1);
        assertThat(DB.count("SELECT count(*) FROM claude_retries WHERE chat_id = " + old + " AND state = 'expired'")).isEqualTo(1);
    }

    @Test
    void aBudgetRefusalClosesTheRetryWithTheLineAndTheBudgetsReason() throws Exception {
        long chat = chat();
        retries.promise(failed(chat, "overloaded", "one more question"));
        long id = pendingId(chat);
        String refusal = "You've reached today's limit of 1,000 tokens. It resets at midnight UTC, in 3 h.";

        assertThat(delivery(Instant.now()).claimOrFail(id, "c", refusal).outcome()).isEqualTo(ClaudeRetryDelivery.Outcome.BUDGET);

        await().atMost(Duration.ofSeconds(5)).until(() -> delivered(chat).size() == 1);
        assertThat(delivered(chat).get(0)).startsWith("✅ Claude is back, but").contains("today's limit of 1,000 tokens");
        assertThat(DB.count("SELECT count(*) FROM telegram_inbox WHERE chat_id = " + chat)).isZero();
        assertThat(DB.count("SELECT count(*) FROM claude_retries WHERE id = " + id + " AND state = 'cancelled'"
                            + " AND close_reason = 'budget' AND payload IS NULL")).isEqualTo(1);
        assertThat(delivery(Instant.now()).claimOrFail(id, "c", null)).as("closed: never claimed again").isNull();
    }


    @Test
    void aFailedOutboxWriteLeavesTheRetryPendingAndTheNextTriggerKeepsIt() throws Exception {
        long chat = chat();
        retries.promise(failed(chat, "overloaded", "still owed"));
        long id = pendingId(chat);
        Sql.execute(DB.dataSource(), "CREATE FUNCTION refuse_outbox_r() RETURNS trigger LANGUAGE plpgsql AS"
                                     + " $$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$");
        Sql.execute(DB.dataSource(), "CREATE TRIGGER refuse_outbox_r BEFORE INSERT ON telegram_outbox FOR EACH ROW"
                                     + " WHEN (NEW.chat_id = " + chat + ") EXECUTE FUNCTION refuse_outbox_r()");
        try {
            Exchange e = new DefaultExchange(context);
            e.getMessage().setBody(new ClaudeRetryStore.Pending(id, chat, "u" + chat));
            ClaudeRetryDelivery d = delivery(Instant.now());
            d.prepare(e);
            d.claim(e);
            assertThat(e.getMessage().getHeader(ClaudeRetryDelivery.ASK_CLAUDE)).isEqualTo(false);
            assertThat(retries.mayBeWaiting()).as("the next trigger tries again").isTrue();
            assertThat(DB.count("SELECT count(*) FROM claude_retries WHERE id = " + id + " AND state = 'pending'")).isEqualTo(1);
            assertThat(DB.count("SELECT count(*) FROM telegram_inbox WHERE chat_id = " + chat)).as("rolled back with it").isZero();
        } finally {
            Sql.execute(DB.dataSource(), "DROP TRIGGER refuse_outbox_r ON telegram_outbox");
            Sql.execute(DB.dataSource(), "DROP FUNCTION refuse_outbox_r()");
        }
        Exchange e = new DefaultExchange(context);
        e.getMessage().setBody(new ClaudeRetryStore.Pending(id, chat, "u" + chat));
        ClaudeRetryDelivery d = delivery(Instant.now());
        d.prepare(e);
        d.claim(e);
        assertThat(e.getMessage().getHeader(ClaudeRetryDelivery.ASK_CLAUDE)).isEqualTo(true);
        assertThat(e.getMessage().getBody(String.class)).isEqualTo("still owed");
        assertThat((Long) e.getMessage().getHeader(Headers.MESSAGE_ID)).isNegative();
        assertThat(actions()).endsWith("claude_retry_sent");
        assertThat(counted("sent")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered(chat).size() == 1);
    }

    @Test
    void aChatNoLongerAllowedIsCancelledAndHearsNothing() throws Exception {
        long gone = chat();
        retries.promise(failed(gone, "overloaded", "from an ex-friend"));
        allowed.remove(gone);
        long friend = chat();
        retries.promise(failed(friend, "overloaded", "from a friend"));
        ClaudeRetryDelivery d = delivery(Instant.now());
        assertThat(d.claimOrFail(pendingId(gone), "c", null).outcome()).isEqualTo(ClaudeRetryDelivery.Outcome.NOT_ALLOWED);
        assertThat(d.claimOrFail(pendingId(friend), "c", null).outcome()).isEqualTo(ClaudeRetryDelivery.Outcome.SENT);
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered(friend).size() == 1);
        assertThat(delivered(gone)).isEmpty();
        assertThat(DB.count("SELECT count(*) FROM telegram_inbox WHERE chat_id = " + gone)).isZero();
    }

    @Test
    void aRowTheKeysCannotOpenStaysPendingIsCountedAndHoldsUpNoOther() throws Exception {
        long broken = chat();
        long fine = chat();
        retries.promise(failed(broken, "overloaded", "sealed for another id"));
        retries.promise(failed(fine, "overloaded", "fine"));
        // the sealed text of one row copied into another: bound to its own chat and id, it does not open there
        Sql.execute(DB.dataSource(), "UPDATE claude_retries SET payload = (SELECT payload FROM claude_retries WHERE state = 'pending'"
                                     + " AND chat_id = " + fine + ") WHERE state = 'pending' AND chat_id = " + broken);
        ClaudeRetryDelivery d = delivery(Instant.now());
        assertThat(d.claimOrFail(pendingId(broken), "c", null)).isNull();
        assertThat(d.claimOrFail(pendingId(fine), "c", null).outcome()).isEqualTo(ClaudeRetryDelivery.Outcome.SENT);
        assertThat(DB.count("SELECT count(*) FROM claude_retries WHERE state = 'pending' AND chat_id = " + broken)).isEqualTo(1);
        assertThat(registry.get(BotMetrics.ROWS_UNREADABLE).tag("table", "claude_retries").counter().count()).isEqualTo(1);
        assertThat(d.due()).extracting(ClaudeRetryStore.Pending::chatId).as("set aside").doesNotContain(broken);
        assertThat(delivered(broken)).isEmpty();
    }

}
