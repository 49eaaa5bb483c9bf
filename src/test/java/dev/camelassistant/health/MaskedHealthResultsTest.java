package dev.camelassistant.health;

import dev.camelassistant.support.FakeTelegram;
import java.util.Map;

import dev.camelassistant.logging.LogMasker;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MaskedHealthResultsTest {

    static final String TOKEN = FakeTelegram.TOKEN;
    static final String URL = "http://localhost:1234/bot" + TOKEN + "/getUpdates?limit=100";

    private final MaskedHealthResults strategy = new MaskedHealthResults();

    @AfterEach
    void forget() {
        LogMasker.clearSecrets();
    }

    @Test
    void anErrorWithTheBotTokenInItsUrlIsReplacedByAMaskedOneWithoutStackOrCause() {
        HealthCheckResultBuilder b = HealthCheckResultBuilder.on(check()).down()
                .error(new IllegalStateException("Could not GET " + URL, new RuntimeException("also " + TOKEN)));
        strategy.processResult(check(), Map.of(), b);

        HealthCheck.Result r = b.build();
        Throwable masked = r.getError().orElseThrow();
        assertThat(masked.getMessage()).startsWith("IllegalStateException: Could not GET http://localhost:1234/bot****")
                .contains("caused by RuntimeException: also ****").doesNotContain("AAEfakeToken");
        assertThat(masked.getCause()).isNull();
        assertThat(masked.getStackTrace()).isEmpty();
        assertThat(r.getState()).isEqualTo(HealthCheck.State.DOWN);
    }

    @Test
    void messageAndTextDetailsAreMaskedOtherDetailsKeptAsTheyAre() {
        LogMasker.registerSecret("registered-secret-value");
        HealthCheckResultBuilder b = HealthCheckResultBuilder.on(check()).down()
                .message("failed at " + URL)
                .detail("error", "password registered-secret-value refused")
                .detail(HealthCheck.ENDPOINT_URI, "telegram://bots?authorizationToken=" + TOKEN)
                .detail("latency_ms", 42L);
        strategy.processResult(check(), Map.of(), b);

        HealthCheck.Result r = b.build();
        assertThat(r.getMessage()).hasValue("failed at http://localhost:1234/bot****/getUpdates?limit=100");
        assertThat(r.getDetails().get("error")).isEqualTo("password **** refused");
        assertThat(r.getDetails().get(HealthCheck.ENDPOINT_URI).toString()).doesNotContain("AAEfakeToken");
        assertThat(r.getDetails().get("latency_ms")).isEqualTo(42L);
    }

    @Test
    void aHealthyResultIsLeftAlone() {
        HealthCheckResultBuilder b = HealthCheckResultBuilder.on(check()).up().message("12 ms");
        strategy.processResult(check(), Map.of(), b);
        assertThat(b.build().getMessage()).hasValue("12 ms");
        assertThat(b.build().getError()).isEmpty();
    }

    private static HealthCheck check() {
        return new AbstractHealthCheck("test", "probe") {
            @Override
            protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
                builder.up();
            }
        };
    }
}
