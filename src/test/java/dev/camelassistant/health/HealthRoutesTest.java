package dev.camelassistant.health;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeTelegram;
import dev.camelassistant.telegram.Commands;
import dev.camelassistant.telegram.TelegramHtml;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The health and alert routes in the booted application: probes every second, a 3 s cooldown,
 * Qdrant and Claude on WireMock, PostgreSQL the test database, Redis from TEST_REDIS_URL when set.
 */
class HealthRoutesTest extends BotRouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "claude-sonnet-4-6";

    private WireMockServer qdrant;
    private WireMockServer claude;

    private void createServers() {
        if (qdrant == null) {
            qdrant = new WireMockServer(wireMockConfig().dynamicPort());
            qdrant.start();
            claude = new WireMockServer(wireMockConfig().dynamicPort());
            claude.start();
            healthy();
        }
    }

    private void healthy() {
        qdrant.resetAll();
        qdrant.stubFor(get(urlEqualTo("/readyz")).willReturn(aResponse().withStatus(200).withBody("ready")));
        claude.resetAll();
        claude.stubFor(get(urlEqualTo("/v1/models/" + MODEL)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"type\":\"model\",\"id\":\"" + MODEL + "\"}")));
    }

    @Override
    protected void extraProperties(Properties p) {
        createServers();
        p.put("qdrant.url", qdrant.baseUrl());
        p.put("claude.base-url", claude.baseUrl());
        p.put("claude.model", MODEL);
        p.put("health.interval-seconds", "1");
        p.put("health.timeout-ms", "1000");
        p.put("alert.cooldown-seconds", "3");
        String redis = System.getenv("TEST_REDIS_URL");
        if (redis != null && !redis.isBlank()) {
            p.put("redis.url", redis);
            p.put("alert.redis-key-prefix", "camel-assistant-test:" + UUID.randomUUID() + ":");
        }
    }

    @Override
    protected boolean useJmx() {
        return true;
    }

    @BeforeEach
    void allHealthy() {
        healthy();
    }

    /** Camel's legacy per-class context manager never stops the context: stop it before the fakes go away. */
    @AfterAll
    void stopServers() {
        context.stop();
        qdrant.stop();
        claude.stop();
    }

    private List<String> adminTexts(String containing) {
        List<String> out = new ArrayList<>();
        for (FakeTelegram.Sent s : telegram.sentTo(ADMIN_CHAT)) {
            if (s.text() != null && s.text().contains(containing)) {
                out.add(s.text());
            }
        }
        return out;
    }

    @Test
    void aServiceThatStaysDownAlertsOncePerCooldownAndOnceMoreWhenItIsBack() throws Exception {
        assertThat(adminTexts("Qdrant")).isEmpty();
        qdrant.stubFor(get(urlEqualTo("/readyz")).willReturn(aResponse().withStatus(503)));

        await().atMost(Duration.ofSeconds(5)).until(() -> adminTexts("Qdrant").size() == 1);
        long first = System.nanoTime();
        assertThat(adminTexts("Qdrant").get(0)).isEqualTo("⚠️ Qdrant is down: not ready (HTTP 503)");

        // still down through the next probes: silence
        Thread.sleep(2_000);
        assertThat(adminTexts("Qdrant")).hasSize(1);
        assertThat(qdrant.findAll(anyRequestedFor(urlPathMatching("/readyz"))).size()).isGreaterThanOrEqualTo(3);

        // the cooldown (3 s) is over: one more
        await().atMost(Duration.ofSeconds(4)).until(() -> adminTexts("Qdrant").size() == 2);
        assertThat((System.nanoTime() - first) / 1_000_000).isGreaterThanOrEqualTo(2_500);

        qdrant.resetAll();
        qdrant.stubFor(get(urlEqualTo("/readyz")).willReturn(aResponse().withStatus(200)));
        await().atMost(Duration.ofSeconds(4)).until(() -> adminTexts("Qdrant is back").size() == 1);
        Thread.sleep(2_000);
        assertThat(adminTexts("Qdrant")).containsExactly(
                "⚠️ Qdrant is down: not ready (HTTP 503)",
                "⚠️ Qdrant is down: not ready (HTTP 503)",
                "✅ Qdrant is back");
    }

    @Test
    void anAlertFromAnotherRouteIsSentOnceAuditedAndItsRecoveryAnnounced() throws Exception {
        int before = telegram.sentTo(ADMIN_CHAT).size();
        for (int i = 0; i < 3; i++) {
            template.sendBodyAndHeaders("direct:alert", "Claude is overloaded (HTTP 529)",
                    Map.of("alertService", "claude", "alertKind", "overloaded", "chatId", "2002"));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> adminTexts("Claude is overloaded").size() == 1);

        // the Claude route reports its next answer (and the probe finds Claude healthy every second)
        template.sendBodyAndHeader("direct:service-up", null, "alertService", "claude");
        await().atMost(Duration.ofSeconds(5)).until(() -> telegram.sentTo(ADMIN_CHAT).size() == before + 2);
        Thread.sleep(1_500);
        assertThat(telegram.sentTo(ADMIN_CHAT).subList(before, telegram.sentTo(ADMIN_CHAT).size()))
                .extracting(FakeTelegram.Sent::text)
                .containsExactly("Claude is overloaded (HTTP 529)", "✅ Claude is back");

        await().atMost(Duration.ofSeconds(5)).until(() -> auditRows("alert_sent", "overloaded") == 1
                                                          && auditRows("alert_sent", "recovered") >= 1);
    }

    @Test
    void serviceUpWithoutAnAlertSendsNothingAndAfterOneSaysTheServiceIsBack() throws Exception {
        int before = telegram.sentTo(ADMIN_CHAT).size();
        for (int i = 0; i < 100; i++) {
            template.sendBodyAndHeader("direct:service-up", null, "alertService", "postgresql");
        }
        Thread.sleep(500);
        assertThat(telegram.sentTo(ADMIN_CHAT)).hasSize(before);

        // the control: after an alert, the same service-up does speak, once
        template.sendBodyAndHeaders("direct:alert", "PostgreSQL test alert",
                Map.of("alertService", "postgresql", "alertKind", "down"));
        await().atMost(Duration.ofSeconds(5)).until(() -> adminTexts("PostgreSQL test alert").size() == 1);
        int backBefore = adminTexts("PostgreSQL is back").size();
        template.sendBodyAndHeader("direct:service-up", null, "alertService", "postgresql");
        await().atMost(Duration.ofSeconds(5)).until(() -> adminTexts("PostgreSQL is back").size() == backBefore + 1);
    }

    private long auditRows(String action, String kind) {
        return db.count("SELECT count(*) FROM audit_trail WHERE action = '" + action
                        + "' AND metadata->>'service' = 'claude' AND metadata->>'kind' = '" + kind + "'");
    }

    /** The /health reply as the chat shows it (the body is Markdown, rendered by the outbound route). */
    private String healthCommand(boolean admin, long chat) {
        Exchange reply = template.request("direct:health-command", e -> {
            e.getMessage().setHeader("chatIsAdmin", admin);
            e.getMessage().setHeader("chatId", String.valueOf(chat));
            e.getMessage().setHeader("CamelTelegramChatId", String.valueOf(chat));
            e.getMessage().setBody("/health");
        });
        assertThat(reply.getException()).isNull();
        return TelegramHtml.visibleText(TelegramHtml.render(reply.getMessage().getBody(String.class)));
    }

    @Test
    void healthCommandListsEveryServiceForTheAdmin() throws Exception {
        String redisLine = System.getenv("TEST_REDIS_URL") == null ? "⚪ Redis – not configured" : "✅ Redis – \\d+ ms";
        // the reply reads the latest probe round (at most one interval old)
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String[] lines = healthCommand(true, ADMIN_CHAT).split("\n");
            assertThat(lines).hasSize(4);
            assertThat(lines[0]).matches("✅ PostgreSQL – \\d+ ms");
            assertThat(lines[1]).matches(redisLine);
            assertThat(lines[2]).matches("✅ Qdrant – \\d+ ms");
            assertThat(lines[3]).matches("✅ Claude – \\d+ ms");
        });
        // the command only leaves the text in the body: sent in the chat by the inbound route, once
        int before = telegram.sentTo(ADMIN_CHAT).size();
        telegram.sendText(ADMIN_CHAT, "/health");
        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.sentTo(ADMIN_CHAT).stream().skip(before)
                .anyMatch(m -> m.text().contains("PostgreSQL –")));
        Thread.sleep(300);
        assertThat(telegram.sentTo(ADMIN_CHAT).stream().skip(before).filter(m -> m.text().contains("PostgreSQL –"))).hasSize(1);
    }

    @Test
    void healthCommandShowsAFailingServiceWithItsError() {
        int backBefore = adminTexts("Claude is back").size();
        claude.resetAll();
        claude.stubFor(get(urlEqualTo("/v1/models/" + MODEL)).willReturn(aResponse().withStatus(404)));

        await().atMost(Duration.ofSeconds(5)).until(() -> healthCommand(true, ADMIN_CHAT).contains("❌ Claude"));
        assertThat(healthCommand(true, ADMIN_CHAT))
                .containsPattern("❌ Claude – \\d+ ms – model " + MODEL + " unknown \\(HTTP 404\\)");
        await().atMost(Duration.ofSeconds(5)).until(() -> adminTexts("does not know the configured model").size() == 1);

        healthy();
        await().atMost(Duration.ofSeconds(5)).until(() -> adminTexts("Claude is back").size() == backBefore + 1);
    }

    @Test
    void healthCommandRefusesOtherChatsAndAnswersTheAdmin() {
        assertThat(healthCommand(false, FRIEND_CHAT)).isEqualTo(new Commands().adminOnly());
        // the control: the same call for the admin lists the services
        assertThat(healthCommand(true, ADMIN_CHAT)).contains("PostgreSQL –").contains("Claude –");
    }

    private JsonNode observe(String path, int expectedStatus) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path))
                        .header("Authorization", managementAuthorization()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " answered " + r.body()).isEqualTo(expectedStatus);
        return JSON.readTree(r.body());
    }

    private static JsonNode check(JsonNode health, String name) {
        for (JsonNode c : health.path("checks")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + health);
    }

    @Test
    void observeHealthListsTheFourChecks() throws Exception {
        // all four UP; camel-assistant's own (and Camel's) checks listed by name with a one-line message
        JsonNode health = observe("/observe/health", 200);
        assertThat(health.path("status").asText()).isEqualTo("UP");
        assertThat(check(health, "postgresql").path("status").asText()).isEqualTo("UP");
        assertThat(check(health, "postgresql").path("message").asText()).matches("\\d+ ms");
        assertThat(check(health, "qdrant").path("status").asText()).isEqualTo("UP");
        assertThat(check(health, "claude").path("status").asText()).isEqualTo("UP");
        assertThat(check(health, "redis").path("status").asText()).isEqualTo("UP");

        // the details (Camel 4.17 shows them with ?data=true)
        JsonNode ready = observe("/observe/health/ready?data=true", 200);
        JsonNode pg = check(ready, "postgresql").path("data");
        assertThat(pg.path("service").asText()).isEqualTo("postgresql");
        assertThat(pg.path("configured").asText()).isEqualTo("true");
        assertThat(pg.has("latency_ms")).isTrue();
        assertThat(pg.has("checked_at")).isTrue();

        // a dependency is not part of liveness
        JsonNode live = observe("/observe/health/live", 200);
        assertThat(live.path("checks").findValuesAsText("name")).doesNotContain("postgresql", "claude");
    }

    @Test
    void aDownServiceShowsInTheConsoleAndOverJmx() throws Exception {
        int backBefore = adminTexts("Claude is back").size();
        claude.resetAll();
        claude.stubFor(get(urlEqualTo("/v1/models/" + MODEL)).willReturn(aResponse().withStatus(401)));
        await().atMost(Duration.ofSeconds(5)).until(() -> adminTexts("rejects the API key").size() >= 1);

        JsonNode health = observe("/observe/health/ready?data=true", 503);
        JsonNode c = check(health, "claude");
        assertThat(c.path("status").asText()).isEqualTo("DOWN");
        assertThat(c.path("message").asText()).isEqualTo("rejected_key: API key rejected (HTTP 401)");
        assertThat(c.path("data").path("kind").asText()).isEqualTo("rejected_key");
        assertThat(health.toString()).doesNotContain(API_KEY);

        MBeanServer mbeans = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        ObjectName name = mbeans.queryNames(new ObjectName("org.apache.camel:type=health,*"), null).iterator().next();
        assertThat((Iterable<?>) mbeans.getAttribute(name, "HealthChecksIDs"))
                .map(Object::toString).contains("postgresql", "redis", "qdrant", "claude");
        assertThat(mbeans.invoke(name, "invoke", new Object[] {"claude"}, new String[] {String.class.getName()}))
                .isEqualTo("DOWN");
        TabularData details = (TabularData) mbeans.invoke(name, "details", null, null);
        CompositeData row = details.get(new Object[] {"claude"});
        assertThat(row.get("state")).isEqualTo("DOWN");
        assertThat(row.get("message")).isEqualTo("rejected_key: API key rejected (HTTP 401)");
        assertThat(row.get("readiness")).isEqualTo(true);
        assertThat(row.get("liveness")).isEqualTo(false);

        healthy();
        await().atMost(Duration.ofSeconds(5)).until(() -> adminTexts("Claude is back").size() == backBefore + 1);
    }
}
