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

    @Test
    void camelMainBuildsEachBeanOnceInDependencyOrder() throws Exception {
        Counting.calls.clear();
        org.apache.camel.main.Main main = new org.apache.camel.main.Main();
        AppConfiguration.addTo(main.configure(), List.of(Counting.class, CountingLater.class));
        // no routes: the beans of these two classes only
        main.configure().withRoutesIncludePattern("none/*.yaml");
        main.init();
        try {
            assertThat(Counting.calls).containsExactly("first", "second", "third", "later");
            assertThat(String.valueOf(main.getCamelContext().getRegistry().lookupByName("third"))).isEqualTo("third(second(first))");
            assertThat(String.valueOf(main.getCamelContext().getRegistry().lookupByName("later"))).isEqualTo("later(third(second(first)))");
        } finally {
            main.getCamelContext().stop();
        }

        // the control: given as classes, camel-main runs every method twice (what addTo avoids)
        Counting.calls.clear();
        org.apache.camel.main.Main byClass = new org.apache.camel.main.Main();
        byClass.configure().addConfiguration(Counting.class);
        byClass.configure().withRoutesIncludePattern("none/*.yaml");
        byClass.init();
        try {
            assertThat(Counting.calls).containsExactly("first", "second", "third", "first", "second", "third");
        } finally {
            byClass.getCamelContext().stop();
        }
    }

    public static class Counting extends FeatureConfiguration {
        static final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());

        @BindToRegistry("third")
        public First.Third third(First.Second second) {
            calls.add("third");
            return new First.Third(second);
        }

        @BindToRegistry("first")
        public First first() {
            calls.add("first");
            return new First();
        }

        @BindToRegistry("second")
        public First.Second second(First first) {
            calls.add("second");
            return new First.Second(first);
        }
    }

    public static class CountingLater extends FeatureConfiguration {
        @org.apache.camel.BeanInject("third")
        First.Third third;

        @BindToRegistry("later")
        public First.Later later() {
            Counting.calls.add("later");
            return new First.Later(third);
        }
    }

    public static class First {
        @Override
        public String toString() {
            return "first";
        }

        public record Second(First first) {
            @Override
            public String toString() {
                return "second(" + first + ")";
            }
        }

        public record Third(Second second) {
            @Override
            public String toString() {
                return "third(" + second + ")";
            }
        }

        public record Later(Third third) {
            @Override
            public String toString() {
                return "later(" + third + ")";
            }
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
