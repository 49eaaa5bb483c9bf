package dev.camelassistant.e2e;

import dev.camelassistant.support.FakeSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeTelegram;
import dev.camelassistant.support.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The fakes, a fresh database and the environment with which the end-to-end tests start the packaged bot. */
abstract class EndToEndSupport {


    static final long ADMIN = 1001;
    static final long FRIEND = 2002;
    static final String API_KEY = FakeSecrets.anthropicKey("e2eTestKeyNeverPrinted_0123456789");
    static final String ENCRYPTION_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
    static final ObjectMapper JSON = new ObjectMapper();

    FakeTelegram telegram;
    FakeClaude claude;
    TestDatabases db;
    Path dataDir;
    final List<BotProcess> processes = new ArrayList<>();

    @BeforeEach
    void fakes() throws Exception {
        telegram = new FakeTelegram();
        claude = new FakeClaude();
        db = TestDatabases.create();
        dataDir = Files.createTempDirectory("camel-assistant-e2e");
    }

    @AfterEach
    void stop() throws Exception {
        for (BotProcess p : processes) {
            p.close();
        }
        telegram.close();
        claude.close();
        db.close();
    }

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("TELEGRAM_BOT_TOKEN", FakeTelegram.TOKEN);
        env.put("TELEGRAM_API_URL", telegram.baseUrl());
        env.put("TELEGRAM_ADMIN_CHAT_ID", String.valueOf(ADMIN));
        env.put("TELEGRAM_ALLOWED_CHAT_IDS", String.valueOf(FRIEND));
        env.put("ANTHROPIC_API_KEY", API_KEY);
        env.put("ANTHROPIC_BASE_URL", claude.baseUrl());
        env.put("ENCRYPTION_KEY", ENCRYPTION_KEY);
        env.put("DATABASE_URL", db.jdbcUrl());
        env.put("DATABASE_USER", TestDatabases.user());
        env.put("DATA_DIR", dataDir.toString());
        env.put("HTTP_PORT", String.valueOf(BotRouteTestSupport.freePort()));
        return env;
    }

    BotProcess start(Map<String, String> env) throws Exception {
        BotProcess p = BotProcess.start(env);
        processes.add(p);
        await().atMost(Duration.ofSeconds(60)).until(() -> telegram.polls() > 0 || !p.isAlive());
        assertThat(p.isAlive()).as("bot started; stderr: %s", p.stderr()).isTrue();
        return p;
    }

    List<String> texts(long chat) {
        return telegram.sentTo(chat).stream().map(FakeTelegram.Sent::text).toList();
    }

    String query(String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
