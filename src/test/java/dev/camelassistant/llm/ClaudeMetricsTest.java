package dev.camelassistant.llm;

import java.util.ArrayList;
import java.util.List;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.metrics.BotMetrics;
import dev.camelassistant.metrics.BotMetrics.ClaudeOutcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What ClaudeClient and ClaudeErrors count: calls by outcome, latency, tokens by model. */
class ClaudeMetricsTest {

    private static final String MODEL = "claude-sonnet-4-6";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BotMetrics metrics = new BotMetrics(registry, MODEL);
    private final List<AuditEntry> audited = new ArrayList<>();
    private final AuditEvents audit = new AuditEvents(audited::add, metrics);
    private final DefaultCamelContext context = new DefaultCamelContext();

    @AfterEach
    void closeContext() {
        context.stop();
    }

    private double calls(String outcome) {
        return registry.get(BotMetrics.CLAUDE_CALLS).tag("outcome", outcome).counter().count();
    }

    private long timed(String outcome) {
        return registry.get(BotMetrics.CLAUDE_LATENCY).tag("outcome", outcome).timer().count();
    }

    private double tokens(String type, String model) {
        return registry.get(BotMetrics.CLAUDE_TOKENS).tags("type", type, "model", model).counter().count();
    }

    private Exchange preparedRequest(ClaudeClient client) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody("hi");
        client.prepareRequest(exchange);
        return exchange;
    }

    @Test
    void anAnswerCountsOneOkCallItsLatencyAndItsTokensUnderTheModelThatAnswered() {
        ClaudeClient client = new ClaudeClient("key", MODEL, 100, "", audit, metrics, false);
        Exchange exchange = preparedRequest(client);
        exchange.getMessage().setBody("{\"model\":\"claude-sonnet-4-6-20260217\",\"content\":[{\"type\":\"text\",\"text\":\"hello\"}],"
                                      + "\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":21,\"output_tokens\":42}}");
        client.readAnswer(exchange);

        assertThat(calls("ok")).isEqualTo(1);
        assertThat(timed("ok")).isEqualTo(1);
        assertThat(calls("other")).isZero();
        assertThat(tokens("input", "claude-sonnet-4-6-20260217")).isEqualTo(21);
        assertThat(tokens("output", "claude-sonnet-4-6-20260217")).isEqualTo(42);
        assertThat(tokens("input", MODEL)).as("the configured model did not answer").isZero();
    }

    @Test
    void anUnreadableAnswerIsNotCountedAsOk() {
        ClaudeClient client = new ClaudeClient("key", MODEL, 100, "", audit, metrics, false);
        Exchange exchange = preparedRequest(client);
        exchange.getMessage().setBody("<html>not json</html>");
        assertThatThrownBy(() -> client.readAnswer(exchange)).isInstanceOf(ClaudeResponseException.class);
        assertThat(calls("ok")).isZero();
        assertThat(timed("ok")).isZero();
        assertThat(tokens("input", MODEL)).isZero();

        // claude-ask's doCatch then hands it to ClaudeErrors as "other"
        exchange.setVariable(ClaudeErrors.FAILURE, "other");
        new ClaudeErrors(MODEL, audit, metrics).failed(exchange);
        assertThat(calls("other")).isEqualTo(1);
        assertThat(timed("other")).isEqualTo(1);
    }

    @Test
    void aFailureCountsUnderTheOutcomeOfItsKindOnly() {
        ClaudeClient client = new ClaudeClient("key", MODEL, 100, "", audit, metrics, false);
        ClaudeErrors errors = new ClaudeErrors(MODEL, audit, metrics);
        Exchange exchange = preparedRequest(client);
        exchange.setVariable(ClaudeErrors.FAILURE, "timeout");
        errors.failed(exchange);

        assertThat(calls("overloaded")).isEqualTo(1);
        assertThat(timed("overloaded")).isEqualTo(1);
        assertThat(calls("ok") + calls("rate_limited") + calls("rejected_key") + calls("other")).isZero();
        assertThat(audited).extracting(AuditEntry::action).containsExactly("llm_request");
    }

    @Test
    void aFailureBeforeTheRequestCountsTheCallWithoutALatency() {
        Exchange exchange = new DefaultExchange(context);
        exchange.setVariable(ClaudeErrors.FAILURE, "rate_limited");
        new ClaudeErrors(MODEL, audit, metrics).failed(exchange);
        assertThat(calls("rate_limited")).isEqualTo(1);
        assertThat(timed("rate_limited")).isZero();
    }

    @Test
    void everyFailureKindOfTheClaudeRoutesMapsToAnOutcome() {
        assertThat(ClaudeFailure.ofKind("overloaded").outcome()).isEqualTo(ClaudeOutcome.OVERLOADED);
        assertThat(ClaudeFailure.ofKind("timeout").outcome()).isEqualTo(ClaudeOutcome.OVERLOADED);
        assertThat(ClaudeFailure.ofKind("rate_limited").outcome()).isEqualTo(ClaudeOutcome.RATE_LIMITED);
        assertThat(ClaudeFailure.ofKind("rejected_key").outcome()).isEqualTo(ClaudeOutcome.REJECTED_KEY);
        assertThat(ClaudeFailure.ofKind("unknown_model").outcome()).isEqualTo(ClaudeOutcome.OTHER);
        assertThat(ClaudeFailure.ofKind("other").outcome()).isEqualTo(ClaudeOutcome.OTHER);
        assertThat(ClaudeFailure.ofKind("something new").outcome()).isEqualTo(ClaudeOutcome.OTHER);
    }
}
