package dev.camelassistant.health;

import java.time.Duration;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/** {@code PING} to REDIS_URL over a fresh connection whose connect and read timeouts are the probe's. */
public final class RedisProbe implements ServiceProbe {

    private final RedisUrl url;

    /** @param url null when REDIS_URL is not set */
    public RedisProbe(RedisUrl url) {
        this.url = url;
    }

    @Override
    public String service() {
        return "redis";
    }

    @Override
    public boolean configured() {
        return url != null;
    }

    @Override
    public void probe(Duration timeout) throws Exception {
        try (Jedis jedis = new Jedis(new HostAndPort(url.host(), url.port()), url.clientConfig(timeout))) {
            String answer = jedis.ping();
            if (!"PONG".equalsIgnoreCase(answer)) {
                throw new ProbeFailure(ServiceHealth.KIND_DOWN, "unexpected answer to PING");
            }
        }
    }
}
