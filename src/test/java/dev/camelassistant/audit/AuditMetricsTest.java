package dev.camelassistant.audit;

import java.util.ArrayList;
import java.util.List;

import dev.camelassistant.metrics.BotMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What AuditEvents and AuditTrail contribute to the metrics. */
class AuditMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BotMetrics metrics = new BotMetrics(registry, "claude-sonnet-4-6");
    private final DefaultCamelContext context = new DefaultCamelContext();

    @AfterEach
    void closeContext() {
        context.stop();
    }

    private double received(String kind) {
        return registry.get(BotMetrics.MESSAGES_RECEIVED).tag("kind", kind).counter().count();
    }

    @Test
    void eachInboundBranchCountsItsKindAndIsStillAudited() {
        List<AuditEntry> recorded = new ArrayList<>();
        AuditEvents audit = new AuditEvents(recorded::add, metrics);
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody("hello");

        audit.messageReceived(exchange);
        assertThat(received("text")).isEqualTo(1);
        assertThat(received("command")).isZero();
        assertThat(received("refused")).isZero();

        audit.command(exchange);
        // every message of a stranger is counted; the one refusal of the day is audited
        audit.strangerMessage(exchange);
        audit.strangerMessage(exchange);
        audit.messageRefused(exchange);
        assertThat(received("text")).isEqualTo(1);
        assertThat(received("command")).isEqualTo(1);
        assertThat(received("refused")).isEqualTo(2);

        audit.error(exchange);
        assertThat(received("text") + received("command") + received("refused")).as("an error is no message").isEqualTo(4);
        assertThat(recorded).extracting(AuditEntry::action)
                .containsExactly("message_received", "command", "message_refused", "error");
    }

    @Test
    void theQueueDepthAndTheDroppedTotalAreScrapedFromTheTrail() {
        AuditTrail trail = new AuditTrail(5, 3);
        metrics.watchAuditQueue(trail, AuditTrail::pending, AuditTrail::droppedTotal);
        for (int i = 0; i < 7; i++) {
            trail.record(AuditTestSupport.entry("c", i));
        }
        assertThat(registry.get(BotMetrics.AUDIT_QUEUE_DEPTH).gauge().value()).isEqualTo(5);
        assertThat(registry.get(BotMetrics.AUDIT_DROPPED).functionCounter().count()).isEqualTo(2);

        trail.takeBatch();
        trail.confirmBatch(); // reports the drop (dropped() back to 0) and queues audit_overflow
        assertThat(trail.dropped()).isZero();
        assertThat(registry.get(BotMetrics.AUDIT_DROPPED).functionCounter().count())
                .as("a counter never goes back").isEqualTo(2);
        assertThat(registry.get(BotMetrics.AUDIT_QUEUE_DEPTH).gauge().value()).as("2 left plus the overflow report").isEqualTo(3);
    }
}
