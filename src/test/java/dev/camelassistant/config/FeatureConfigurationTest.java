package dev.camelassistant.config;

import java.io.InputStream;
import java.lang.reflect.AccessibleObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import org.apache.camel.BindToRegistry;
import org.apache.camel.PropertyInject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every setting a configuration class reads has its one default in application.properties, none in Java. */
class FeatureConfigurationTest {

    @Test
    void everyInjectedSettingIsInApplicationPropertiesWithoutAJavaDefault() throws Exception {
        Properties properties = applicationProperties();
        List<String> keys = new ArrayList<>();
        for (Class<?> feature : AppConfiguration.FEATURES) {
            assertThat(problems(feature, properties)).as(feature.getSimpleName()).isEmpty();
            injected(feature).forEach(p -> keys.add(p.value()));
        }
        // the classes do read their settings this way (a few of the keys, each from another feature)
        assertThat(keys).contains("database.pool-size", "audit.batch-size", "telegram.chat-interval-ms",
                "claude.model", "usage.monthly-budget-usd", "alert.redis-timeout-ms");
    }

    @Test
    void aSettingMissingFromApplicationPropertiesOrDefaultedInJavaIsReported() throws Exception {
        assertThat(problems(Misconfigured.class, applicationProperties())).containsExactlyInAnyOrder(
                "no.such.setting is not in application.properties",
                "claude.model has a default in Java: other-model");
    }

    @Test
    void everyFeatureBindsBeans() {
        for (Class<?> feature : AppConfiguration.FEATURES) {
            assertThat(Stream.of(feature.getDeclaredMethods()).filter(m -> m.isAnnotationPresent(BindToRegistry.class)))
                    .as(feature.getSimpleName()).isNotEmpty();
        }
    }

    static List<String> problems(Class<?> feature, Properties properties) {
        List<String> problems = new ArrayList<>();
        injected(feature).forEach(p -> {
            if (!properties.containsKey(p.value())) {
                problems.add(p.value() + " is not in application.properties");
            }
            if (!p.defaultValue().isEmpty()) {
                problems.add(p.value() + " has a default in Java: " + p.defaultValue());
            }
        });
        return problems;
    }

    static Stream<PropertyInject> injected(Class<?> feature) {
        return Stream.concat(Stream.of(feature.getDeclaredFields()), Stream.of(feature.getDeclaredMethods()))
                .map(m -> ((AccessibleObject) m).getAnnotation(PropertyInject.class))
                .filter(p -> p != null);
    }

    static Properties applicationProperties() throws Exception {
        Properties p = new Properties();
        try (InputStream in = FeatureConfigurationTest.class.getResourceAsStream("/application.properties")) {
            p.load(in);
        }
        return p;
    }

    static class Misconfigured extends FeatureConfiguration {
        @PropertyInject("no.such.setting")
        String missing;
        @PropertyInject(value = "claude.model", defaultValue = "other-model")
        String model;
    }
}
