package dev.camelassistant.config;

import java.util.List;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.main.MainConfigurationProperties;

/**
 * The configuration classes of the application, one per feature, in the order camel-main runs
 * them: each binds its beans ({@code @BindToRegistry} methods, values from application.properties
 * through {@code @PropertyInject}) and may inject the beans of the classes before it.
 */
public final class AppConfiguration {

    public static final List<Class<? extends CamelConfiguration>> FEATURES = List.of(
            CoreConfiguration.class,
            AuditConfiguration.class,
            CryptoConfiguration.class,
            TelegramConfiguration.class,
            FilesConfiguration.class,
            RepliesConfiguration.class,
            ClaudeConfiguration.class,
            ToolsConfiguration.class,
            UsageConfiguration.class,
            HealthConfiguration.class,
            MemoryConfiguration.class,
            RemindersConfiguration.class,
            ClaudeRetriesConfiguration.class);

    private AppConfiguration() {
    }

    /** Adds every feature configuration, in order (the launcher and the tests that boot the bot). */
    public static void addTo(MainConfigurationProperties main) {
        addTo(main, FEATURES);
    }

    /**
     * Adds instances, not classes: camel-main creates a configuration class it is given through
     * Camel's injector, which already post-processes the new instance, and then post-processes it
     * again, so each {@code @BindToRegistry} method would run twice (two databases, two outboxes).
     */
    static void addTo(MainConfigurationProperties main, List<Class<? extends CamelConfiguration>> features) {
        for (Class<? extends CamelConfiguration> feature : features) {
            try {
                main.addConfiguration(feature.getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot create " + feature.getName(), e);
            }
        }
    }
}
