package dev.camelassistant.health;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.LogCapture;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An alert that cannot be handed to the outbound queue is logged, reaches no caller and raises no other alert. */
class AlertFailureRouteTest extends BotRouteTestSupport {

    private WireMockServer claude;

    @Override
    protected void extraProperties(Properties p) {
        claude = new WireMockServer(wireMockConfig().dynamicPort());
        claude.start();
        claude.stubFor(get(urlPathMatching("/v1/models/.*")).willReturn(aResponse().withStatus(200).withBody("{}")));
        p.put("claude.base-url", claude.baseUrl());
    }

    /** Camel's legacy per-class context manager never stops the context: stop it before the fakes go away. */
    @AfterAll
    void stopClaude() {
        context.stop();
        claude.stop();
    }

    @Test
    void aFailedSendIsLoggedAndNeverAlertsAgain() throws Exception {
        AdviceWith.adviceWith(context, "alert-send", a -> a.weaveByToUri("direct:telegram-send").replace()
                .throwException(new IllegalStateException("outbound queue is full")));

        try (LogCapture logs = LogCapture.json()) {
            Exchange result = template.send("direct:alert", e -> {
                e.getMessage().setHeaders(Map.of("alertService", "qdrant", "alertKind", "down"));
                e.getMessage().setBody("⚠️ Qdrant is down: not ready (HTTP 503)");
            });

            assertThat(result.getException()).isNull();
            await().atMost(Duration.ofSeconds(3)).until(() -> logs.lines().stream()
                    .anyMatch(l -> l.contains("Alert for qdrant (down) not sent: IllegalStateException: outbound queue is full")));
            Thread.sleep(1_500);
            // one attempt, logged once: the failed alert does not loop back into another alert
            assertThat(logs.lines()).filteredOn(l -> l.contains("Alert to the owner: qdrant")).hasSize(1);
        }
    }
}
