package dev.camelassistant.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import dev.camelassistant.config.AppConfiguration;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Boots the application as camel-main does (application.properties, the YAML routes, the
 * configuration class) against a fresh PostgreSQL database and a WireMock Telegram Bot API,
 * so the real camel-telegram component polls and sends. One Camel context per test class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BotRouteTestSupport extends CamelMainTestSupport {

    public static final long ADMIN_CHAT = 1001;
    public static final long FRIEND_CHAT = 2002;
    public static final long STRANGER_CHAT = 6666;
    public static final String API_KEY = "sk-ant-api03-testkeyOnlyForTests_0123456789abcdef";

    // created lazily: CamelTestSupport's constructor asks for the properties before field initializers run
    protected FakeTelegram telegram;
    protected TestDatabases db;
    protected Path dataDir;
    protected int httpPort;

    private void createFixtures() {
        if (telegram == null) {
            telegram = new FakeTelegram();
            db = TestDatabases.create();
            dataDir = tempDir();
            httpPort = freePort();
        }
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(AppConfiguration.class);
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
        p.put("crypto.encryption-key", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        extraProperties(p);
        return p;
    }

    /** Subclasses add or change properties here. */
    protected void extraProperties(Properties p) {
    }

    @AfterAll
    void closeFakes() {
        // the per-class context manager of camel-test 4.17 never stops the context itself
        context.stop();
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

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
