package dev.camelassistant.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.support.DefaultRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** AppConfiguration binds one Prometheus registry as metricsRegistry, or joins the one camel-main bound first. */
class MetricsRegistryTest {

    @Test
    void withoutCamelMetricsAPrometheusRegistryIsCreatedAndBound() {
        DefaultRegistry registry = new DefaultRegistry();
        MeterRegistry created = CoreConfiguration.meterRegistry(registry);
        assertThat(created).isInstanceOf(PrometheusMeterRegistry.class);
        assertThat(registry.lookupByName("metricsRegistry")).isSameAs(created);
    }

    @Test
    void theRegistryCamelMainBoundFirstIsUsedNotReplaced() {
        DefaultRegistry registry = new DefaultRegistry();
        PrometheusMeterRegistry camels = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.bind("metricsRegistry", camels);
        assertThat(CoreConfiguration.meterRegistry(registry)).isSameAs(camels);
        assertThat(registry.lookupByName("metricsRegistry")).isSameAs(camels);
    }
}
