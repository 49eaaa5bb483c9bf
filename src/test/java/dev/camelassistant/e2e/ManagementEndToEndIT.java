package dev.camelassistant.e2e;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.camelassistant.support.FakeTelegram;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The management server of the packaged jar: who gets what on every path, where it listens, and
 * that no secret leaves it, even while Telegram fails and its errors carry the bot token.
 */
class ManagementEndToEndIT extends EndToEndSupport {

    static final String USER = "operator";
    static final String PASSWORD = "correct-horse-battery-staple";
    static final String CONTEXT_MBEAN = "org.apache.camel:context=camel-assistant,type=context,name=\"camel-assistant\"";

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** What each path answers: without credentials, with the operator's, with a wrong password. */
    record Expect(String method, String path, int anonymous, int operator, int wrongPassword) {
    }

    static final List<Expect> WITH_PASSWORD = List.of(
            new Expect("GET", "/observe/health", 200, 200, 401),
            new Expect("GET", "/observe/health/live", 200, 200, 401),
            new Expect("GET", "/observe/health/ready", 200, 200, 401),
            new Expect("GET", "/observe/health?exposureLevel=full&stackTrace=true&data=true", 200, 200, 401),
            new Expect("GET", "/observe/info", 401, 200, 401),
            new Expect("GET", "/observe/metrics", 401, 200, 401),
            new Expect("POST", "/observe/jolokia", 401, 200, 401),
            new Expect("GET", "/q/dev", 401, 200, 401),
            new Expect("GET", "/q/dev/health", 401, 200, 401),
            new Expect("GET", "/q/dev/route?action=stop", 401, 400, 401),
            new Expect("GET", "/q/dev/bean/%2e%2e/context", 400, 400, 400),
            new Expect("GET", "/q/dev/browse", 401, 404, 401),
            new Expect("GET", "/q/dev/bean", 401, 404, 401),
            new Expect("GET", "/q/dev/send?endpoint=log:x&body=file:/proc/self/environ", 401, 404, 401),
            new Expect("GET", "/q/dev/all", 401, 404, 401),
            new Expect("POST", "/observe/health", 405, 405, 405),
            new Expect("GET", "/q/send", 401, 404, 401),
            new Expect("POST", "/q/send?endpoint=log:x&body=file:/proc/self/environ", 401, 404, 401),
            new Expect("GET", "/q/upload", 401, 404, 401),
            new Expect("GET", "/q/download", 401, 404, 401),
            new Expect("GET", "/nothing-here", 401, 404, 401));

    static final List<Expect> WITHOUT_PASSWORD = List.of(
            new Expect("GET", "/observe/health", 200, 200, 200),
            new Expect("GET", "/observe/health/live", 200, 200, 200),
            new Expect("GET", "/observe/health/ready", 200, 200, 200),
            new Expect("GET", "/observe/health?exposureLevel=full&stackTrace=true&data=true", 200, 200, 200),
            new Expect("GET", "/observe/info", 404, 404, 404),
            new Expect("GET", "/observe/metrics", 404, 404, 404),
            new Expect("POST", "/observe/jolokia", 404, 404, 404),
            new Expect("GET", "/q/dev", 404, 404, 404),
            new Expect("GET", "/q/dev/route?action=stop", 404, 404, 404),
            new Expect("POST", "/q/send?endpoint=log:x&body=file:/proc/self/environ", 404, 404, 404));

    int port;

    Map<String, String> managedEnv(boolean password) {
        Map<String, String> env = env();
        port = Integer.parseInt(env.get("HTTP_PORT"));
        env.put("MANAGEMENT_USER", USER);
        env.put("DEV_CONSOLE", "true");
        if (password) {
            env.put("MANAGEMENT_PASSWORD", PASSWORD);
        }
        claude.modelKnown();
        return env;
    }

    @Test
    void withAPasswordEveryPathButHealthNeedsTheOperatorAndHealthDetailsAreTheOperatorsOnly() throws Exception {
        BotProcess bot = start(managedEnv(true));
        awaitUp();

        List<String> mismatches = new ArrayList<>();
        for (Expect e : WITH_PASSWORD) {
            check(e, null, e.anonymous(), mismatches);
            check(e, PASSWORD, e.operator(), mismatches);
            check(e, "wrong-password-123", e.wrongPassword(), mismatches);
        }
        assertThat(mismatches).as("paths answering differently from the table").isEmpty();

        // without credentials: the status and nothing else, whatever the query asks for
        for (String path : List.of("/observe/health", "/observe/health/live", "/observe/health/ready",
                "/observe/health?exposureLevel=full&stackTrace=true&data=true")) {
            HttpResponse<String> r = call("GET", path, null);
            assertThat(JSON.readTree(r.body()).fieldNames()).toIterable().as(path).containsExactly("status");
        }
        // with them: every check by name (the control: details exist, and are shown to the operator)
        JsonNode full = JSON.readTree(call("GET", "/observe/health", PASSWORD).body());
        assertThat(full.path("checks").findValuesAsText("name")).contains("postgresql", "claude", "consumer:telegram-inbound");
        assertThat(call("GET", "/observe/health?stackTrace=true", PASSWORD).body()).doesNotContain("error-stacktrace");

        // the dev console answers the operator (DEV_CONSOLE=true), Jolokia reads the Camel context's state
        assertThat(call("GET", "/q/dev/context", PASSWORD).body()).contains("camel-assistant");
        JsonNode state = JSON.readTree(jolokia("{\"type\":\"read\",\"mbean\":" + JSON.writeValueAsString(CONTEXT_MBEAN)
                                               + ",\"attribute\":\"State\"}", PASSWORD).body());
        assertThat(state.path("status").asInt()).as(state.toString()).isEqualTo(200);
        assertThat(state.path("value").asText()).isEqualTo("Started");
        // ... but not the JVM's diagnostic commands (agent loading, heap dumps)
        JsonNode diagnostic = JSON.readTree(jolokia("{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=DiagnosticCommand\","
                                                    + "\"operation\":\"vmVersion\"}", PASSWORD).body());
        assertThat(diagnostic.path("status").asInt()).as(diagnostic.toString()).isEqualTo(403);

        // ... nor anything that sends messages (files, HTTP, the process environment) or adds routes
        JsonNode send = JSON.readTree(jolokia("{\"type\":\"exec\",\"mbean\":" + JSON.writeValueAsString(CONTEXT_MBEAN)
                                              + ",\"operation\":\"sendStringBody\",\"arguments\":[\"log:x\",\"hello\"]}", PASSWORD).body());
        assertThat(send.path("status").asInt()).as(send.toString()).isEqualTo(403);
        JsonNode sendSigned = JSON.readTree(jolokia("{\"type\":\"exec\",\"mbean\":" + JSON.writeValueAsString(CONTEXT_MBEAN)
                + ",\"operation\":\"sendStringBody(java.lang.String,java.lang.String)\",\"arguments\":[\"log:x\",\"hello\"]}",
                PASSWORD).body());
        assertThat(sendSigned.path("status").asInt()).as(sendSigned.toString()).isEqualTo(403);
        // Jolokia by GET (a link or an image could trigger it) is refused; the operator's POST is the control above
        assertThat(call("GET", "/observe/jolokia/version", PASSWORD).statusCode()).isEqualTo(405);

        // a page of another site cannot use the operator's saved credentials (cross-site request forgery)
        for (String[] headers : List.of(new String[] {"Sec-Fetch-Site", "cross-site"}, new String[] {"Origin", "http://evil.example"},
                new String[] {"Origin", "null"}, new String[] {"Referer", "http://evil.example/page"})) {
            HttpResponse<String> forged = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/metrics"))
                    .header("Authorization", basic(USER, PASSWORD)).header(headers[0], headers[1]).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(forged.statusCode()).as(headers[0] + ": " + headers[1]).isEqualTo(403);
        }
        HttpResponse<String> samePage = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/metrics"))
                .header("Authorization", basic(USER, PASSWORD)).header("Sec-Fetch-Site", "same-origin").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(samePage.statusCode()).isEqualTo(200);
        // a malformed Authorization header on health gets the status, not an error
        HttpResponse<String> malformed = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health"))
                .header("Authorization", "Basic !!!").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(malformed.statusCode()).isEqualTo(200);
        assertThat(malformed.body()).isEqualTo("{\"status\":\"UP\"}");

        // the credentials file was read at start and is gone
        assertThat(String.join("\n", bot.stdout())).contains("Management server on 127.0.0.1:" + port)
                .doesNotContain(PASSWORD);
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("camel-assistant-management"));
        }
    }

    @Test
    void withoutAPasswordOnlyTheHealthStatusIsServedOnLoopback() throws Exception {
        BotProcess bot = start(managedEnv(false));
        awaitUp();
        List<String> mismatches = new ArrayList<>();
        for (Expect e : WITHOUT_PASSWORD) {
            check(e, null, e.anonymous(), mismatches);
            check(e, "whatever-password", e.operator(), mismatches);
        }
        assertThat(mismatches).as("paths answering differently from the table").isEmpty();
        assertThat(JSON.readTree(call("GET", "/observe/health?exposureLevel=full", "whatever-password").body())
                .fieldNames()).toIterable().containsExactly("status");
        assertThat(String.join("\n", bot.stdout())).contains("DEV_CONSOLE=true is ignored");

        // listening on loopback only: reachable on 127.0.0.1 (the control), refused on this machine's other address
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            assertThat(s.isConnected()).isTrue();
        }
        InetAddress external = nonLoopbackAddress();
        assumeThat(external).as("this machine has a non-loopback IPv4 address").isNotNull();
        assertThat(connects(external, port)).as("management port on " + external).isFalse();
    }

    @Test
    void bindingEveryInterfaceWithoutAPasswordIsReachableFromOutsideAndWarned() throws Exception {
        InetAddress external = nonLoopbackAddress();
        assumeThat(external).as("this machine has a non-loopback IPv4 address").isNotNull();
        Map<String, String> env = managedEnv(false);
        env.put("MANAGEMENT_HOST", "0.0.0.0");
        BotProcess bot = start(env);
        awaitUp();
        // the positive control of the loopback test: the same probe does connect when asked to listen everywhere
        assertThat(connects(external, port)).as("management port on " + external).isTrue();
        assertThat(bot.stdout()).anySatisfy(line -> assertThat(line).contains("\"level\":\"WARN\"")
                .contains("MANAGEMENT_HOST=0.0.0.0").contains("MANAGEMENT_PASSWORD is not set"));
        assertThat(call("GET", "/observe/metrics", null).statusCode()).isEqualTo(404);
    }

    @Test
    void afterOneConversationTheMetricsPageHoldsCamelsAndTheBotsNamedMetrics() throws Exception {
        claude.answers("Hello from Claude", 0);
        start(managedEnv(true));
        awaitUp();
        telegram.sendText(FRIEND, "hi there");
        await().atMost(Duration.ofSeconds(20)).until(() -> texts(FRIEND).contains("Hello from Claude"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(call("GET", "/observe/metrics", PASSWORD).body())
                .contains("assistant_replies_sent_total 1.0"));
        String metrics = call("GET", "/observe/metrics", PASSWORD).body();
        assertThat(metrics)
                .contains("assistant_messages_received_total{kind=\"text\"} 1.0")
                .contains("assistant_messages_received_total{kind=\"refused\"} 0.0")
                .contains("assistant_claude_calls_total{outcome=\"ok\"} 1.0")
                .contains("assistant_claude_calls_total{outcome=\"overloaded\"} 0.0")
                .contains("assistant_claude_tokens_total{model=\"claude-sonnet-4-6\",type=\"input\"} 21.0")
                .contains("assistant_claude_tokens_total{model=\"claude-sonnet-4-6\",type=\"output\"} 42.0")
                .contains("assistant_claude_latency_seconds_bucket{outcome=\"ok\"")
                .contains("assistant_alerts_sent_total{kind=\"down\",service=\"postgresql\"} 0.0")
                .contains("assistant_audit_queue_depth")
                .contains("assistant_audit_dropped_total 0.0")
                .contains("assistant_inbox_pending 0.0")
                .contains("camel_exchanges_total{")
                .contains("routeId=\"telegram-inbound\"");
        // the control: without the password, none of it
        HttpResponse<String> anonymous = call("GET", "/observe/metrics", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).doesNotContain("assistant_");
    }

    @Test
    void noSecretInAnyManagementAnswerWhileTelegramFails() throws Exception {
        start(managedEnv(true));
        awaitUp();
        // getUpdates fails: camel-telegram's error message holds the Bot API URL, and with it the token
        telegram.server().stubFor(WireMock.any(urlPathMatching("/bot[^/]+/getUpdates")).atPriority(1)
                .willReturn(aResponse().withStatus(502).withBody("Bad Gateway")));
        await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/observe/health", null).statusCode() == 503);
        // the control: the operator does see the failing consumer and its (masked) error. Awaited, not read
        // once: the overall 503 may come from another check a moment before the consumer's turns DOWN
        // (the check may read UP again between two failing polls: the DOWN answer itself is the one examined)
        java.util.concurrent.atomic.AtomicReference<JsonNode> down = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode consumer = telegramConsumerCheck();
            if (consumer != null && consumer.path("status").asText().equals("DOWN")) {
                down.set(consumer);
                return true;
            }
            return false;
        });
        assertThat(down.get().toString()).contains("502").contains("****");

        String secretPart = FakeTelegram.TOKEN.substring(FakeTelegram.TOKEN.indexOf(':') + 1);
        List<String> answers = new ArrayList<>();
        for (Expect e : WITH_PASSWORD) {
            if (e.operator() > 0) {
                answers.add(e.path() + " -> " + call(e.method(), e.path(), null).body());
                answers.add(e.path() + " (operator) -> " + call(e.method(), e.path(), PASSWORD).body());
            }
        }
        for (String path : List.of("/observe/health?exposureLevel=full&stackTrace=true&data=true",
                "/observe/health/ready?exposureLevel=full&stackTrace=true&data=true", "/q/dev/health?stackTrace=true",
                "/q/dev/consumer", "/q/dev/route", "/q/dev/endpoint", "/q/dev/properties", "/q/dev/log")) {
            answers.add(path + " (operator) -> " + call("GET", path, PASSWORD).body());
        }
        answers.add("jolokia health -> " + jolokia("{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=camel-assistant,"
                                                    + "type=health,name=DefaultHealthCheck\",\"operation\":\"details()\"}", PASSWORD).body());
        answers.add("jolokia search -> " + jolokia("{\"type\":\"read\",\"mbean\":\"org.apache.camel:type=consumers,*\"}", PASSWORD).body());

        String all = String.join("\n", answers);
        assertThat(all).doesNotContain(FakeTelegram.TOKEN).doesNotContain(secretPart).doesNotContain(API_KEY)
                .doesNotContain(ENCRYPTION_KEY).doesNotContain(PASSWORD);
    }

    private JsonNode telegramConsumerCheck() throws Exception {
        JsonNode full = JSON.readTree(call("GET", "/observe/health?exposureLevel=full", PASSWORD).body());
        for (JsonNode c : full.path("checks")) {
            if (c.path("name").asText().equals("consumer:telegram-inbound")) {
                return c;
            }
        }
        return null;
    }

    private void awaitUp() {
        await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/observe/health", null).statusCode() == 200);
    }

    private void check(Expect e, String password, int expected, List<String> mismatches) throws Exception {
        if (expected < 0) {
            return; // not called with these credentials (it would stop a route or read queued messages)
        }
        int status = call(e.method(), e.path(), password).statusCode();
        if (status != expected) {
            mismatches.add(e.method() + " " + e.path() + (password == null ? " anonymous" : " with " + password)
                           + ": " + status + ", expected " + expected);
        }
    }

    HttpResponse<String> call(String method, String path, String password) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, path.equals("/observe/jolokia")
                        ? HttpRequest.BodyPublishers.ofString("{\"type\":\"version\"}") : HttpRequest.BodyPublishers.noBody());
        if (password != null) {
            b.header("Authorization", basic(USER, password));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> jolokia(String json, String password) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/jolokia"))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", basic(USER, password))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static InetAddress nonLoopbackAddress() throws Exception {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || nif.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (a instanceof Inet4Address) {
                    return a;
                }
            }
        }
        return null;
    }

    static boolean connects(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new java.net.InetSocketAddress(address, port), 2000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
