package dev.camelassistant.config;

import dev.camelassistant.support.FakeSecrets;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.camelassistant.support.FakeTelegram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SettingsTest {

    static final String TOKEN = FakeTelegram.TOKEN;
    static final String KEY = FakeSecrets.anthropicKey("secretvalue_abcdef");

    static Map<String, String> valid() {
        Map<String, String> env = new HashMap<>();
        env.put("TELEGRAM_BOT_TOKEN", TOKEN);
        env.put("TELEGRAM_ADMIN_CHAT_ID", "1001");
        env.put("ANTHROPIC_API_KEY", KEY);
        return env;
    }

    @Test
    void theMinimalBotSettingsAreEnoughAndLackingOneOfThemIsNot() {
        assertThat(Settings.validate(valid())).isEmpty();
        // the control: the same settings less one required variable are refused, naming it
        Map<String, String> lacking = valid();
        lacking.remove("TELEGRAM_BOT_TOKEN");
        assertThat(Settings.validate(lacking)).singleElement().asString().startsWith("TELEGRAM_BOT_TOKEN");
    }

    @Test
    void eachMissingRequiredSettingIsNamedOnItsOwnLine() {
        List<String> problems = Settings.validate(Map.of());
        assertThat(problems).hasSize(3);
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("TELEGRAM_BOT_TOKEN: is required"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("TELEGRAM_ADMIN_CHAT_ID: is required"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("ANTHROPIC_API_KEY: is required"));
    }

    @Test
    void theWorkerRoleNeedsNoTelegramOrClaude() {
        assertThat(Settings.validate(Map.of("APP_ROLE", "worker"))).isEmpty();
        assertThat(Settings.validate(Map.of("APP_ROLE", "bot"))).hasSize(3);
    }

    @Test
    void aChatIdThatIsNotANumberIsRejected() {
        Map<String, String> env = valid();
        env.put("TELEGRAM_ADMIN_CHAT_ID", "@owner");
        env.put("TELEGRAM_ALLOWED_CHAT_IDS", "2002, -1003, abc");
        assertThat(Settings.validate(env)).containsExactly(
                "TELEGRAM_ADMIN_CHAT_ID: must be a numeric chat id (got '@owner')",
                "TELEGRAM_ALLOWED_CHAT_IDS: must be a comma-separated list of numeric chat ids (got '2002, -1003, abc')");
    }

    @Test
    void aMalformedEncryptionKeyIsRejectedWithoutEchoingIt() {
        Map<String, String> env = valid();
        String badKey = "0123456789abcdef-not-hex-and-too-short";
        env.put("ENCRYPTION_KEY", badKey);
        List<String> problems = Settings.validate(env);
        assertThat(problems).containsExactly("ENCRYPTION_KEY: must be 64 hexadecimal characters (32 bytes)");
        assertThat(String.join("\n", problems)).doesNotContain(badKey);
    }

    @Test
    void managementSettingsAreCheckedAndTheBadPasswordIsNotEchoed() {
        Map<String, String> env = valid();
        env.put("MANAGEMENT_HOST", "0.0.0.0");
        env.put("MANAGEMENT_USER", "ops-team");
        env.put("MANAGEMENT_PASSWORD", "twelve-chars");
        env.put("DEV_CONSOLE", "true");
        assertThat(Settings.validate(env)).isEmpty();

        env.put("MANAGEMENT_HOST", "0.0.0.0/0");
        env.put("MANAGEMENT_USER", "ops=team");
        env.put("MANAGEMENT_PASSWORD", "short,pw");
        env.put("DEV_CONSOLE", "yes");
        List<String> problems = Settings.validate(env);
        assertThat(problems).containsExactly(
                "DEV_CONSOLE: must be true or false (got 'yes')",
                "MANAGEMENT_HOST: must be an interface address or host name, such as 127.0.0.1 or 0.0.0.0 (got '0.0.0.0/0')",
                "MANAGEMENT_USER: must be 1 to 64 letters, digits, '.', '_' or '-' (got 'ops=team')",
                "MANAGEMENT_PASSWORD: must be at least 12 characters, without commas or line breaks");
        env.put("MANAGEMENT_PASSWORD", "a,password-long-enough");
        assertThat(Settings.validate(env)).contains("MANAGEMENT_PASSWORD: must be at least 12 characters, without commas or line breaks");
    }

    @Test
    void claudeStreamingIsTrueOrFalse() {
        Map<String, String> env = valid();
        env.put("CLAUDE_STREAMING", "false");
        assertThat(Settings.validate(env)).isEmpty();
        env.put("CLAUDE_STREAMING", "true");
        assertThat(Settings.validate(env)).isEmpty();
        env.put("CLAUDE_STREAMING", "on");
        assertThat(Settings.validate(env)).containsExactly("CLAUDE_STREAMING: must be true or false (got 'on')");
    }

    @Test
    void aMalformedBotTokenIsNotEchoed() {
        Map<String, String> env = valid();
        env.put("TELEGRAM_BOT_TOKEN", "not-a-token-secret-123");
        assertThat(Settings.validate(env)).singleElement().asString()
                .startsWith("TELEGRAM_BOT_TOKEN: is not shaped like a bot token")
                .doesNotContain("not-a-token-secret-123");
    }

    @Test
    void databaseUrlMustBePostgresJdbc() {
        Map<String, String> env = valid();
        env.put("DATABASE_URL", "mysql://localhost/bot");
        assertThat(Settings.validate(env)).singleElement().asString().startsWith("DATABASE_URL: must be a PostgreSQL JDBC URL");
        env.put("DATABASE_URL", "jdbc:postgresql://db:5432/bot?password=hunter2hunter2");
        assertThat(Settings.validate(env)).isEmpty();
        env.put("DATABASE_URL", "postgresql://db:5432/bot?password=hunter2hunter2");
        assertThat(Settings.validate(env)).singleElement().asString().doesNotContain("hunter2");
    }

    @Test
    void numbersUrlsCronAndEnumsAreChecked() {
        Map<String, String> env = valid();
        env.put("HTTP_PORT", "80808");
        env.put("CLAUDE_MAX_TOKENS", "lots");
        env.put("AUDIT_CLEANUP_CRON", "every night");
        env.put("APP_ROLE", "boss");
        env.put("LOG_FORMAT", "xml");
        env.put("REDIS_URL", "localhost:6379");
        env.put("QDRANT_URL", "qdrant:6333");
        List<String> problems = Settings.validate(env);
        assertThat(problems).extracting(p -> p.substring(0, p.indexOf(':')))
                .containsExactlyInAnyOrder("HTTP_PORT", "CLAUDE_MAX_TOKENS", "AUDIT_CLEANUP_CRON", "APP_ROLE", "LOG_FORMAT",
                        "REDIS_URL", "QDRANT_URL");
    }

    @Test
    void conversationSettingsArePositiveWholeNumbers() {
        Map<String, String> env = valid();
        env.put("CONVERSATION_MAX_INPUT_TOKENS", "20000");
        env.put("CONVERSATION_RETENTION_DAYS", "30");
        assertThat(Settings.validate(env)).isEmpty();
        env.put("CONVERSATION_MAX_INPUT_TOKENS", "0");
        env.put("CONVERSATION_RETENTION_DAYS", "-5");
        assertThat(Settings.validate(env)).containsExactly(
                "CONVERSATION_MAX_INPUT_TOKENS: must be a whole number from 1 to 1000000 (got '0')",
                "CONVERSATION_RETENTION_DAYS: must be a whole number from 1 to 36500 (got '-5')");
        env.put("CONVERSATION_MAX_INPUT_TOKENS", "20k");
        env.put("CONVERSATION_RETENTION_DAYS", "36501");
        assertThat(Settings.validate(env)).extracting(p -> p.substring(0, p.indexOf(':')))
                .containsExactly("CONVERSATION_MAX_INPUT_TOKENS", "CONVERSATION_RETENTION_DAYS");
    }

    @Test
    void toolMemoryAndTimeZoneSettingsAreChecked() {
        Map<String, String> env = valid();
        env.put("TOOL_MAX_ROUNDS", "100");
        env.put("TOOL_TIMEOUT_SECONDS", "3600");
        env.put("MEMORY_MAX_TOKENS", "100000");
        env.put("ASSISTANT_TIMEZONE", "Europe/Berlin");
        assertThat(Settings.validate(env)).isEmpty();
        env.put("TOOL_MAX_ROUNDS", "101");
        env.put("TOOL_TIMEOUT_SECONDS", "0");
        env.put("MEMORY_MAX_TOKENS", "2k");
        env.put("ASSISTANT_TIMEZONE", "Europe/Atlantis");
        assertThat(Settings.validate(env)).containsExactly(
                "TOOL_MAX_ROUNDS: must be a whole number from 1 to 100 (got '101')",
                "TOOL_TIMEOUT_SECONDS: must be a whole number from 1 to 3600 (got '0')",
                "MEMORY_MAX_TOKENS: must be a whole number from 1 to 100000 (got '2k')",
                "ASSISTANT_TIMEZONE: must be an IANA time zone name such as Europe/Berlin or UTC (got 'Europe/Atlantis')");
        // a fixed offset is not a zone name: "tomorrow at 9" would ignore daylight saving
        env.clear();
        env.putAll(valid());
        env.put("ASSISTANT_TIMEZONE", "+02:00");
        assertThat(Settings.validate(env)).singleElement().asString().startsWith("ASSISTANT_TIMEZONE");
        env.put("ASSISTANT_TIMEZONE", "UTC");
        assertThat(Settings.validate(env)).isEmpty();
    }

    @Test
    void retryAndEditSettingsAreChecked() {
        Map<String, String> env = valid();
        env.put("RETRY_WITHIN_HOURS", "168");
        env.put("EDIT_REANSWER_MINUTES", "0");
        assertThat(Settings.validate(env)).isEmpty();
        env.put("EDIT_REANSWER_MINUTES", "1440");
        assertThat(Settings.validate(env)).isEmpty();
        env.put("RETRY_WITHIN_HOURS", "169");
        env.put("EDIT_REANSWER_MINUTES", "1441");
        assertThat(Settings.validate(env)).containsExactly(
                "RETRY_WITHIN_HOURS: must be a whole number from 1 to 168 (got '169')",
                "EDIT_REANSWER_MINUTES: must be a whole number of minutes from 0 (edits of answered messages ignored) to 1440 (got '1441')");
        env.put("RETRY_WITHIN_HOURS", "0");
        env.put("EDIT_REANSWER_MINUTES", "-1");
        assertThat(Settings.validate(env)).hasSize(2);
    }

    @Test
    void webSettingsAreCheckedAndTheDomainListsExcludeEachOther() {
        Map<String, String> env = valid();
        env.put("WEB_SEARCH", "false");
        env.put("WEB_SEARCH_MAX_USES", "100");
        env.put("CLAUDE_PRICE_WEB_SEARCH_PER_1000", "0");
        env.put("WEB_ALLOWED_DOMAINS", "example.com, docs.example.org/api ,wikipedia.org");
        assertThat(Settings.validate(env)).isEmpty();
        env.put("WEB_SEARCH", "yes");
        env.put("WEB_SEARCH_MAX_USES", "101");
        env.put("CLAUDE_PRICE_WEB_SEARCH_PER_1000", "-1");
        env.put("WEB_ALLOWED_DOMAINS", "https://example.com");
        assertThat(Settings.validate(env)).containsExactly(
                "CLAUDE_PRICE_WEB_SEARCH_PER_1000: must be a number of USD, 0 or more (e.g. 10) (got '-1')",
                "WEB_SEARCH: must be true or false (got 'yes')",
                "WEB_SEARCH_MAX_USES: must be a whole number from 1 to 100 (got '101')",
                "WEB_ALLOWED_DOMAINS: must be a comma-separated list of domains such as example.com (got 'https://example.com')");
        // one list or the other: Anthropic refuses a request with both
        env.clear();
        env.putAll(valid());
        env.put("WEB_BLOCKED_DOMAINS", "example.com");
        assertThat(Settings.validate(env)).as("the control: a blocked list alone").isEmpty();
        env.put("WEB_ALLOWED_DOMAINS", "example.org");
        assertThat(Settings.validate(env)).containsExactly(
                "WEB_BLOCKED_DOMAINS: cannot be set together with WEB_ALLOWED_DOMAINS (Anthropic takes one or the other)");
        env.put("WEB_BLOCKED_DOMAINS", "not a domain");
        assertThat(Settings.validate(env)).hasSize(2);
    }

    @Test
    void webDefaultsAreMappedInApplicationProperties() throws IOException {
        Properties props = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            props.load(in);
        }
        assertThat(props.getProperty("web.search")).isEqualTo("{{env:WEB_SEARCH:true}}");
        assertThat(props.getProperty("web.search-max-uses")).isEqualTo("{{env:WEB_SEARCH_MAX_USES:5}}");
        assertThat(props.getProperty("web.allowed-domains")).isEqualTo("{{env:WEB_ALLOWED_DOMAINS:}}");
        assertThat(props.getProperty("web.blocked-domains")).isEqualTo("{{env:WEB_BLOCKED_DOMAINS:}}");
        assertThat(props.getProperty("usage.price-web-search-per-1000")).isEqualTo("{{env:CLAUDE_PRICE_WEB_SEARCH_PER_1000:10}}");
    }

    @Test
    void conversationDefaultsAreMappedInApplicationProperties() throws IOException {
        Properties props = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            props.load(in);
        }
        assertThat(props.getProperty("conversation.max-input-tokens")).isEqualTo("{{env:CONVERSATION_MAX_INPUT_TOKENS:20000}}");
        assertThat(props.getProperty("conversation.retention-days")).isEqualTo("{{env:CONVERSATION_RETENTION_DAYS:30}}");
    }

    @Test
    void theDocumentedDefaultsAreValid() {
        Map<String, String> env = valid();
        env.put("AUDIT_CLEANUP_CRON", "0 0 3 * * ?");
        env.put("REDIS_URL", "redis://127.0.0.1:6379");
        env.put("QDRANT_URL", "http://qdrant:6333");
        env.put("DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        env.put("ENCRYPTION_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        env.put("TELEGRAM_ALLOWED_CHAT_IDS", "2002,-1003");
        assertThat(Settings.validate(env)).isEmpty();
        // the control: a cron expression of five fields (Unix, not Quartz) is refused
        env.put("AUDIT_CLEANUP_CRON", "0 0 3 * *");
        assertThat(Settings.validate(env)).singleElement().asString().startsWith("AUDIT_CLEANUP_CRON");
    }

    @Test
    void everyContractVariableIsMappedInApplicationProperties() throws IOException {
        Properties props = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            props.load(in);
        }
        for (Settings.Variable v : Settings.VARIABLES) {
            if (v.property() == null) {
                // read before Camel starts: a property would be one nothing reads
                assertThat(props.values()).as("%s is read straight from the environment, not through a property", v.env())
                        .noneMatch(value -> value.toString().contains("{{env:" + v.env() + ":"));
                continue;
            }
            assertThat(props.getProperty(v.property()))
                    .as("application.properties maps %s to %s", v.env(), v.property())
                    .isNotNull()
                    .startsWith("{{env:" + v.env());
        }
    }
}
