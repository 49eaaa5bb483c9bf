package dev.camelassistant.health;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The jar's {@code healthcheck} command (the Docker HEALTHCHECK) against a tiny local HTTP server. */
class HealthcheckCliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void upWhenLiveAnswers200() throws IOException {
        int port = serve(200, "{\"status\":\"UP\"}");

        assertThat(run(Map.of("HTTP_PORT", String.valueOf(port)))).isZero();
        assertThat(paths).containsExactly("/observe/health/live");
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("healthcheck: UP (http://127.0.0.1:" + port + "/observe/health/live answered 200)\n");
        assertThat(err.size()).isZero();
    }

    @Test
    void downWhenLiveAnswers503() throws IOException {
        int port = serve(503, "{\"status\":\"DOWN\"}");

        assertThat(run(Map.of("HTTP_PORT", String.valueOf(port), "MANAGEMENT_HOST", "0.0.0.0"))).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("healthcheck: DOWN (http://127.0.0.1:" + port + "/observe/health/live answered 503)\n");
        assertThat(out.size()).isZero();
    }

    @Test
    void downWhenNothingListens() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }

        assertThat(run(Map.of("HTTP_PORT", String.valueOf(port)))).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("healthcheck: no answer from http://127.0.0.1:" + port + "/observe/health/live (");
    }

    @Test
    void downWhenTheServerDoesNotAnswerWithinTheTimeout() throws IOException {
        // accepts the connection, never answers: the request timeout ends the check
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            long start = System.nanoTime();
            assertThat(run(Map.of("HTTP_PORT", String.valueOf(silent.getLocalPort())))).isEqualTo(1);
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(millis).isBetween(HealthcheckCli.TIMEOUT.toMillis() - 100, HealthcheckCli.TIMEOUT.toMillis() + 2000);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("HttpTimeoutException");
        }
    }

    @Test
    void aSpecificManagementHostIsAskedDirectly() throws IOException {
        int port = serve(200, "{\"status\":\"UP\"}");

        assertThat(run(Map.of("HTTP_PORT", String.valueOf(port), "MANAGEMENT_HOST", "localhost"))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("http://localhost:" + port + "/observe/health/live");
    }

    @Test
    void aMalformedPortIsUnhealthyNotACrash() {
        assertThat(run(Map.of("HTTP_PORT", "eighty"))).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("healthcheck: no answer from http://127.0.0.1:eighty/");
    }

    private int run(Map<String, String> env) {
        return HealthcheckCli.run(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private int serve(int status, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().getPath());
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server.getAddress().getPort();
    }
}
