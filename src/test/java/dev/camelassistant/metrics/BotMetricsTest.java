package dev.camelassistant.metrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.camelassistant.metrics.BotMetrics.ClaudeOutcome;
import dev.camelassistant.metrics.BotMetrics.MessageKind;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BotMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BotMetrics metrics = new BotMetrics(registry, "claude-sonnet-4-6");

    static double count(MeterRegistry registry, String name, String... tags) {
        var counter = registry.find(name).tags(tags).counter();
        return counter == null ? Double.NaN : counter.count();
    }

    @Test
    void everyCounterExistsWithItsKnownTagsAtZeroBeforeTheFirstEvent() {
        for (String kind : new String[] {"text", "command", "refused"}) {
            assertThat(count(registry, BotMetrics.MESSAGES_RECEIVED, "kind", kind)).isZero();
        }
        assertThat(count(registry, BotMetrics.REPLIES_SENT)).isZero();
        for (String outcome : new String[] {"ok", "overloaded", "rate_limited", "rejected_key", "other"}) {
            assertThat(count(registry, BotMetrics.CLAUDE_CALLS, "outcome", outcome)).isZero();
            assertThat(registry.find(BotMetrics.CLAUDE_LATENCY).tags("outcome", outcome).timer()).isNotNull();
        }
        assertThat(count(registry, BotMetrics.CLAUDE_TOKENS, "type", "input", "model", "claude-sonnet-4-6")).isZero();
        assertThat(count(registry, BotMetrics.CLAUDE_TOKENS, "type", "output", "model", "claude-sonnet-4-6")).isZero();
    }

    @Test
    void aMessageCountsForItsKindOnly() {
        metrics.messageReceived(MessageKind.COMMAND);
        metrics.messageReceived(MessageKind.COMMAND);
        assertThat(count(registry, BotMetrics.MESSAGES_RECEIVED, "kind", "command")).isEqualTo(2);
        assertThat(count(registry, BotMetrics.MESSAGES_RECEIVED, "kind", "text")).isZero();
        assertThat(count(registry, BotMetrics.MESSAGES_RECEIVED, "kind", "refused")).isZero();
    }

    @Test
    void aClaudeCallCountsAndTimesForItsOutcomeOnly() {
        metrics.claudeCall(ClaudeOutcome.RATE_LIMITED, TimeUnit.MILLISECONDS.toNanos(250));
        metrics.claudeCall(ClaudeOutcome.OK, -1);

        assertThat(count(registry, BotMetrics.CLAUDE_CALLS, "outcome", "rate_limited")).isEqualTo(1);
        assertThat(count(registry, BotMetrics.CLAUDE_CALLS, "outcome", "ok")).as("counted without a known latency").isEqualTo(1);
        assertThat(count(registry, BotMetrics.CLAUDE_CALLS, "outcome", "overloaded")).isZero();
        var limited = registry.find(BotMetrics.CLAUDE_LATENCY).tags("outcome", "rate_limited").timer();
        assertThat(limited.count()).isEqualTo(1);
        assertThat(limited.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250);
        assertThat(registry.find(BotMetrics.CLAUDE_LATENCY).tags("outcome", "ok").timer().count())
                .as("no latency recorded when it is unknown").isZero();
    }

    @Test
    void tokensCountByTypeAndByTheModelThatAnswered() {
        metrics.claudeTokens("claude-sonnet-4-6", 21, 42);
        metrics.claudeTokens("claude-sonnet-4-6-20260217", 5, 7);

        assertThat(count(registry, BotMetrics.CLAUDE_TOKENS, "type", "input", "model", "claude-sonnet-4-6")).isEqualTo(21);
        assertThat(count(registry, BotMetrics.CLAUDE_TOKENS, "type", "output", "model", "claude-sonnet-4-6")).isEqualTo(42);
        assertThat(count(registry, BotMetrics.CLAUDE_TOKENS, "type", "input", "model", "claude-sonnet-4-6-20260217")).isEqualTo(5);
        assertThat(count(registry, BotMetrics.CLAUDE_TOKENS, "type", "output", "model", "claude-sonnet-4-6-20260217")).isEqualTo(7);
    }

    @Test
    void alertsCountByServiceAndKindAndExpectedOnesStartAtZero() {
        metrics.expectAlert("redis", "down");
        metrics.expectAlert("redis", "recovered");
        assertThat(count(registry, BotMetrics.ALERTS_SENT, "service", "redis", "kind", "down")).isZero();

        metrics.alertSent("redis", "down");
        metrics.alertSent("qdrant", "timeout");

        assertThat(count(registry, BotMetrics.ALERTS_SENT, "service", "redis", "kind", "down")).isEqualTo(1);
        assertThat(count(registry, BotMetrics.ALERTS_SENT, "service", "redis", "kind", "recovered")).isZero();
        assertThat(count(registry, BotMetrics.ALERTS_SENT, "service", "qdrant", "kind", "timeout")).isEqualTo(1);
    }

    @Test
    void theAuditQueueAndTheInboxAreReadOnEachScrape() {
        AtomicLong depth = new AtomicLong(3);
        AtomicLong dropped = new AtomicLong();
        AtomicLong pending = new AtomicLong(1);
        metrics.watchAuditQueue(depth, d -> depth.get(), d -> dropped.get());
        metrics.watchInbox(pending, AtomicLong::get);

        assertThat(registry.get(BotMetrics.AUDIT_QUEUE_DEPTH).gauge().value()).isEqualTo(3);
        assertThat(registry.get(BotMetrics.AUDIT_DROPPED).functionCounter().count()).isZero();
        assertThat(registry.get(BotMetrics.INBOX_PENDING).gauge().value()).isEqualTo(1);
        depth.set(0);
        dropped.set(4);
        pending.set(2);
        assertThat(registry.get(BotMetrics.AUDIT_QUEUE_DEPTH).gauge().value()).isZero();
        assertThat(registry.get(BotMetrics.AUDIT_DROPPED).functionCounter().count()).isEqualTo(4);
        assertThat(registry.get(BotMetrics.INBOX_PENDING).gauge().value()).isEqualTo(2);
    }

    @Test
    void prometheusTextHasTheDocumentedNamesBeforeAnyEvent() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        BotMetrics m = new BotMetrics(prometheus, "claude-sonnet-4-6");
        m.watchAuditQueue(this, t -> 0, t -> 0);
        m.watchInbox(this, t -> 0);
        m.expectAlert("claude", "overloaded");

        assertThat(prometheus.scrape()).contains(
                "assistant_messages_received_total{kind=\"text\"} 0.0",
                "assistant_messages_received_total{kind=\"command\"} 0.0",
                "assistant_messages_received_total{kind=\"refused\"} 0.0",
                "assistant_replies_sent_total 0.0",
                "assistant_telegram_plain_fallback_total 0.0",
                "assistant_claude_calls_total{outcome=\"ok\"} 0.0",
                "assistant_claude_calls_total{outcome=\"rejected_key\"} 0.0",
                "assistant_claude_latency_seconds_bucket{outcome=\"overloaded\",le=\"+Inf\"} 0",
                "assistant_claude_latency_seconds_count{outcome=\"ok\"} 0",
                "assistant_claude_tokens_total{model=\"claude-sonnet-4-6\",type=\"input\"} 0.0",
                "assistant_alerts_sent_total{kind=\"overloaded\",service=\"claude\"} 0.0",
                "assistant_audit_queue_depth 0.0",
                "assistant_audit_dropped_total 0.0",
                "assistant_inbox_pending 0.0");
        assertThat(prometheus.scrape()).as("the histogram's buckets reach past the Claude timeout")
                .containsPattern("assistant_claude_latency_seconds_bucket\\{outcome=\"ok\",le=\"1[3-9][0-9]\\.[0-9]+\"\\}");
    }
}
