package dev.camelassistant.metrics;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;

import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bot's metrics after real traffic through the YAML routes: one conversation, one refused
 * stranger, one command. Camel's own metrics are switched on here too, to check that Camel serves
 * the registry AppConfiguration bound (one registry, one /observe/metrics).
 */
class BotMetricsRouteTest extends BotRouteTestSupport {

    private FakeClaude claude;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
    }


    private MeterRegistry registry() {
        return context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
    }

    private double count(String name, String... tags) {
        return registry().get(name).tags(tags).counter().count();
    }

    @Test
    void aConversationARefusalAndACommandAreCountedAndScraped() throws Exception {
        claude.answers("Paris.", 0);
        telegram.sendText(FRIEND_CHAT, "What is the capital of France?");
        telegram.sendText(STRANGER_CHAT, "let me in");
        telegram.sendText(FRIEND_CHAT, "/help");

        await().atMost(Duration.ofSeconds(15)).until(() -> count(BotMetrics.REPLIES_SENT) >= 3
                && count(BotMetrics.CLAUDE_CALLS, "outcome", "ok") == 1);

        assertThat(count(BotMetrics.MESSAGES_RECEIVED, "kind", "text")).isEqualTo(1);
        assertThat(count(BotMetrics.MESSAGES_RECEIVED, "kind", "refused")).isEqualTo(1);
        assertThat(count(BotMetrics.MESSAGES_RECEIVED, "kind", "command")).isEqualTo(1);
        assertThat(count(BotMetrics.CLAUDE_CALLS, "outcome", "overloaded")).isZero();
        assertThat(count(BotMetrics.CLAUDE_CALLS, "outcome", "other")).isZero();
        assertThat(registry().get(BotMetrics.CLAUDE_LATENCY).tags("outcome", "ok").timer().count()).isEqualTo(1);
        assertThat(count(BotMetrics.CLAUDE_TOKENS, "type", "input", "model", FakeClaude.MODEL)).isEqualTo(21);
        assertThat(count(BotMetrics.CLAUDE_TOKENS, "type", "output", "model", FakeClaude.MODEL)).isEqualTo(42);
        await().atMost(Duration.ofSeconds(5)).until(() -> registry().get(BotMetrics.INBOX_PENDING).gauge().value() == 0);

        assertThat(registry()).isInstanceOf(PrometheusMeterRegistry.class);
        String scrape = ((PrometheusMeterRegistry) registry()).scrape();
        assertThat(scrape).contains(
                "assistant_messages_received_total{kind=\"text\"} 1.0",
                "assistant_messages_received_total{kind=\"refused\"} 1.0",
                "assistant_messages_received_total{kind=\"command\"} 1.0",
                "assistant_replies_sent_total ",
                "assistant_claude_calls_total{outcome=\"ok\"} 1.0",
                "assistant_claude_calls_total{outcome=\"rate_limited\"} 0.0",
                "assistant_claude_latency_seconds_bucket{outcome=\"ok\",le=\"+Inf\"} 1",
                "assistant_claude_tokens_total{model=\"" + FakeClaude.MODEL + "\",type=\"input\"} 21.0",
                "assistant_claude_tokens_total{model=\"" + FakeClaude.MODEL + "\",type=\"output\"} 42.0",
                "assistant_alerts_sent_total{kind=\"down\",service=\"postgresql\"} 0.0",
                "assistant_audit_queue_depth ",
                "assistant_audit_dropped_total 0.0",
                "assistant_inbox_pending 0.0");

        // Camel's route metrics land in the same registry, and the management server serves it
        assertThat(scrape).contains("camel_exchanges_total{", "routeId=\"telegram-inbound\"");
        HttpResponse<String> served = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/observe/metrics")).header("Authorization", managementAuthorization())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).contains("assistant_messages_received_total{kind=\"text\"} 1.0",
                "assistant_claude_latency_seconds_bucket");
    }
}
