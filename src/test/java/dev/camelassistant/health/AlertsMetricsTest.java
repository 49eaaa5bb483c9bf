package dev.camelassistant.health;

import java.time.Duration;
import java.util.List;

import dev.camelassistant.metrics.BotMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AlertsMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BotMetrics metrics = new BotMetrics(registry, "claude-sonnet-4-6");
    private final DefaultCamelContext context = new DefaultCamelContext();

    @AfterEach
    void closeContext() {
        context.stop();
    }

    private double alerts(String service, String kind) {
        var counter = registry.find(BotMetrics.ALERTS_SENT).tags("service", service, "kind", kind).counter();
        return counter == null ? -1 : counter.count();
    }

    @Test
    void aSentAlertCountsUnderItsServiceAndKindOnly() {
        Alerts alerts = new Alerts(AlertCooldown.inMemory(Duration.ofMinutes(5)), "1001", null, metrics);
        metrics.expectAlert("redis", "down");
        metrics.expectAlert("claude", "overloaded");
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setHeader(Alerts.SERVICE, "claude");
        exchange.getMessage().setHeader(Alerts.KIND, "overloaded");

        alerts.sent(exchange);

        assertThat(alerts("claude", "overloaded")).isEqualTo(1);
        assertThat(alerts("redis", "down")).isZero();
    }

    @Test
    void theKnownServicesAndKindsAreThereAtZeroFromTheStart() {
        List<ServiceProbe> probes = List.of(new RedisProbe(null), new ClaudeProbe(null, "", "", ""));
        Alerts.expectAll(metrics, probes);
        assertThat(alerts("redis", "down")).isZero();
        assertThat(alerts("redis", "recovered")).isZero();
        assertThat(alerts("claude", "rejected_key")).isZero();
        assertThat(alerts("claude", "unknown_model")).isZero();
        assertThat(alerts("redis", "rejected_key")).as("Redis has no API key").isEqualTo(-1);
    }
}
