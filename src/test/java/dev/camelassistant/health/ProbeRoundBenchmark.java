package dev.camelassistant.health;

import dev.camelassistant.support.FakeSecrets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * Time of one probe round (the four probes in parallel, as the probe route runs them), with every
 * service healthy, then with Qdrant hanging, then with Qdrant and Claude hanging: a hanging service
 * costs its own timeout (5 s by default), not the sum of the timeouts.
 * <p>
 * Real PostgreSQL (TEST_DATABASE_URL) and Redis (TEST_REDIS_URL), WireMock for Qdrant and Claude.
 * Run after {@code mvn test-compile}:
 * {@code java -cp target/test-classes:target/classes:$(cat target/cp.txt) dev.camelassistant.health.ProbeRoundBenchmark [rounds] [timeoutMs]}
 */
public final class ProbeRoundBenchmark {

    private static final String MODEL = "claude-sonnet-4-6";

    private ProbeRoundBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        long timeoutMs = args.length > 1 ? Long.parseLong(args[1]) : 5000;
        String pgUrl = env("TEST_DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String redisUrl = env("TEST_REDIS_URL", "redis://127.0.0.1:6379");

        WireMockServer qdrant = new WireMockServer(wireMockConfig().dynamicPort());
        WireMockServer claude = new WireMockServer(wireMockConfig().dynamicPort());
        qdrant.start();
        claude.start();
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(pgUrl);
        pool.setUsername(env("TEST_DATABASE_USER", "postgres"));
        String pw = System.getenv("TEST_DATABASE_PASSWORD");
        if (pw != null && !pw.isBlank()) {
            pool.setPassword(pw);
        }
        pool.setMaximumPoolSize(8);
        pool.setConnectionTimeout(timeoutMs);
        Duration timeout = Duration.ofMillis(timeoutMs);
        try (HikariDataSource ds = new HikariDataSource(pool)) {
            var http = HttpProbes.client(timeout);
            List<ServiceProbe> probes = List.of(new PostgresProbe(ds), new RedisProbe(RedisUrl.parse(redisUrl)),
                    new QdrantProbe(http, qdrant.baseUrl()),
                    new ClaudeProbe(http, claude.baseUrl(), MODEL, FakeSecrets.ANTHROPIC_PREFIX + "benchmark-not-a-key"));
            Map<String, Duration> timeouts = new LinkedHashMap<>();
            probes.forEach(p -> timeouts.put(p.service(), timeout));
            HealthProber prober = new HealthProber(probes, timeouts, Duration.ofMinutes(2));
            prober.start();

            healthy(qdrant, claude);
            for (int i = 0; i < 30; i++) {
                prober.probeAll(); // warm-up: JIT, pool, HTTP connections
            }
            long[] healthy = measure(prober, rounds, 0);
            System.out.printf("all healthy        : %d rounds, median %.2f ms, p95 %.2f ms, max %.2f ms; last: %s%n",
                    rounds, pct(healthy, 50), pct(healthy, 95), pct(healthy, 100), summary(prober.probeAll()));

            qdrant.resetAll();
            qdrant.stubFor(get(urlEqualTo("/readyz")).willReturn(aResponse().withStatus(200).withFixedDelay(60_000)));
            long[] oneHanging = measure(prober, 3, 250);
            System.out.printf("Qdrant hanging     : 3 rounds, %s ms (timeout %d ms); last: %s%n",
                    list(oneHanging), timeoutMs, summary(prober.probeAll()));

            claude.resetAll();
            claude.stubFor(get(urlEqualTo("/v1/models/" + MODEL)).willReturn(aResponse().withStatus(200).withFixedDelay(60_000)));
            long[] twoHanging = measure(prober, 3, 250);
            System.out.printf("Qdrant+Claude hang : 3 rounds, %s ms (timeout %d ms, sum would be %d ms); last: %s%n",
                    list(twoHanging), timeoutMs, 2 * timeoutMs, summary(prober.probeAll()));
            prober.stop();
        } finally {
            qdrant.stop();
            claude.stop();
        }
        System.exit(0);
    }

    private static void healthy(WireMockServer qdrant, WireMockServer claude) {
        qdrant.stubFor(get(urlEqualTo("/readyz")).willReturn(aResponse().withStatus(200).withBody("all shards are ready")));
        claude.stubFor(get(urlEqualTo("/v1/models/" + MODEL)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"type\":\"model\",\"id\":\"" + MODEL + "\"}")));
    }

    /**
     * @param pauseMs between rounds, as the interval spaces them in the route: an attempt that hangs
     *                past its timeout ends (its client's own timeout) before the next round starts
     */
    private static long[] measure(HealthProber prober, int rounds, long pauseMs) throws InterruptedException {
        long[] nanos = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            Thread.sleep(pauseMs);
            long t0 = System.nanoTime();
            prober.probeAll();
            nanos[i] = System.nanoTime() - t0;
        }
        return nanos;
    }

    private static double pct(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int i = Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }

    private static String list(long[] nanos) {
        return Arrays.stream(nanos).mapToObj(n -> String.format("%.0f", n / 1e6)).collect(Collectors.joining(", "));
    }

    private static String summary(List<ServiceHealth> results) {
        return results.stream().map(h -> h.service() + "=" + h.state() + (h.kind() == null ? "" : "/" + h.kind())
                                         + " " + h.latencyMs() + "ms").collect(Collectors.joining(", "));
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
