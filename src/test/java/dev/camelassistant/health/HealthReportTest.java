package dev.camelassistant.health;

import java.time.Instant;
import java.util.List;

import dev.camelassistant.llm.ClaudeFailure;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The /health lines and the alert texts. */
class HealthReportTest {

    private final HealthReport report = new HealthReport(null);

    @Test
    void oneLinePerServiceWithMarkNameLatencyAndError() {
        String text = report.format(List.of(
                ServiceHealth.up("postgresql", 3),
                ServiceHealth.notConfigured("redis"),
                ServiceHealth.down("qdrant", "timeout", 5000, "no answer within 5000 ms"),
                ServiceHealth.down("claude", "rejected_key", 41, "API key rejected (HTTP 401)")));

        assertThat(text.split("\n")).containsExactly(
                "✅ PostgreSQL – 3 ms",
                "⚪ Redis – not configured",
                "❌ Qdrant – 5000 ms – no answer within 5000 ms",
                "❌ Claude – 41 ms – API key rejected (HTTP 401)");
    }

    @Test
    void alertTextsNameTheServiceAndTheProblem() {
        assertThat(HealthReport.alertText(ServiceHealth.down("qdrant", "down", 2, "not ready (HTTP 503)")))
                .isEqualTo("⚠️ Qdrant is down: not ready (HTTP 503)");
        assertThat(HealthReport.alertText(ServiceHealth.down("redis", "timeout", 5000, "no answer within 5000 ms")))
                .isEqualTo("⚠️ Redis is not answering: no answer within 5000 ms");
        assertThat(HealthReport.alertText(ServiceHealth.down("claude", "rejected_key", 40, "API key rejected (HTTP 401)")))
                .contains("Claude").contains("ANTHROPIC_API_KEY");
        assertThat(HealthReport.alertText(ServiceHealth.down("claude", "unknown_model", 40, "model x unknown (HTTP 404)")))
                .contains("CLAUDE_MODEL");
        // Claude's kinds: the text a failed request alerts with (ClaudeFailure), one text per cooldown key
        assertThat(HealthReport.alertText(ServiceHealth.down("claude", "overloaded", 40, "overloaded (HTTP 529)")))
                .isEqualTo(ClaudeFailure.OVERLOADED.alertText("overloaded (HTTP 529)"))
                .startsWith("⚠️ Claude is unavailable: overloaded (HTTP 529)");
        assertThat(HealthReport.alertText(ServiceHealth.down("claude", "timeout", 5000, "no answer within 5000 ms")))
                .isEqualTo(ClaudeFailure.TIMEOUT.alertText("no answer within 5000 ms"));
        // positive control: a status outside Claude's kinds keeps the generic "down" text
        assertThat(HealthReport.alertText(ServiceHealth.down("claude", "down", 40, "HTTP 500")))
                .isEqualTo("⚠️ Claude is down: HTTP 500");
    }

    @Test
    void describeSetsTheRoutingHeadersAndTheAlertText() throws Exception {
        CamelContext context = new DefaultCamelContext();
        Exchange down = new DefaultExchange(context);
        down.getMessage().setBody(new ServiceHealth("qdrant", ServiceHealth.State.DOWN, "down", 3, "not ready (HTTP 503)",
                Instant.now()));
        Exchange up = new DefaultExchange(context);
        up.getMessage().setBody(ServiceHealth.up("redis", 1));

        report.describe(down);
        report.describe(up);

        assertThat(down.getMessage().getHeader("alertService")).isEqualTo("qdrant");
        assertThat(down.getMessage().getHeader("alertKind")).isEqualTo("down");
        assertThat(down.getMessage().getHeader("serviceState")).isEqualTo("DOWN");
        assertThat(down.getMessage().getBody(String.class)).isEqualTo("⚠️ Qdrant is down: not ready (HTTP 503)");
        assertThat(up.getMessage().getHeader("serviceState")).isEqualTo("UP");
        assertThat(up.getMessage().getHeader("alertKind")).isNull();
    }
}
