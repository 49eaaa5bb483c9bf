package dev.camelassistant.retries;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.common.Headers;
import dev.camelassistant.conversation.Conversations;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.KeyRing;
import dev.camelassistant.health.Alerts;
import dev.camelassistant.health.HealthReport;
import dev.camelassistant.llm.ClaudeErrors;
import dev.camelassistant.logging.CorrelationId;
import dev.camelassistant.metrics.BotMetrics;
import dev.camelassistant.support.Sql;
import dev.camelassistant.support.TestDatabaseExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The promise made ({@link ClaudeRetries}) against a real PostgreSQL: the question kept sealed, one per
 * chat and only for overloaded and timeout; /new drops it and says so; when Claude counts as back.
 */
class ClaudeRetriesTest {

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();

    static final CredentialCipher CIPHER = new CredentialCipher(KeyRing.of(KeyRing.generateHex()));
    private static final AtomicLong CHATS = new AtomicLong(860_000);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ClaudeRetryMetrics metrics = new ClaudeRetryMetrics(registry);
    private final List<AuditEntry> audited = new CopyOnWriteArrayList<>();
    private final AuditEvents audit = new AuditEvents(audited::add, new BotMetrics(registry, "m"));
    private final ClaudeRetries retries = new ClaudeRetries(new ClaudeRetryStore(DB.dataSource(), CIPHER), audit, metrics,
            Clock.systemUTC());
    private final CamelContext context = new DefaultCamelContext();

    private long chat() {
        return CHATS.incrementAndGet();
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

    private List<String> actions() {
        return audited.stream().map(AuditEntry::action).toList();
    }

    private double counted(String outcome) {
        var c = registry.find(ClaudeRetryMetrics.RETRIES).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aChatKeepsOnlyItsNewestQuestionSealedAndOnlyForOverloadAndTimeout() {
        long chat = chat();
        retries.promise(failed(chat, "overloaded", "what is the capital of Mongolia?"));
        retries.promise(failed(chat, "timeout", "and of Laos?"));
        long other = chat();
        retries.promise(failed(other, "rate_limited", "not promised: the text said when to try again"));
        retries.promise(failed(other, "other", "not promised either"));

        assertThat(DB.count("SELECT count(*) FROM claude_retries WHERE chat_id = " + chat + " AND state = 'pending'")).isEqualTo(1);
        assertThat(DB.count("SELECT count(*) FROM claude_retries WHERE chat_id = " + chat + " AND state = 'cancelled'"
                            + " AND close_reason = 'superseded' AND payload IS NULL")).isEqualTo(1);
        assertThat(DB.count("SELECT count(*) FROM claude_retries WHERE chat_id = " + other)).isZero();
        String sealed = Sql.string(DB.dataSource(), "SELECT payload FROM claude_retries WHERE state = 'pending' AND chat_id = " + chat);
        assertThat(sealed).isNotBlank().doesNotContain("Laos");
        assertThat(actions()).containsExactly("claude_retry_promised", "claude_retry_cancelled", "claude_retry_promised");
        assertThat(audited.get(1).metadata()).containsEntry("reason", "superseded");
        assertThat(audited).allSatisfy(a -> assertThat(a.metadata().toString()).doesNotContain("Laos").doesNotContain("Mongolia"));
        assertThat(counted("promised")).isEqualTo(2);
        assertThat(counted("cancelled")).isEqualTo(1);
    }

    @Test
    void newDropsTheQuestionAndTheReplySaysSoOnlyWhenThereWasOne() {
        long chat = chat();
        retries.promise(failed(chat, "overloaded", "a question for later"));
        Exchange slash = failed(chat, null, null);
        slash.getMessage().setBody("Started a new conversation.");
        retries.cancelOnNew(slash);
        assertThat(slash.getMessage().getBody(String.class)).isEqualTo("Started a new conversation. " + ClaudeRetries.DROPPED);
        assertThat(DB.count("SELECT count(*) FROM claude_retries WHERE chat_id = " + chat + " AND state = 'cancelled'"
                            + " AND close_reason = 'new_conversation' AND payload IS NULL")).isEqualTo(1);
        assertThat(actions()).containsExactly("claude_retry_promised", "claude_retry_cancelled");

        Exchange again = failed(chat, null, null);
        again.getMessage().setBody("Started a new conversation.");
        retries.cancelOnNew(again);
        assertThat(again.getMessage().getBody(String.class)).as("nothing owed: the reply as it was").isEqualTo("Started a new conversation.");
        assertThat(DB.count("SELECT count(*) FROM claude_retries WHERE state = 'pending' AND chat_id = " + chat)).isZero();
    }

    @Test
    void theProbeTriggersWhenClaudeTurnsUpNotWhileItStaysUp() {
        assertThat(retries.probeRecovered(probe("claude", "UP"))).as("the first UP after a start").isTrue();
        assertThat(retries.probeRecovered(probe("claude", "UP"))).as("still UP").isFalse();
        assertThat(retries.probeRecovered(probe("claude", "DOWN"))).isFalse();
        assertThat(retries.probeRecovered(probe("qdrant", "UP"))).as("another service").isFalse();
        assertThat(retries.probeRecovered(probe("claude", "UP"))).as("DOWN, then UP").isTrue();
        retries.probeRecovered(probe("claude", "DOWN"));
        retries.listing(); // nothing pending any more
        assertThat(retries.probeRecovered(probe("claude", "UP"))).as("UP, but no promise waits").isFalse();
        assertThat(retries.mayBeWaiting()).isFalse();
        retries.promise(failed(chat(), "timeout", "a new promise"));
        assertThat(retries.mayBeWaiting()).isTrue();
    }

    private Exchange probe(String service, String state) {
        Exchange e = new DefaultExchange(context);
        e.getMessage().setHeader(Alerts.SERVICE, service);
        e.getMessage().setHeader(HealthReport.STATE, state);
        return e;
    }

    @Test
    void theTooOldLineSaysHourOrHours() {
        assertThat(ClaudeRetries.tooOld(1)).contains("more than 1 hour old,");
        assertThat(ClaudeRetries.tooOld(6)).contains("more than 6 hours old,");
    }
}
