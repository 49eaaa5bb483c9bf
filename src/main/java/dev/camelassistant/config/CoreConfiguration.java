package dev.camelassistant.config;

import java.nio.file.Path;

import javax.sql.DataSource;

import dev.camelassistant.logging.LogMasker;
import dev.camelassistant.metrics.BotMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.spi.Registry;

/** Secrets masked, the meters, and the database (pool and embedded server) closed after the routes. */
public class CoreConfiguration extends FeatureConfiguration {

    @PropertyInject("claude.model")
    String model;
    @PropertyInject("app.data-dir")
    String dataDir;
    @PropertyInject("database.url")
    String databaseUrl;
    @PropertyInject("database.user")
    String databaseUser;
    @PropertyInject("database.password")
    String databasePassword;
    @PropertyInject("database.pool-size")
    int poolSize;

    // setters run before the beans are built: every configured secret is masked from then on
    @PropertyInject("telegram.bot-token")
    public void maskBotToken(String token) {
        LogMasker.registerSecret(token);
    }

    @PropertyInject("claude.api-key")
    public void maskApiKey(String apiKey) {
        LogMasker.registerSecret(apiKey);
    }

    @PropertyInject("database.password")
    public void maskDatabasePassword(String password) {
        LogMasker.registerSecret(password);
    }

    @BindToRegistry("botMetrics")
    public BotMetrics botMetrics() {
        return new BotMetrics(meterRegistry(context.getRegistry()), model);
    }

    /** Opened (and migrated) by {@link DatabaseStartup} while Camel started, or now. */
    @BindToRegistry("database")
    public Database database() {
        Database database = DatabaseStartup.take();
        if (database == null) {
            database = Database.open(databaseUrl, databaseUser, databasePassword, Path.of(dataDir), poolSize);
            database.migrate();
        }
        // the first service: Camel stops services in reverse, so the database closes last
        onStop(database::close);
        return database;
    }

    @BindToRegistry("dataSource")
    public DataSource dataSource(Database database) {
        return database.dataSource();
    }

    /**
     * The one meter registry, bound as {@code metricsRegistry}: camel-micrometer-prometheus serves it on
     * /observe/metrics, so Camel's route metrics and the bot's share it. With camel.metrics.enabled,
     * camel-main has already created and bound it before it runs configuration classes (its
     * MicrometerPrometheus service looks that name up, else creates one): the bot's meters join that
     * one. Otherwise it is created here, and a MicrometerPrometheus started later finds it.
     */
    static MeterRegistry meterRegistry(Registry registry) {
        MeterRegistry existing = registry.lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
        if (existing != null) {
            return existing;
        }
        PrometheusMeterRegistry created = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, created);
        return created;
    }
}
