package dev.camelassistant.e2e;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.camelassistant.support.FakeTelegram;
import org.junit.jupiter.api.Test;

import static dev.camelassistant.e2e.ManagementEndToEndIT.HTTP;
import static dev.camelassistant.e2e.ManagementEndToEndIT.basic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 20 against the packaged jar with DEV_CONSOLE=true: the dev console serves the console it
 * checked and nothing that changes state, no console, JMX attribute or Jolokia answer shows a
 * configured secret, and Jolokia refuses the operations that stop retention, create endpoints or
 * remove routes, endpoints and health checks.
 */
class ManagementConsolesEndToEndIT extends EndToEndSupport {

    static final String USER = ManagementEndToEndIT.USER;
    static final String PASSWORD = ManagementEndToEndIT.PASSWORD;
    static final String DATABASE_PASSWORD = "db-password-never-shown-7731"; // trust auth here: never asked for
    static final String CONTEXT_MBEAN = ManagementEndToEndIT.CONTEXT_MBEAN;
    static final String ROUTE_MBEAN = "org.apache.camel:context=camel-assistant,type=routes,name=\"conversation\"";
    static final String HEALTH_MBEAN = "org.apache.camel:context=camel-assistant,type=health,name=DefaultHealthCheck";

    int port;

    Map<String, String> managedEnv() {
        Map<String, String> env = env();
        port = Integer.parseInt(env.get("HTTP_PORT"));
        env.put("MANAGEMENT_USER", USER);
        env.put("MANAGEMENT_PASSWORD", PASSWORD);
        env.put("DEV_CONSOLE", "true");
        env.put("DATABASE_PASSWORD", DATABASE_PASSWORD);
        claude.modelKnown();
        return env;
    }

    List<String> secrets() {
        return List.of(FakeTelegram.TOKEN, FakeTelegram.TOKEN.substring(FakeTelegram.TOKEN.indexOf(':') + 1), API_KEY,
                ENCRYPTION_KEY, ENCRYPTION_KEY.toUpperCase(), PASSWORD, DATABASE_PASSWORD);
    }

    @Test
    void theConsolesAreWhatTheyClaimChangeNothingAndShowNoSecret() throws Exception {
        claude.answers("Still answering", 0);
        start(managedEnv());
        awaitHealthy();

        // the first probe: Vert.x would route /q/dev/context, Camel would run the bean console
        HttpResponse<String> bean = get("/q/dev/bean/%2e%2e/context", null);
        assertThat(bean.statusCode()).isEqualTo(400);
        assertThat(bean.body()).doesNotContain("managementServerFactory").doesNotContain("dataSource");
        assertThat(get("/q/dev/BEAN", null).statusCode()).isEqualTo(404);
        // the control: the console the path names answers
        assertThat(get("/q/dev/context", null).body()).contains("camel-assistant");

        // the second probe: send through the same trick would write a file
        Path dir = Files.createTempDirectory("camel-assistant-probe");
        String name = "x-" + UUID.randomUUID();
        HttpResponse<String> send = get("/q/dev/send/%2e%2e/context?endpoint=file:" + dir + "%3FfileName%3D" + name + "&body=x", null);
        assertThat(send.statusCode()).isEqualTo(400);
        assertThat(dir.resolve(name)).doesNotExist();

        // consoles never change state: the route stays up and keeps answering
        HttpResponse<String> stop = get("/q/dev/route?action=stop&filter=conversation", null);
        assertThat(stop.statusCode()).isEqualTo(400);
        assertThat(get("/q/dev/route-group?action=stop", null).statusCode()).isEqualTo(400);
        assertThat(get("/q/dev/reload?reload=true", null).statusCode()).isEqualTo(400);
        HttpResponse<String> route = get("/q/dev/route?filter=conversation", "application/json");
        assertThat(route.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(route.body()).path("route").path("routes").findValuesAsText("state")).containsExactly("Started");
        telegram.sendText(FRIEND, "are you there?");
        await().atMost(Duration.ofSeconds(30)).until(() -> texts(FRIEND).contains("Still answering"));

        // every console of the index, in both forms: none of the configured secrets
        JsonNode index = JSON.readTree(get("/q/dev", "application/json").body());
        List<String> ids = new ArrayList<>();
        index.fieldNames().forEachRemaining(ids::add);
        assertThat(ids).contains("context", "route", "health", "properties", "main-configuration", "system-properties")
                .doesNotContain("bean", "send", "browse", "variables");
        List<String> leaks = new ArrayList<>();
        for (String id : ids) {
            for (String accept : new String[] {null, "application/json"}) {
                HttpResponse<String> r = get("/q/dev/" + id, accept);
                if (r.statusCode() != 200) {
                    leaks.add(id + " (" + accept + "): status " + r.statusCode());
                }
                for (String secret : secrets()) {
                    if (r.body().contains(secret)) {
                        leaks.add(id + " (" + accept + ") shows a secret of length " + secret.length());
                    }
                }
            }
        }
        assertThat(leaks).isEmpty();
        // the control: the properties console does show properties, non-secret values in clear
        assertThat(get("/q/dev/properties", null).body()).contains("claude.model").contains("claude-sonnet-4-6")
                .contains("telegram.api-url").contains("telegram.bot-token = ****");
        JsonNode properties = JSON.readTree(get("/q/dev/properties", "application/json").body()).path("properties").path("properties");
        assertThat(valueOf(properties, "telegram.api-url")).isEqualTo(telegram.baseUrl());
        assertThat(valueOf(properties, "claude.model")).isEqualTo("claude-sonnet-4-6");
        assertThat(valueOf(properties, "telegram.bot-token")).isEqualTo("****");
        assertThat(get("/q/dev/main-configuration", "application/json").body()).contains("camel.component.telegram");
    }

    @Test
    void jolokiaReadsButDoesNotStopRetentionCreateEndpointsOrRemoveAnything() throws Exception {
        start(managedEnv());
        awaitHealthy();

        String quartz = JSON.readTree(jolokiaPost("{\"type\":\"search\",\"mbean\":\"quartz:*\"}").body())
                .path("value").path(0).asText();
        assertThat(quartz).as("the Quartz scheduler's MBean").startsWith("quartz:");
        List<String> wrong = new ArrayList<>();
        // operation -> expected status; each refused one with an allowed read of the same MBean as its control
        expect(wrong, read(quartz, "Started"), 200);
        for (String op : List.of(exec(quartz, "shutdown"), exec(quartz, "clear"), exec(quartz, "standby"),
                exec(quartz, "deleteJob", "\"cleanup\"", "\"audit\""), exec(quartz, "pauseAllTriggers"))) {
            expect(wrong, op, 403);
        }
        expect(wrong, read(CONTEXT_MBEAN, "State"), 200);
        expect(wrong, exec(CONTEXT_MBEAN, "canSendToEndpoint", "\"file:/tmp\""), 403);
        expect(wrong, exec(CONTEXT_MBEAN, "removeEndpoints", "\"*\""), 403);
        // the context's own lifecycle would stop the whole bot
        expect(wrong, exec(CONTEXT_MBEAN, "suspend()"), 403);
        expect(wrong, exec(CONTEXT_MBEAN, "stop()"), 403);
        expect(wrong, exec(CONTEXT_MBEAN, "restart()"), 403);
        expect(wrong, read(ROUTE_MBEAN, "State"), 200);
        expect(wrong, exec(ROUTE_MBEAN, "remove"), 403);
        expect(wrong, exec(ROUTE_MBEAN, "remove()"), 403);
        // route lifecycle stays open for Hawtio's operator (start of a started route changes nothing)
        expect(wrong, exec(ROUTE_MBEAN, "start()"), 200);
        expect(wrong, read(HEALTH_MBEAN, "HealthChecksIDs"), 200);
        expect(wrong, exec(HEALTH_MBEAN, "disableById", "\"postgresql\""), 403);
        // the backlog tracer (it would show message headers) is closed whole, whichever of the two
        // overlapping patterns Jolokia picks for it
        for (JsonNode tracer : JSON.readTree(jolokiaPost("{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=tracer,*\"}")
                .body()).path("value")) {
            expect(wrong, read(tracer.asText(), "Enabled"), 403);
            expect(wrong, exec(tracer.asText(), "dumpAllTracedMessagesAsJSon()"), 403);
        }
        assertThat(wrong).isEmpty();
        // nothing was stopped, removed or disabled
        assertThat(JSON.readTree(jolokiaPost(read(quartz, "Started")).body()).path("value").asBoolean()).isTrue();
        assertThat(JSON.readTree(jolokiaPost(read(ROUTE_MBEAN, "State")).body()).path("value").asText()).isEqualTo("Started");
        assertThat(JSON.readTree(jolokiaPost(read(HEALTH_MBEAN, "HealthChecksIDs")).body()).path("value").toString())
                .contains("postgresql");

        // every attribute of every Camel and Quartz MBean, and the route dumps with placeholders resolved: no secret
        String all = jolokiaPost("{\"type\":\"read\",\"mbean\":\"org.apache.camel:*\",\"config\":{\"ignoreErrors\":true}}").body()
                     + jolokiaPost("{\"type\":\"read\",\"mbean\":\"quartz:*\",\"config\":{\"ignoreErrors\":true}}").body()
                     + jolokiaPost(exec(CONTEXT_MBEAN, "dumpRoutesAsXml(boolean)", "true")).body()
                     + jolokiaPost(exec(CONTEXT_MBEAN, "dumpRoutesAsYaml(boolean)", "true")).body();
        assertThat(all).contains("telegram-inbound").contains("telegram:"); // the control: the answers hold the routes
        for (String secret : secrets()) {
            assertThat(all).as("a secret of length " + secret.length()).doesNotContain(secret);
        }
    }

    private static String valueOf(JsonNode properties, String key) {
        for (JsonNode p : properties) {
            if (p.path("key").asText().equals(key)) {
                return p.path("value").asText();
            }
        }
        return null;
    }

    private void expect(List<String> wrong, String request, int status) throws Exception {
        JsonNode answer = JSON.readTree(jolokiaPost(request).body());
        if (answer.path("status").asInt() != status) {
            wrong.add(request + " -> " + answer.path("status").asInt() + ", expected " + status + " ("
                      + answer.path("error").asText() + ")");
        }
    }

    private static String read(String mbean, String attribute) throws Exception {
        return "{\"type\":\"read\",\"mbean\":" + JSON.writeValueAsString(mbean) + ",\"attribute\":\"" + attribute + "\"}";
    }

    private static String exec(String mbean, String operation, String... arguments) throws Exception {
        return "{\"type\":\"exec\",\"mbean\":" + JSON.writeValueAsString(mbean) + ",\"operation\":\"" + operation
               + "\",\"arguments\":[" + String.join(",", arguments) + "]}";
    }

    private void awaitHealthy() {
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health", null).statusCode() == 200);
    }

    private HttpResponse<String> jolokiaPost(String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/jolokia"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", basic(USER, PASSWORD))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET with the operator's credentials; accept null: Camel's text form. */
    private HttpResponse<String> get(String path, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", basic(USER, PASSWORD));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
