package dev.camelassistant.health;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisClientConfig;

/**
 * REDIS_URL taken apart: {@code redis[s]://[[user]:password@]host[:port][/db]}. {@link #toString()}
 * never shows the password.
 */
public record RedisUrl(String host, int port, String user, String password, int database, boolean ssl) {

    public static final int DEFAULT_PORT = 6379;

    /** Null for a blank value; IllegalArgumentException for one that is not a redis:// URL. */
    public static RedisUrl parse(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("REDIS_URL is not a URL");
        }
        String scheme = uri.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme) || uri.getHost() == null) {
            throw new IllegalArgumentException("REDIS_URL must look like redis://host:port");
        }
        String user = null;
        String password = null;
        String info = uri.getRawUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            if (colon < 0) {
                password = decode(info);
            } else {
                user = colon == 0 ? null : decode(info.substring(0, colon));
                password = decode(info.substring(colon + 1));
            }
        }
        int db = 0;
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            db = Integer.parseInt(path.substring(1).replace("/", ""));
        }
        return new RedisUrl(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : DEFAULT_PORT, blankToNull(user),
                blankToNull(password), db, "rediss".equals(scheme));
    }

    /**
     * Jedis settings for this server: database, TLS, credentials, and {@code timeout} as both the
     * connect and the read timeout. No CLIENT SETINFO handshake: a new connection's first command
     * costs one round trip.
     */
    public JedisClientConfig clientConfig(Duration timeout) {
        int ms = (int) Math.max(1, timeout.toMillis());
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(ms)
                .socketTimeoutMillis(ms)
                .database(database)
                .ssl(ssl)
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (password != null) {
            config.user(user).password(password);
        }
        return config.build();
    }

    @Override
    public String toString() {
        return (ssl ? "rediss://" : "redis://") + host + ":" + port + (database == 0 ? "" : "/" + database);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
