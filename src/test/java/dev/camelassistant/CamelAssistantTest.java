package dev.camelassistant;

import dev.camelassistant.support.FakeSecrets;
import java.util.Map;

import dev.camelassistant.support.FakeTelegram;
import dev.camelassistant.support.JavaProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The jar's entry point run as a separate process. */
class CamelAssistantTest {

    @Test
    void badSettingsStopStartupWithExitCode2AndOneLinePerProblem() throws Exception {
        String secretKey = FakeSecrets.anthropicKey("do-not-print-me");
        JavaProcess.Result r = JavaProcess.run(Map.of(
                "TELEGRAM_BOT_TOKEN", "",
                "TELEGRAM_ADMIN_CHAT_ID", "owner",
                "ANTHROPIC_API_KEY", secretKey,
                "ENCRYPTION_KEY", "tooshort",
                "DATABASE_URL", "mysql://db/bot",
                "LOG_FORMAT", "text"), null);

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr().lines().toList()).containsExactly(
                "camel-assistant: configuration error: TELEGRAM_BOT_TOKEN: is required (the token BotFather gave the bot)",
                "camel-assistant: configuration error: TELEGRAM_ADMIN_CHAT_ID: must be a numeric chat id (got 'owner')",
                "camel-assistant: configuration error: DATABASE_URL: must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database) (got 'mysql://db/bot')",
                "camel-assistant: configuration error: ENCRYPTION_KEY: must be 64 hexadecimal characters (32 bytes)");
        assertThat(r.stderr() + r.stdout()).doesNotContain("tooshort").doesNotContain(secretKey)
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void anUnreachableDatabaseStopsStartupWithOneLine() throws Exception {
        JavaProcess.Result r = JavaProcess.run(Map.of(
                "TELEGRAM_BOT_TOKEN", FakeTelegram.TOKEN,
                "TELEGRAM_ADMIN_CHAT_ID", "1001",
                "ANTHROPIC_API_KEY", FakeSecrets.anthropicKey("unused"),
                "DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/nowhere",
                "DATABASE_PASSWORD", "hunter2-secret-password",
                "LOG_FORMAT", "text"), null);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("camel-assistant: configuration error: DATABASE_URL: cannot open PostgreSQL at 127.0.0.1:1/nowhere")
                .doesNotContain("hunter2").doesNotContain("\tat ");
    }

    @Test
    void helpListsTheCommandsAndAnUnknownCommandIsAUsageError() throws Exception {
        JavaProcess.Result help = JavaProcess.run(Map.of(), null, "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("credentials set NAME").contains("keygen").contains("healthcheck");

        JavaProcess.Result unknown = JavaProcess.run(Map.of(), null, "frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).startsWith("camel-assistant: unknown command 'frobnicate'");
    }
}
