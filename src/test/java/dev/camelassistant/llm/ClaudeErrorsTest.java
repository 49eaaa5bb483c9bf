package dev.camelassistant.llm;

import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.logging.CorrelationId;
import dev.camelassistant.metrics.BotMetrics;
import dev.camelassistant.support.FakeSecrets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a failed call leaves for the conversation route: variables, audit entry, the user's and the owner's texts. */
class ClaudeErrorsTest {

    private static final String MODEL = "claude-sonnet-4-6";
    private static final String KEY = FakeSecrets.anthropicKey("errorsTestOnly_0123456789");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BotMetrics metrics = new BotMetrics(registry, MODEL);
    private final List<AuditEntry> audited = new ArrayList<>();
    private final ClaudeErrors errors = new ClaudeErrors(MODEL, new AuditEvents(audited::add, metrics), metrics);
    private final DefaultCamelContext context = new DefaultCamelContext();

    @AfterEach
    void closeContext() {
        context.stop();
    }

    private Exchange caught(String kind, Throwable cause) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setHeader("x-api-key", KEY);
        exchange.getMessage().setHeader(CorrelationId.HEADER, "0123456789abcdef0123456789abcdef");
        exchange.getMessage().setBody("{\"request\": \"with the user's text\"}");
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, cause);
        exchange.setVariable(ClaudeErrors.FAILURE, kind);
        return exchange;
    }

    private static HttpOperationFailedException http(int status, String type, Map<String, String> headers) {
        return new HttpOperationFailedException("https://api.anthropic.com/v1/messages", status, "x", null, headers,
                "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"key " + KEY + "\"}}");
    }

    @Test
    void aRateLimitLeavesTheWaitTheDetailAndNoKeyOrRequest() {
        Exchange e = caught(errors.kindOfStatus(429), http(429, "rate_limit_error", Map.of("Retry-After", "17")));
        errors.failed(e);

        assertThat(e.getVariable(ClaudeErrors.FAILURE)).isEqualTo("rate_limited");
        assertThat(e.getVariable(ClaudeErrors.RETRY_AFTER)).isEqualTo("17");
        assertThat(e.getVariable(ClaudeErrors.DETAIL)).isEqualTo("rate limited (HTTP 429 rate_limit_error)");
        assertThat(e.getMessage().getHeader("x-api-key")).isNull();
        assertThat(e.getMessage().getBody()).isNull();
        assertThat(errors.reply(e)).isEqualTo(ClaudeFailure.RATE_LIMITED.userText("17") + "\n\nReference: 01234567");

        assertThat(audited).singleElement().satisfies(a -> {
            assertThat(a.action()).isEqualTo("llm_request");
            assertThat(a.status()).isEqualTo(AuditEntry.Status.ERROR);
            assertThat(a.metadata()).containsEntry("httpStatus", 429).containsEntry("errorKind", "rate_limited");
            assertThat(a.errorMessage()).doesNotContain(KEY);
        });
    }

    @Test
    void theAlertOfARequestIsTheTextOfItsKindWithTheDetail() {
        Exchange e = caught(errors.kindOfStatus(404), http(404, "not_found_error", Map.of()));
        errors.failed(e);
        assertThat(errors.alertText(e)).isEqualTo(
                ClaudeFailure.UNKNOWN_MODEL.alertText("model " + MODEL + " unknown (HTTP 404 not_found_error)"));
        assertThat(e.getVariable(ClaudeErrors.RETRY_AFTER)).isNull();
        assertThat(errors.reply(e)).startsWith(ClaudeFailure.CANNOT_REACH).doesNotContain("404");
    }

    @Test
    void aTimeoutIsAuditedAsATimeout() {
        Exchange e = caught("timeout", new SocketTimeoutException("Read timed out"));
        errors.failed(e);
        assertThat(audited).singleElement().satisfies(a -> assertThat(a.status()).isEqualTo(AuditEntry.Status.TIMEOUT));
        assertThat(e.getVariable(ClaudeErrors.DETAIL)).isEqualTo("no answer within claude.timeout-seconds");
        assertThat(errors.reply(e)).startsWith(ClaudeFailure.UNAVAILABLE);
    }

    @Test
    void anUnknownKindIsOtherAndItsMessageIsMasked() {
        Exchange e = caught(null, new IllegalStateException("failed with " + KEY));
        errors.failed(e);
        assertThat(e.getVariable(ClaudeErrors.FAILURE)).isEqualTo("other");
        assertThat(e.getVariable(ClaudeErrors.DETAIL, String.class)).startsWith("IllegalStateException").doesNotContain(KEY);
        assertThat(errors.reply(e)).startsWith(ClaudeFailure.GENERIC).doesNotContain("IllegalStateException");
    }
}
