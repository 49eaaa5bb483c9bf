package dev.camelassistant.health;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import org.apache.camel.support.service.ServiceSupport;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.params.SetParams;

/**
 * At most one alert per service and kind of problem per cooldown period, and one "recovered"
 * message per service that was alerted.
 * <p>
 * With Redis (REDIS_URL) the cooldown is {@code SET <prefix>cooldown:<service>:<kind> NX EX <seconds>},
 * so every instance of the bot shares it, and the instance that wins also sets
 * {@code <prefix>active:<service>}; the recovery is announced by whichever instance deletes that key.
 * Every decision is also written to memory, and a Redis call that fails (short timeouts, 500 ms)
 * falls back to memory for that call only, so a dead Redis neither stalls nor silences alerts.
 * <p>
 * Redis is reached through a plain Jedis pool: two commands need no client framework (Spring Data
 * Redis, which camel-spring-redis brings, loaded about 650 classes more for them; BENCHMARKS.md).
 * <p>
 * {@link #recover(String)} is cheap when this instance has seen no problem with the service since
 * its last recovery: a set lookup, no Redis call (the Claude route calls it after every answer).
 * A recovery does not reset the cooldown: a service that flaps alerts at most once per period.
 */
public final class AlertCooldown extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(AlertCooldown.class);
    /** An active-alert marker outlives any outage it may describe, but does not stay forever. */
    private static final Duration ACTIVE_TTL = Duration.ofDays(7);

    private final Duration cooldown;
    private final LongSupplier clock;
    private final String prefix;
    /** Null without REDIS_URL. */
    private final JedisPool redis;
    private final String instance;

    private final Map<String, Long> memoryUntil = new ConcurrentHashMap<>();
    /** Services this instance alerted: TRUE when the alert was recorded in Redis, FALSE when only here. */
    private final Map<String, Boolean> memoryActive = new ConcurrentHashMap<>();
    private final Set<String> observed = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean redisFailing = new AtomicBoolean();

    private AlertCooldown(Duration cooldown, LongSupplier clock, String prefix, JedisPool redis) {
        this.cooldown = cooldown;
        this.clock = clock;
        this.prefix = prefix;
        this.redis = redis;
        this.instance = ManagementFactory.getRuntimeMXBean().getName();
    }

    /** This instance's memory only (REDIS_URL unset). */
    public static AlertCooldown inMemory(Duration cooldown, LongSupplier clockMillis) {
        return new AlertCooldown(cooldown, clockMillis, "", null);
    }

    public static AlertCooldown inMemory(Duration cooldown) {
        return inMemory(cooldown, System::currentTimeMillis);
    }

    /**
     * Shared through Redis, with memory as the fallback.
     *
     * @param keyPrefix    e.g. "camel-assistant:alert:"
     * @param redisTimeout connect, read and pool-wait timeout of every Redis call
     */
    public static AlertCooldown withRedis(RedisUrl url, Duration cooldown, String keyPrefix, Duration redisTimeout) {
        GenericObjectPoolConfig<Jedis> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(4);
        pool.setMaxIdle(2);
        pool.setMinIdle(0);
        pool.setMaxWait(redisTimeout);
        JedisPool redis = new JedisPool(pool, new HostAndPort(url.host(), url.port()), url.clientConfig(redisTimeout));
        return new AlertCooldown(cooldown, System::currentTimeMillis, keyPrefix, redis);
    }

    public boolean isShared() {
        return redis != null;
    }

    public Duration cooldown() {
        return cooldown;
    }

    /**
     * True when an alert for this service and kind may be sent now (and starts its cooldown);
     * false while one was sent, by this or another instance, less than the cooldown ago.
     */
    public boolean tryAcquire(String service, String kind) {
        observed.add(service);
        String key = service + ":" + kind;
        if (redis != null) {
            try (Jedis jedis = redis.getResource()) {
                // "OK" when the key was set, null when it existed
                boolean set = jedis.set(prefix + "cooldown:" + key, instance,
                        SetParams.setParams().nx().ex(cooldown.toSeconds())) != null;
                if (set) {
                    jedis.set(prefix + "active:" + service, kind, SetParams.setParams().ex(ACTIVE_TTL.toSeconds()));
                }
                redisAnswered();
                if (set) {
                    memoryUntil.put(key, clock.getAsLong() + cooldown.toMillis());
                    memoryActive.put(service, Boolean.TRUE);
                    return true;
                }
                return false;
            } catch (RuntimeException e) {
                redisFailed(e);
            }
        }
        long now = clock.getAsLong();
        AtomicBoolean won = new AtomicBoolean();
        memoryUntil.compute(key, (k, until) -> {
            if (until == null || until <= now) {
                won.set(true);
                return now + cooldown.toMillis();
            }
            return until;
        });
        if (won.get()) {
            memoryActive.put(service, Boolean.FALSE);
        }
        return won.get();
    }

    /** Cheap, local: whether this instance saw a problem of the service that may need a recovery message. */
    public boolean mayRecover(String service) {
        return service != null && observed.contains(service);
    }

    /**
     * True once after an alert for the service was sent (by any instance sharing Redis) and the
     * service is fine again: the caller announces the recovery. Clears the service's alert state.
     */
    public boolean recover(String service) {
        if (service == null || !observed.remove(service)) {
            return false;
        }
        Boolean alertedHere = memoryActive.remove(service);
        if (redis != null) {
            try (Jedis jedis = redis.getResource()) {
                boolean deleted = jedis.del(prefix + "active:" + service) > 0;
                redisAnswered();
                // an alert sent from memory while Redis was away is announced by this instance alone
                return deleted || Boolean.FALSE.equals(alertedHere);
            } catch (RuntimeException e) {
                redisFailed(e);
            }
        }
        return alertedHere != null;
    }

    private void redisFailed(RuntimeException e) {
        if (redisFailing.compareAndSet(false, true)) {
            LOG.warn("Redis does not answer for the alert cooldown ({}); this instance keeps it in memory until it does",
                    HealthProber.describe(e));
        }
    }

    private void redisAnswered() {
        if (redisFailing.compareAndSet(true, false)) {
            LOG.info("Redis answers again; the alert cooldown is shared again");
        }
    }

    @Override
    protected void doStop() {
        if (redis != null) {
            redis.close();
        }
    }
}
