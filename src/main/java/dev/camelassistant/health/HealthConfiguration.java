package dev.camelassistant.health;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.llm.ClaudeFailure;
import dev.camelassistant.logging.LogMasker;
import dev.camelassistant.metrics.BotMetrics;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Beans of the health package: checks, alert cooldown, /health formatting. Called by AppConfiguration,
 * after it bound "dataSource", "audit" and "botMetrics".
 * <p>
 * Binds "healthProber" (parallel probes, latest results), one {@link ServiceHealthCheck} per
 * service (Camel's health registry finds them as beans: /observe/health, JMX), "healthReport"
 * (/health text, probe-route headers) and "alerts" (alert routes; its cooldown is a context service).
 * <p>
 * Properties: health.timeout-ms (5000; per service health.&lt;service&gt;.timeout-ms),
 * health.interval-seconds (60), alert.cooldown-seconds (300), redis.url, qdrant.url,
 * claude.base-url, claude.model, claude.api-key, telegram.admin-chat-id, and the internal
 * alert.redis-key-prefix (camel-assistant:alert:) and alert.redis-timeout-ms (500).
 */
public class HealthConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(HealthConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent props = context.getPropertiesComponent();
        Registry registry = context.getRegistry();

        Duration timeout = Duration.ofMillis(positive(props, "health.timeout-ms", 5000));
        Duration interval = Duration.ofSeconds(positive(props, "health.interval-seconds", 60));
        RedisUrl redisUrl = RedisUrl.parse(prop(props, "redis.url", ""));
        if (redisUrl != null && redisUrl.password() != null) {
            LogMasker.registerSecret(redisUrl.password());
        }

        Map<String, Duration> timeouts = new LinkedHashMap<>();
        for (String service : List.of("postgresql", "redis", "qdrant", "claude")) {
            timeouts.put(service, Duration.ofMillis(positive(props, "health." + service + ".timeout-ms", timeout.toMillis())));
        }
        Duration longest = timeouts.values().stream().max(Duration::compareTo).orElse(timeout);
        HttpClient http = HttpProbes.client(longest);
        List<ServiceProbe> probes = List.of(
                new PostgresProbe(registry.lookupByNameAndType("dataSource", DataSource.class)),
                new RedisProbe(redisUrl),
                new QdrantProbe(http, prop(props, "qdrant.url", "")),
                new ClaudeProbe(http, prop(props, "claude.base-url", ""), prop(props, "claude.model", ""),
                        prop(props, "claude.api-key", "")));

        // a cached result serves the console and JMX for up to two probe intervals (plus a round)
        HealthProber prober = new HealthProber(probes, timeouts, interval.multipliedBy(2).plus(longest));
        context.addService(prober, true, true);
        registry.bind("healthProber", prober);
        for (ServiceProbe probe : probes) {
            registry.bind("healthCheck-" + probe.service(), new ServiceHealthCheck(prober, probe.service()));
        }
        registry.bind("healthReport", new HealthReport(prober));

        Duration cooldownPeriod = Duration.ofSeconds(positive(props, "alert.cooldown-seconds", 300));
        AlertCooldown cooldown = redisUrl == null
                ? AlertCooldown.inMemory(cooldownPeriod)
                : AlertCooldown.withRedis(redisUrl, cooldownPeriod, prop(props, "alert.redis-key-prefix", "camel-assistant:alert:"),
                        Duration.ofMillis(positive(props, "alert.redis-timeout-ms", 500)));
        context.addService(cooldown, true, true);
        BotMetrics metrics = registry.lookupByNameAndType("botMetrics", BotMetrics.class);
        expectAlerts(metrics, probes);
        registry.bind("alerts", new Alerts(cooldown, prop(props, "telegram.admin-chat-id", ""),
                registry.lookupByNameAndType("audit", AuditEvents.class), metrics));

        LOG.info("Health: probes {} every {} s (timeout {} ms), alert cooldown {} s {}",
                prober.services(), interval.toSeconds(), timeout.toMillis(), cooldownPeriod.toSeconds(),
                cooldown.isShared() ? "shared through " + redisUrl : "in memory");
    }

    /**
     * Registers the alert counters that can occur, at 0: every service can be down, time out and
     * recover; Claude's probe and requests also report the kinds of its API errors.
     */
    static void expectAlerts(BotMetrics metrics, List<ServiceProbe> probes) {
        for (ServiceProbe probe : probes) {
            List.of(ServiceHealth.KIND_DOWN, ServiceHealth.KIND_TIMEOUT, Alerts.KIND_RECOVERED)
                    .forEach(kind -> metrics.expectAlert(probe.service(), kind));
            if ("claude".equals(probe.service())) {
                for (ClaudeFailure failure : ClaudeFailure.values()) {
                    if (failure != ClaudeFailure.OTHER) {
                        metrics.expectAlert(probe.service(), failure.kind());
                    }
                }
            }
        }
    }

    static String prop(PropertiesComponent props, String key, String fallback) {
        return props.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty()).orElse(fallback);
    }

    static long positive(PropertiesComponent props, String key, long fallback) {
        String value = prop(props, key, "");
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + " must be a positive whole number");
    }
}
