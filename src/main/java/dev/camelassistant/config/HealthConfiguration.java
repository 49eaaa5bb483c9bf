package dev.camelassistant.config;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.health.AlertCooldown;
import dev.camelassistant.health.Alerts;
import dev.camelassistant.health.ClaudeProbe;
import dev.camelassistant.health.HealthProber;
import dev.camelassistant.health.HealthReport;
import dev.camelassistant.health.HttpProbes;
import dev.camelassistant.health.MaskedHealthResults;
import dev.camelassistant.health.PostgresProbe;
import dev.camelassistant.health.QdrantProbe;
import dev.camelassistant.health.RedisProbe;
import dev.camelassistant.health.RedisUrl;
import dev.camelassistant.health.ServiceHealthCheck;
import dev.camelassistant.health.ServiceProbe;
import dev.camelassistant.logging.LogMasker;
import dev.camelassistant.metrics.BotMetrics;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health package's beans: "healthProber" (parallel probes, latest results), one
 * {@link ServiceHealthCheck} per service (Camel's health registry finds them as beans:
 * /observe/health, JMX), "healthReport" (/health text, probe-route headers), "alerts" (alert
 * routes; its cooldown is a context service) and "maskedHealthResults" (every health result is
 * masked: the console, JMX, Jolokia, /health).
 * <p>
 * A service's probe may have a timeout of its own, health.&lt;service&gt;.timeout-ms; else health.timeout-ms.
 */
public class HealthConfiguration extends FeatureConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(HealthConfiguration.class);
    private static final List<String> SERVICES = List.of("postgresql", "redis", "qdrant", "claude");

    @PropertyInject("health.timeout-ms")
    long timeoutMs;
    @PropertyInject("health.interval-seconds")
    long intervalSeconds;
    @PropertyInject("alert.cooldown-seconds")
    long cooldownSeconds;
    @PropertyInject("alert.redis-key-prefix")
    String redisKeyPrefix;
    @PropertyInject("alert.redis-timeout-ms")
    long redisTimeoutMs;
    // parsed once, when injected (its password joins the masked secrets)
    private RedisUrl redis;
    @PropertyInject("qdrant.url")
    String qdrantUrl;
    @PropertyInject("claude.base-url")
    String claudeBaseUrl;
    @PropertyInject("claude.model")
    String claudeModel;
    @PropertyInject("claude.api-key")
    String claudeApiKey;
    @PropertyInject("telegram.admin-chat-id")
    String adminChatId;
    @BeanInject("dataSource")
    DataSource dataSource;
    @BeanInject("botMetrics")
    BotMetrics metrics;
    @BeanInject("audit")
    AuditEvents audit;

    private List<ServiceProbe> probes;

    @BindToRegistry("healthProber")
    public HealthProber healthProber() {
        Map<String, Duration> timeouts = new LinkedHashMap<>();
        for (String service : SERVICES) {
            String key = "health." + service + ".timeout-ms";
            long ms = context.getPropertiesComponent().resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty())
                    .map(Long::parseLong).orElse(positive("health.timeout-ms", timeoutMs));
            timeouts.put(service, Duration.ofMillis(positive(key, ms)));
        }
        Duration longest = timeouts.values().stream().max(Duration::compareTo).orElseThrow();
        HttpClient http = HttpProbes.client(longest);
        probes = List.of(new PostgresProbe(dataSource), new RedisProbe(redis), new QdrantProbe(http, qdrantUrl),
                new ClaudeProbe(http, claudeBaseUrl, claudeModel, claudeApiKey));
        // a cached result serves the console and JMX for up to two probe intervals (plus a round)
        Duration interval = Duration.ofSeconds(positive("health.interval-seconds", intervalSeconds));
        HealthProber prober = service(new HealthProber(probes, timeouts, interval.multipliedBy(2).plus(longest)));
        for (ServiceProbe probe : probes) {
            context.getRegistry().bind("healthCheck-" + probe.service(), new ServiceHealthCheck(prober, probe.service()));
        }
        Alerts.expectAll(metrics, probes);
        LOG.info("Health: probes {} every {} s (timeout {} ms)", prober.services(), interval.toSeconds(), timeoutMs);
        return prober;
    }

    @BindToRegistry("healthReport")
    public HealthReport healthReport(HealthProber prober) {
        return new HealthReport(prober);
    }

    @BindToRegistry("alerts")
    public Alerts alerts() {
        Duration cooldownPeriod = Duration.ofSeconds(positive("alert.cooldown-seconds", cooldownSeconds));
        AlertCooldown cooldown = service(redis == null
                ? AlertCooldown.inMemory(cooldownPeriod)
                : AlertCooldown.withRedis(redis, cooldownPeriod, redisKeyPrefix,
                        Duration.ofMillis(positive("alert.redis-timeout-ms", redisTimeoutMs))));
        LOG.info("Alert cooldown {} s {}", cooldownPeriod.toSeconds(), cooldown.isShared() ? "shared through " + redis : "in memory");
        return new Alerts(cooldown, adminChatId, audit, metrics);
    }

    @BindToRegistry("maskedHealthResults")
    public MaskedHealthResults maskedHealthResults() {
        return new MaskedHealthResults();
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        // no management server without its guard (management/ManagementServerFactory)
        dev.camelassistant.management.ManagementServerFactory.requireGuarded(context);
    }

    @PropertyInject("redis.url")
    public void setRedisUrl(String url) {
        redis = RedisUrl.parse(url == null ? "" : url.trim());
        if (redis != null && redis.password() != null) {
            LogMasker.registerSecret(redis.password());
        }
    }

    private static long positive(String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be a positive whole number");
        }
        return value;
    }
}
