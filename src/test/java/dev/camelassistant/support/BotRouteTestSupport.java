package dev.camelassistant.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import dev.camelassistant.config.AppConfiguration;
import dev.camelassistant.management.ManagementServerFactory;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.DefaultRegistry;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The Camel test harness. Subclasses boot the whole application as camel-main does
 * (application.properties, the YAML routes, the feature configurations) against a fresh PostgreSQL
 * database and a WireMock Telegram Bot API, so the real camel-telegram component polls and sends;
 * one Camel context per test class. {@link #routesOnly} starts a few route files around beans a test
 * builds itself (the audit writer, the cleanups).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BotRouteTestSupport extends CamelMainTestSupport {

    public static final long ADMIN_CHAT = 1001;
    public static final long FRIEND_CHAT = 2002;
    public static final long STRANGER_CHAT = 6666;
    public static final String API_KEY = FakeSecrets.anthropicKey("testkeyOnlyForTests_0123456789abcdef");
    public static final String MANAGEMENT_USER = "operator";
    public static final String MANAGEMENT_PASSWORD = "management-test-password";

    // created lazily: CamelTestSupport's constructor asks for the properties before field initializers run
    protected FakeTelegram telegram;
    protected TestDatabases db;
    protected Path dataDir;
    protected int httpPort;
    // created lazily too (fakeClaude runs from the constructor, before field initializers)
    private java.util.List<FakeClaude> claudes;

    private void createFixtures() {
        if (telegram == null) {
            telegram = new FakeTelegram();
            db = TestDatabases.create();
            dataDir = tempDir();
            httpPort = freePort();
        }
    }

    /** As the launcher does: camel-main builds the management server with the factory in the registry. */
    @Override
    protected Registry createCamelRegistry() throws Exception {
        Registry registry = new DefaultRegistry();
        registry.bind("managementServerFactory", new ManagementServerFactory());
        return registry;
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        AppConfiguration.addTo(configuration);
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        createFixtures();
        Properties p = new Properties();
        p.put("telegram.bot-token", FakeTelegram.TOKEN);
        p.put("telegram.api-url", telegram.baseUrl());
        p.put("telegram.admin-chat-id", String.valueOf(ADMIN_CHAT));
        p.put("telegram.allowed-chat-ids", String.valueOf(FRIEND_CHAT));
        p.put("telegram.poll-timeout-seconds", "1");
        p.put("claude.api-key", API_KEY);
        p.put("database.url", db.jdbcUrl());
        p.put("database.user", TestDatabases.user());
        p.put("database.password", TestDatabases.password());
        p.put("app.data-dir", dataDir.toString());
        p.put("app.http-port", String.valueOf(httpPort));
        p.put("management.user", MANAGEMENT_USER);
        p.put("management.password", MANAGEMENT_PASSWORD);
        p.put("crypto.encryption-key", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        extraProperties(p);
        return p;
    }

    /**
     * A fake Anthropic API for this class's context, as {@code claude.base-url} with the model it
     * knows; closed with the other fakes after the context has stopped.
     */
    protected FakeClaude fakeClaude(Properties p) {
        FakeClaude claude = new FakeClaude();
        if (claudes == null) {
            claudes = new java.util.ArrayList<>();
        }
        claudes.add(claude);
        p.put("claude.base-url", claude.baseUrl());
        p.put("claude.model", FakeClaude.MODEL);
        return claude;
    }

    /** Subclasses add or change properties here. */
    protected void extraProperties(Properties p) {
    }

    @AfterAll
    void closeFakes() {
        // the per-class context manager of camel-test 4.17 never stops the context itself
        context.stop();
        if (claudes != null) {
            claudes.forEach(FakeClaude::close);
        }
        telegram.close();
        db.close();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("camel-assistant-data");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The value of an Authorization header with the management credentials of these tests. */
    public static String managementAuthorization() {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(
                (MANAGEMENT_USER + ":" + MANAGEMENT_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A started Camel context with application.properties, {@code overrides} over it, {@code beans}
     * bound (those that are Camel services added as services of the context, so stopping it stops
     * them after the routes, as the application does) and the given files of src/main/resources/routes.
     */
    public static org.apache.camel.CamelContext routesOnly(java.util.Map<String, Object> beans, Properties overrides,
                                                          String... routeFiles) throws Exception {
        org.apache.camel.CamelContext ctx = new org.apache.camel.impl.DefaultCamelContext();
        ctx.getPropertiesComponent().setLocation("classpath:application.properties");
        ctx.getPropertiesComponent().setOverrideProperties(overrides);
        beans.forEach((name, bean) -> ctx.getRegistry().bind(name, bean));
        for (Object bean : beans.values()) {
            if (bean instanceof org.apache.camel.Service service) {
                ctx.addService(service, true, true);
            }
        }
        for (String file : routeFiles) {
            org.apache.camel.support.PluginHelper.getRoutesLoader(ctx).loadRoutes(
                    org.apache.camel.support.ResourceHelper.resolveMandatoryResource(ctx, "classpath:routes/" + file + ".camel.yaml"));
        }
        ctx.start();
        return ctx;
    }

    /** Properties from key, value, key, value … */
    public static Properties properties(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }
}
