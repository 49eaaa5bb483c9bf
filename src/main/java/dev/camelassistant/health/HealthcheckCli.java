package dev.camelassistant.health;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * {@code healthcheck}: asks the running bot's management server whether it is alive, for the
 * Docker image's HEALTHCHECK (which so needs no curl in the image, and no shell: the JRE image's
 * {@code sh} is dash, which has no /dev/tcp).
 * <p>
 * GET {@code http://<host>:HTTP_PORT/observe/health/live}, which answers without credentials.
 * The host is MANAGEMENT_HOST, or 127.0.0.1 when that is unset or binds every interface. Exit code
 * 0 on HTTP 200, otherwise 1 (Docker reads 1 as unhealthy and reserves 2), with one line saying why.
 */
public final class HealthcheckCli {

    static final String PATH = "/observe/health/live";
    static final Duration TIMEOUT = Duration.ofSeconds(3);

    private HealthcheckCli() {
    }

    public static int run(Map<String, String> env, PrintStream out, PrintStream err) {
        String url = "http://" + host(env.get("MANAGEMENT_HOST")) + ":" + orDefault(env.get("HTTP_PORT"), "8080") + PATH;
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build();
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 200) {
                out.println("healthcheck: UP (" + url + " answered 200)");
                return 0;
            }
            err.println("healthcheck: DOWN (" + url + " answered " + status + ")");
        } catch (IOException | IllegalArgumentException e) {
            err.println("healthcheck: no answer from " + url + " (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("healthcheck: interrupted");
        }
        return 1;
    }

    private static String host(String managementHost) {
        String host = orDefault(managementHost, "0.0.0.0");
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            return "127.0.0.1";
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
