package dev.camelassistant.health;

import dev.camelassistant.support.FakeSecrets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The prober's parallelism, per-check timeouts, reuse of a hanging attempt and result cache, with fake probes. */
class HealthProberTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private HealthProber prober;

    @AfterEach
    void stop() {
        release.countDown();
        if (prober != null) {
            prober.stop();
        }
    }

    /** A probe that takes {@code millis} (or hangs until the test ends when negative) and counts its calls. */
    private final class FakeProbe implements ServiceProbe {
        final String service;
        final long millis;
        final AtomicInteger calls = new AtomicInteger();
        volatile Exception failure;

        FakeProbe(String service, long millis) {
            this.service = service;
            this.millis = millis;
        }

        @Override
        public String service() {
            return service;
        }

        @Override
        public boolean configured() {
            return true;
        }

        @Override
        public void probe(Duration timeout) throws Exception {
            calls.incrementAndGet();
            if (millis < 0) {
                release.await();
            } else {
                Thread.sleep(millis);
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    private HealthProber start(Duration timeout, Duration maxAge, FakeProbe... probes) {
        Map<String, Duration> timeouts = new java.util.HashMap<>();
        for (FakeProbe p : probes) {
            timeouts.put(p.service, timeout);
        }
        prober = new HealthProber(List.of(probes), timeouts, maxAge);
        prober.start();
        return prober;
    }

    @Test
    void probesRunInParallel() {
        start(Duration.ofSeconds(2), Duration.ofMinutes(1),
                new FakeProbe("a", 300), new FakeProbe("b", 300), new FakeProbe("c", 300), new FakeProbe("d", 300));

        long t0 = System.nanoTime();
        List<ServiceHealth> results = prober.probeAll();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

        assertThat(results).extracting(ServiceHealth::service).containsExactly("a", "b", "c", "d");
        assertThat(results).allMatch(ServiceHealth::isUp);
        assertThat(ms).isLessThan(900); // not 4 x 300
    }

    @Test
    void aHangingServiceCostsItsOwnTimeoutAndDelaysNothingElse() {
        FakeProbe hanging = new FakeProbe("qdrant", -1);
        start(Duration.ofMillis(400), Duration.ofMinutes(1),
                new FakeProbe("postgresql", 20), new FakeProbe("redis", 20), hanging, new FakeProbe("claude", 50));

        long t0 = System.nanoTime();
        List<ServiceHealth> results = prober.probeAll();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

        assertThat(ms).isBetween(390L, 800L);
        assertThat(results.get(2).kind()).isEqualTo("timeout");
        assertThat(results.get(2).error()).isEqualTo("no answer within 400 ms");
        assertThat(results).filteredOn(h -> !h.service().equals("qdrant")).allMatch(ServiceHealth::isUp);
    }

    @Test
    void aStillHangingAttemptIsAwaitedAgainNotStartedAgain() {
        FakeProbe hanging = new FakeProbe("qdrant", -1);
        start(Duration.ofMillis(200), Duration.ofMinutes(1), hanging, new FakeProbe("redis", 10));

        for (int i = 0; i < 3; i++) {
            assertThat(prober.probeAll().get(0).kind()).isEqualTo("timeout");
        }
        assertThat(hanging.calls).hasValue(1);
    }

    @Test
    void failuresAreClassifiedAndMasked() {
        FakeProbe refused = new FakeProbe("redis", 0);
        refused.failure = new RuntimeException("wrapper", new java.net.ConnectException("Connection refused"));
        FakeProbe slow = new FakeProbe("postgresql", 0);
        slow.failure = new java.sql.SQLException("io", new java.net.SocketTimeoutException("Read timed out"));
        FakeProbe leaky = new FakeProbe("claude", 0);
        leaky.failure = new IllegalStateException("failed with x-api-key: " + FakeSecrets.anthropicKey("abcdefghijklmnop"));
        FakeProbe rejected = new FakeProbe("qdrant", 0);
        rejected.failure = new ServiceProbe.ProbeFailure("rejected_key", "API key rejected (HTTP 401)");
        start(Duration.ofSeconds(1), Duration.ofMinutes(1), refused, slow, leaky, rejected);

        List<ServiceHealth> results = prober.probeAll();

        assertThat(results.get(0).kind()).isEqualTo("down");
        assertThat(results.get(0).error()).isEqualTo("Connection refused");
        assertThat(results.get(1).kind()).isEqualTo("timeout");
        assertThat(results.get(2).error()).doesNotContain("sk-ant").contains("****");
        assertThat(results.get(3).kind()).isEqualTo("rejected_key");
        assertThat(results.get(3).error()).isEqualTo("API key rejected (HTTP 401)");
    }

    @Test
    void healthChecksReadTheCacheWhileItIsFresh() {
        FakeProbe a = new FakeProbe("postgresql", 0);
        start(Duration.ofSeconds(1), Duration.ofMinutes(1), a);

        prober.probeAll();
        ServiceHealth first = prober.current("postgresql");
        ServiceHealth second = prober.current("postgresql");

        assertThat(a.calls).hasValue(1);
        assertThat(second).isSameAs(first);
    }

    @Test
    void aStaleCacheIsRefreshedOnRead() throws Exception {
        FakeProbe a = new FakeProbe("postgresql", 0);
        start(Duration.ofSeconds(1), Duration.ofMillis(50), a);

        assertThat(prober.current("postgresql").isUp()).isTrue(); // nothing cached yet: probes
        Thread.sleep(80);
        prober.current("postgresql");

        assertThat(a.calls).hasValue(2);
    }

    @Test
    void notStartedOrStoppedProberRefusesToProbe() {
        FakeProbe a = new FakeProbe("postgresql", 0);
        start(Duration.ofSeconds(1), Duration.ofMinutes(1), a);
        prober.stop();

        assertThatThrownBy(prober::probeAll).isInstanceOf(IllegalStateException.class);
    }
}
