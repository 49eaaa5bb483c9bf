package dev.camelassistant.llm;

import java.util.Arrays;
import java.util.List;

import dev.camelassistant.metrics.BotMetrics.ClaudeOutcome;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one table of Claude's failures: status and error type → kind, the user's text, the owner's alert. */
class ClaudeFailureTest {

    @Test
    void everyStatusOfTheApiHasItsKind() {
        assertThat(ClaudeFailure.ofStatus(529)).isEqualTo(ClaudeFailure.OVERLOADED);
        assertThat(ClaudeFailure.ofStatus(503)).isEqualTo(ClaudeFailure.OVERLOADED);
        assertThat(ClaudeFailure.ofStatus(429)).isEqualTo(ClaudeFailure.RATE_LIMITED);
        assertThat(ClaudeFailure.ofStatus(401)).isEqualTo(ClaudeFailure.REJECTED_KEY);
        assertThat(ClaudeFailure.ofStatus(403)).isEqualTo(ClaudeFailure.REJECTED_KEY);
        assertThat(ClaudeFailure.ofStatus(404)).isEqualTo(ClaudeFailure.UNKNOWN_MODEL);
        for (int other : new int[] {400, 413, 500, 502, 504}) {
            assertThat(ClaudeFailure.ofStatus(other)).as("HTTP %d", other).isEqualTo(ClaudeFailure.OTHER);
        }
    }

    @Test
    void aStreamErrorTypeHasTheKindOfItsStatus() {
        assertThat(ClaudeFailure.ofErrorType("overloaded_error")).isEqualTo(ClaudeFailure.ofStatus(529));
        assertThat(ClaudeFailure.ofErrorType("rate_limit_error")).isEqualTo(ClaudeFailure.ofStatus(429));
        assertThat(ClaudeFailure.ofErrorType("authentication_error")).isEqualTo(ClaudeFailure.ofStatus(401));
        assertThat(ClaudeFailure.ofErrorType("permission_error")).isEqualTo(ClaudeFailure.ofStatus(403));
        assertThat(ClaudeFailure.ofErrorType("not_found_error")).isEqualTo(ClaudeFailure.ofStatus(404));
        assertThat(ClaudeFailure.ofErrorType("api_error")).isEqualTo(ClaudeFailure.OTHER);
    }

    @Test
    void kindsAreFoundByNameAndTheProbesDownIsNotOne() {
        for (ClaudeFailure f : ClaudeFailure.values()) {
            assertThat(ClaudeFailure.ofKind(f.kind())).isEqualTo(f);
            assertThat(ClaudeFailure.isKind(f.kind())).isTrue();
        }
        assertThat(ClaudeFailure.isKind("down")).isFalse();
        assertThat(ClaudeFailure.ofKind("down")).isEqualTo(ClaudeFailure.OTHER);
        assertThat(ClaudeFailure.ofKind(null)).isEqualTo(ClaudeFailure.OTHER);
    }

    @Test
    void theUserIsToldWhatToDoAndNothingOfTheError() {
        assertThat(ClaudeFailure.OVERLOADED.userText(null)).isEqualTo(ClaudeFailure.UNAVAILABLE);
        assertThat(ClaudeFailure.TIMEOUT.userText(null)).isEqualTo(ClaudeFailure.UNAVAILABLE);
        assertThat(ClaudeFailure.REJECTED_KEY.userText(null)).isEqualTo(ClaudeFailure.CANNOT_REACH);
        assertThat(ClaudeFailure.UNKNOWN_MODEL.userText(null)).isEqualTo(ClaudeFailure.CANNOT_REACH);
        assertThat(ClaudeFailure.OTHER.userText(null)).isEqualTo(ClaudeFailure.GENERIC);
        assertThat(ClaudeFailure.RATE_LIMITED.userText("17")).endsWith("try again in 17 seconds.");
        assertThat(ClaudeFailure.RATE_LIMITED.userText(null)).endsWith("try again in a minute.");
    }

    @Test
    void eachKindHasItsOwnAlertTextWithTheDetail() {
        List<String> texts = Arrays.stream(ClaudeFailure.values()).map(f -> f.alertText("HTTP 999 detail")).toList();
        assertThat(texts).doesNotHaveDuplicates().allSatisfy(t -> assertThat(t).contains("Claude").contains("HTTP 999 detail"));
        assertThat(ClaudeFailure.REJECTED_KEY.alertText("x")).contains("ANTHROPIC_API_KEY");
        assertThat(ClaudeFailure.UNKNOWN_MODEL.alertText("x")).contains("CLAUDE_MODEL");
        assertThat(ClaudeFailure.OVERLOADED.alertText(null)).contains("overloaded");
    }

    @Test
    void aStatusIsDescribedTheSameForTheProbeAndARequest() {
        assertThat(ClaudeFailure.describeStatus(529, "m", "overloaded_error")).isEqualTo("overloaded (HTTP 529 overloaded_error)");
        assertThat(ClaudeFailure.describeStatus(401, "m", null)).isEqualTo("API key rejected (HTTP 401)");
        assertThat(ClaudeFailure.describeStatus(404, "claude-x", null)).isEqualTo("model claude-x unknown (HTTP 404)");
        assertThat(ClaudeFailure.describeStatus(429, "m", null)).isEqualTo("rate limited (HTTP 429)");
        assertThat(ClaudeFailure.describeStatus(500, "m", "api_error")).isEqualTo("HTTP 500 api_error");
    }

    @Test
    void theMetricsOutcomeIsWhatTheUserWasTold() {
        assertThat(ClaudeFailure.OVERLOADED.outcome()).isEqualTo(ClaudeOutcome.OVERLOADED);
        assertThat(ClaudeFailure.TIMEOUT.outcome()).isEqualTo(ClaudeOutcome.OVERLOADED);
        assertThat(ClaudeFailure.RATE_LIMITED.outcome()).isEqualTo(ClaudeOutcome.RATE_LIMITED);
        assertThat(ClaudeFailure.REJECTED_KEY.outcome()).isEqualTo(ClaudeOutcome.REJECTED_KEY);
        assertThat(ClaudeFailure.UNKNOWN_MODEL.outcome()).isEqualTo(ClaudeOutcome.OTHER);
    }
}
