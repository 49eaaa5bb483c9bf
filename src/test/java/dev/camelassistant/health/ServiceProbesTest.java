package dev.camelassistant.health;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Each probe healthy, unhealthy and timing out, through the prober (its timeout handling and
 * error texts): WireMock for Qdrant and Claude, a closed port and a port that accepts connections
 * but never answers for PostgreSQL and Redis.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceProbesTest {

    private static final Duration TIMEOUT = Duration.ofMillis(700);
    private static final String MODEL = "claude-sonnet-4-6";

    private WireMockServer http;
    private ServerSocket silent;
    private int closedPort;

    @BeforeAll
    void start() throws IOException {
        http = new WireMockServer(wireMockConfig().dynamicPort());
        http.start();
        // accepts TCP connections (the kernel completes the handshake) and never says a word
        silent = new ServerSocket(0, 50);
        closedPort = BotRouteTestSupport.freePort();
    }

    @AfterAll
    void stop() throws IOException {
        http.stop();
        silent.close();
    }

    @BeforeEach
    void reset() {
        http.resetAll();
    }

    private static ServiceHealth probeOnce(ServiceProbe probe) {
        HealthProber prober = new HealthProber(List.of(probe), Map.of(probe.service(), TIMEOUT), Duration.ofMinutes(1));
        prober.start();
        try {
            return prober.probeAll().get(0);
        } finally {
            prober.stop();
        }
    }

    // --- PostgreSQL

    @Test
    void postgresqlHealthy() {
        try (TestDatabases db = TestDatabases.create()) {
            ServiceHealth h = probeOnce(new PostgresProbe(db.dataSource()));
            assertThat(h.state()).isEqualTo(ServiceHealth.State.UP);
            assertThat(h.latencyMs()).isLessThan(TIMEOUT.toMillis());
            assertThat(h.error()).isNull();
        }
    }

    @Test
    void postgresqlDownOnAClosedPort() {
        try (HikariDataSource ds = pool("jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres", 250)) {
            ServiceHealth h = probeOnce(new PostgresProbe(ds));
            assertThat(h.state()).isEqualTo(ServiceHealth.State.DOWN);
            assertThat(h.kind()).isEqualTo("down");
            assertThat(h.error()).containsIgnoringCase("refused");
        }
    }

    @Test
    void postgresqlTimesOutWhenTheServerNeverAnswers() {
        // the pool waits longer than the probe: the probe's own timeout must answer first
        try (HikariDataSource ds = pool("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/postgres", 1500)) {
            long start = System.nanoTime();
            ServiceHealth h = probeOnce(new PostgresProbe(ds));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(h.state()).isEqualTo(ServiceHealth.State.DOWN);
            assertThat(h.kind()).isEqualTo("timeout");
            assertThat(h.latencyMs()).isEqualTo(TIMEOUT.toMillis());
            assertThat(h.error()).isEqualTo("no answer within 700 ms");
            assertThat(ms).isLessThan(TIMEOUT.toMillis() + 500);
        }
    }

    private static HikariDataSource pool(String url, long connectionTimeoutMs) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("postgres");
        config.setConnectionTimeout(connectionTimeoutMs);
        config.setInitializationFailTimeout(-1);
        config.setMinimumIdle(0);
        return new HikariDataSource(config);
    }

    // --- Redis

    @Test
    void redisHealthy() {
        String url = System.getenv("TEST_REDIS_URL");
        assumeTrue(url != null && !url.isBlank(), "TEST_REDIS_URL is not set: no Redis to probe");
        ServiceHealth h = probeOnce(new RedisProbe(RedisUrl.parse(url)));
        assertThat(h.state()).isEqualTo(ServiceHealth.State.UP);
        assertThat(h.latencyMs()).isLessThan(TIMEOUT.toMillis());
    }

    @Test
    void redisDownOnAClosedPortAndThePasswordNeverShows() {
        ServiceHealth h = probeOnce(new RedisProbe(RedisUrl.parse("redis://:pw-Secret-42@127.0.0.1:" + closedPort)));
        assertThat(h.state()).isEqualTo(ServiceHealth.State.DOWN);
        assertThat(h.kind()).isEqualTo("down");
        assertThat(h.error()).containsIgnoringCase("refused").doesNotContain("pw-Secret-42");
        assertThat(h.latencyMs()).isLessThan(TIMEOUT.toMillis());
    }

    @Test
    void redisTimesOutWhenTheServerNeverAnswers() {
        long start = System.nanoTime();
        ServiceHealth h = probeOnce(new RedisProbe(RedisUrl.parse("redis://127.0.0.1:" + silent.getLocalPort())));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(h.state()).isEqualTo(ServiceHealth.State.DOWN);
        assertThat(h.kind()).isEqualTo("timeout");
        assertThat(ms).isLessThan(TIMEOUT.toMillis() + 500);
    }

    @Test
    void redisWithoutUrlIsNotConfigured() {
        ServiceHealth h = probeOnce(new RedisProbe(RedisUrl.parse("")));
        assertThat(h.state()).isEqualTo(ServiceHealth.State.NOT_CONFIGURED);
        assertThat(h.isDown()).isFalse();
    }

    // --- Qdrant

    @Test
    void qdrantHealthyOn2xx() {
        http.stubFor(get(urlEqualTo("/readyz")).willReturn(aResponse().withStatus(200).withBody("all shards are ready")));
        ServiceHealth h = probeOnce(new QdrantProbe(HttpProbes.client(TIMEOUT), http.baseUrl() + "/"));
        assertThat(h.state()).isEqualTo(ServiceHealth.State.UP);
        http.verify(1, getRequestedFor(urlEqualTo("/readyz")));
    }

    @Test
    void qdrantDownWhenNotReady() {
        http.stubFor(get(urlEqualTo("/readyz")).willReturn(aResponse().withStatus(503)));
        ServiceHealth h = probeOnce(new QdrantProbe(HttpProbes.client(TIMEOUT), http.baseUrl()));
        assertThat(h.state()).isEqualTo(ServiceHealth.State.DOWN);
        assertThat(h.kind()).isEqualTo("down");
        assertThat(h.error()).isEqualTo("not ready (HTTP 503)");
    }

    @Test
    void qdrantDownWhenNothingListens() {
        ServiceHealth h = probeOnce(new QdrantProbe(HttpProbes.client(TIMEOUT), "http://127.0.0.1:" + closedPort));
        assertThat(h.kind()).isEqualTo("down");
        assertThat(h.error()).containsIgnoringCase("refused");
    }

    @Test
    void qdrantTimesOut() {
        http.stubFor(get(urlEqualTo("/readyz")).willReturn(aResponse().withStatus(200).withFixedDelay(3000)));
        long start = System.nanoTime();
        ServiceHealth h = probeOnce(new QdrantProbe(HttpProbes.client(TIMEOUT), http.baseUrl()));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(h.kind()).isEqualTo("timeout");
        assertThat(ms).isLessThan(TIMEOUT.toMillis() + 500);
    }

    @Test
    void qdrantWithoutUrlIsNotConfigured() {
        assertThat(probeOnce(new QdrantProbe(HttpProbes.client(TIMEOUT), null)).state())
                .isEqualTo(ServiceHealth.State.NOT_CONFIGURED);
    }

    // --- Claude

    private ClaudeProbe claude() {
        return new ClaudeProbe(HttpProbes.client(TIMEOUT), http.baseUrl(), MODEL, BotRouteTestSupport.API_KEY);
    }

    private void claudeAnswers(int status) {
        http.stubFor(get(urlEqualTo("/v1/models/" + MODEL)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(status == 200
                        ? "{\"type\":\"model\",\"id\":\"" + MODEL + "\",\"display_name\":\"Claude Sonnet 4.6\"}"
                        : "{\"type\":\"error\",\"error\":{\"type\":\"x\",\"message\":\"key " + BotRouteTestSupport.API_KEY + "\"}}")));
    }

    @Test
    void claudeHealthyReadsOnlyTheModelsEndpointWithKeyAndVersion() {
        claudeAnswers(200);
        ServiceHealth h = probeOnce(claude());
        assertThat(h.state()).isEqualTo(ServiceHealth.State.UP);
        http.verify(1, getRequestedFor(urlEqualTo("/v1/models/" + MODEL))
                .withHeader("x-api-key", equalTo(BotRouteTestSupport.API_KEY))
                .withHeader("anthropic-version", equalTo("2023-06-01")));
        // no completion: the probe never spends tokens
        http.verify(1, anyRequestedFor(anyUrl()));
    }

    @Test
    void claudeRejectedKey() {
        claudeAnswers(401);
        ServiceHealth h = probeOnce(claude());
        assertThat(h.kind()).isEqualTo("rejected_key");
        assertThat(h.error()).isEqualTo("API key rejected (HTTP 401)").doesNotContain("sk-ant");
    }

    @Test
    void claudeUnknownModel() {
        claudeAnswers(404);
        ServiceHealth h = probeOnce(claude());
        assertThat(h.kind()).isEqualTo("unknown_model");
        assertThat(h.error()).contains(MODEL).contains("404");
    }

    @Test
    void claudeOverloaded() {
        claudeAnswers(529);
        assertThat(probeOnce(claude()).kind()).isEqualTo("overloaded");
    }

    @Test
    void claudeStatusesHaveTheKindsOfAFailedRequestAndAnyOtherIsDown() {
        // the same kinds claude-ask gives these statuses (ClaudeFailure), so the alerts share one text per kind
        Map<Integer, String> expected = Map.of(429, "rate_limited", 503, "overloaded", 403, "rejected_key", 500, "down");
        expected.forEach((status, kind) -> {
            http.resetAll();
            claudeAnswers(status);
            ServiceHealth h = probeOnce(claude());
            assertThat(h.kind()).as("HTTP %d", status).isEqualTo(kind);
            assertThat(h.error()).as("HTTP %d", status).contains("HTTP " + status).doesNotContain("sk-ant");
        });
    }

    @Test
    void claudeTimesOut() {
        http.stubFor(get(urlEqualTo("/v1/models/" + MODEL)).willReturn(aResponse().withStatus(200).withFixedDelay(3000)));
        long start = System.nanoTime();
        ServiceHealth h = probeOnce(claude());
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(h.kind()).isEqualTo("timeout");
        assertThat(h.error()).isEqualTo("no answer within 700 ms");
        assertThat(ms).isLessThan(TIMEOUT.toMillis() + 500);
    }

    @Test
    void claudeWithoutKeyIsNotConfigured() {
        ServiceHealth h = probeOnce(new ClaudeProbe(HttpProbes.client(TIMEOUT), http.baseUrl(), MODEL, ""));
        assertThat(h.state()).isEqualTo(ServiceHealth.State.NOT_CONFIGURED);
        http.verify(0, anyRequestedFor(anyUrl()));
    }
}
