package dev.camelassistant.health;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import dev.camelassistant.support.BotRouteTestSupport;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The cooldown in memory, shared by two instances through a real Redis, and failing over when Redis is away. */
class AlertCooldownTest {

    private static final Duration COOLDOWN = Duration.ofSeconds(300);

    private final AtomicLong now = new AtomicLong(1_000_000);

    @Test
    void oneAlertPerServiceAndKindPerCooldown() {
        AlertCooldown cooldown = AlertCooldown.inMemory(COOLDOWN, now::get);

        assertThat(cooldown.tryAcquire("qdrant", "down")).isTrue();
        now.addAndGet(60_000);
        assertThat(cooldown.tryAcquire("qdrant", "down")).isFalse();
        assertThat(cooldown.tryAcquire("qdrant", "timeout")).isTrue();   // another kind of problem
        assertThat(cooldown.tryAcquire("redis", "down")).isTrue();       // another service
        now.addAndGet(240_000);                                           // 300 s after the first
        assertThat(cooldown.tryAcquire("qdrant", "down")).isTrue();
    }

    @Test
    void recoveryIsAnnouncedOnceAndOnlyAfterAnAlert() {
        AlertCooldown cooldown = AlertCooldown.inMemory(COOLDOWN, now::get);

        assertThat(cooldown.recover("claude")).isFalse();                 // nothing was alerted
        cooldown.tryAcquire("claude", "overloaded");
        assertThat(cooldown.recover("claude")).isTrue();
        assertThat(cooldown.recover("claude")).isFalse();
    }

    @Test
    void aSuppressedProblemAfterARecoveryAnnouncesNoSecondRecovery() {
        AlertCooldown cooldown = AlertCooldown.inMemory(COOLDOWN, now::get);
        cooldown.tryAcquire("qdrant", "down");
        assertThat(cooldown.recover("qdrant")).isTrue();

        // it flaps within the cooldown: no alert, so no "back" message either
        assertThat(cooldown.tryAcquire("qdrant", "down")).isFalse();
        assertThat(cooldown.recover("qdrant")).isFalse();
    }

    @Test
    void twoInstancesShareTheCooldownThroughRedis() throws Exception {
        String url = System.getenv("TEST_REDIS_URL");
        assumeTrue(url != null && !url.isBlank(), "TEST_REDIS_URL is not set: no Redis to share the cooldown through");
        String prefix = "camel-assistant-test:" + UUID.randomUUID() + ":";
        AlertCooldown a = AlertCooldown.withRedis(RedisUrl.parse(url), Duration.ofSeconds(1), prefix, Duration.ofMillis(500));
        AlertCooldown b = AlertCooldown.withRedis(RedisUrl.parse(url), Duration.ofSeconds(1), prefix, Duration.ofMillis(500));
        a.start();
        b.start();
        try {
            assertThat(a.tryAcquire("qdrant", "down")).isTrue();
            assertThat(b.tryAcquire("qdrant", "down")).isFalse();   // the other instance saw the same outage
            assertThat(a.tryAcquire("qdrant", "down")).isFalse();

            // one "back" message between the two instances, whichever sees the recovery first
            assertThat(b.recover("qdrant")).isTrue();
            assertThat(a.recover("qdrant")).isFalse();

            Thread.sleep(1_200); // the key expires in Redis
            assertThat(b.tryAcquire("qdrant", "down")).isTrue();
            assertThat(a.tryAcquire("qdrant", "down")).isFalse();
        } finally {
            a.stop();
            b.stop();
        }
    }

    @Test
    void theRedisKeysExpireAfterTheCooldownAndTheActiveMarkerAfterAWeek() {
        String url = System.getenv("TEST_REDIS_URL");
        assumeTrue(url != null && !url.isBlank(), "TEST_REDIS_URL is not set: no Redis to read the keys from");
        String prefix = "camel-assistant-test:" + UUID.randomUUID() + ":";
        RedisUrl redisUrl = RedisUrl.parse(url);
        AlertCooldown cooldown = AlertCooldown.withRedis(redisUrl, COOLDOWN, prefix, Duration.ofMillis(500));
        cooldown.start();
        try (Jedis jedis = new Jedis(new HostAndPort(redisUrl.host(), redisUrl.port()), redisUrl.clientConfig(Duration.ofSeconds(2)))) {
            assertThat(jedis.exists(prefix + "cooldown:qdrant:down")).isFalse();
            assertThat(cooldown.tryAcquire("qdrant", "down")).isTrue();

            assertThat(jedis.get(prefix + "active:qdrant")).isEqualTo("down");
            assertThat(jedis.ttl(prefix + "cooldown:qdrant:down")).isBetween(COOLDOWN.toSeconds() - 5, COOLDOWN.toSeconds());
            assertThat(jedis.ttl(prefix + "active:qdrant")).isBetween(7 * 86_400L - 5, 7 * 86_400L);

            assertThat(cooldown.recover("qdrant")).isTrue();
            assertThat(jedis.exists(prefix + "active:qdrant")).isFalse();
            assertThat(jedis.exists(prefix + "cooldown:qdrant:down")).isTrue();   // a recovery keeps the cooldown
            jedis.del(prefix + "cooldown:qdrant:down");
        } finally {
            cooldown.stop();
        }
    }

    @Test
    void redisDownFallsBackToMemoryWithoutStalling() {
        int closed = BotRouteTestSupport.freePort();
        AlertCooldown cooldown = AlertCooldown.withRedis(RedisUrl.parse("redis://127.0.0.1:" + closed), COOLDOWN,
                "camel-assistant-test:", Duration.ofMillis(500));
        cooldown.start();
        try {
            long t0 = System.nanoTime();
            assertThat(cooldown.tryAcquire("redis", "down")).isTrue();
            assertThat(cooldown.tryAcquire("redis", "down")).isFalse();   // the memory cooldown still applies
            assertThat(cooldown.recover("redis")).isTrue();
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1_500);
        } finally {
            cooldown.stop();
        }
    }

    @Test
    void aRedisThatNeverAnswersCostsAboutItsShortTimeoutPerCall() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50)) {
            AlertCooldown cooldown = AlertCooldown.withRedis(RedisUrl.parse("redis://127.0.0.1:" + silent.getLocalPort()),
                    COOLDOWN, "camel-assistant-test:", Duration.ofMillis(300));
            cooldown.start();
            try {
                long t0 = System.nanoTime();
                assertThat(cooldown.tryAcquire("redis", "timeout")).isTrue();
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(ms).isLessThan(1_500);
                assertThat(cooldown.tryAcquire("redis", "timeout")).isFalse();
            } finally {
                cooldown.stop();
            }
        }
    }
}
