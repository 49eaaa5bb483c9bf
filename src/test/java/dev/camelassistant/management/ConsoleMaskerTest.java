package dev.camelassistant.management;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.camelassistant.logging.LogMasker;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleMaskerTest {

    /** A registered secret with characters JSON escapes: it must be masked before the JSON is written. */
    static final String PASSWORD = "pa/ss\"wo\\rd-1234";
    static final String SHORT = "abc"; // too short to be registered: masked by its key only

    @BeforeEach
    void register() {
        LogMasker.registerSecret(PASSWORD);
    }

    @AfterEach
    void forget() {
        LogMasker.clearSecrets();
    }

    @Test
    void theJsonFormIsMaskedAsATreeByValueAndBySecretKey() {
        JsonArray props = new JsonArray();
        props.add(property("management.password", PASSWORD));
        props.add(property("database.password", SHORT));
        props.add(property("telegram.bot-token", SHORT));
        props.add(property("camel.component.telegram.authorization-token", SHORT));
        props.add(property("redis.url", "redis://:" + SHORT + "@cache:6379"));
        props.add(property("claude.model", "claude-sonnet-4-6"));
        JsonObject root = new JsonObject();
        root.put("properties", props);
        root.put("nested", new JsonObject(Map.of("apiKey", SHORT, "count", 3)));

        String json = Jsoner.serialize(ConsoleMasker.maskJson(root));

        assertThat(json).doesNotContain("pa\\/ss").doesNotContain("pa/ss").doesNotContain(SHORT);
        // the controls: a non-secret property, its key, numbers stay
        assertThat(json).contains("claude-sonnet-4-6").contains("telegram.bot-token").contains("\"count\":3")
                .contains("redis:\\/\\/****@cache:6379");
    }

    @Test
    void theTextFormIsMaskedByValueAndLinesWithASecretKey() {
        String text = """
                Properties loaded from locations: classpath:application.properties
                    [application.properties] telegram.bot-token = abc
                    [application.properties] crypto.encryption-key = abc
                    [application.properties] management.password = %s
                    [application.properties] redis.url = redis://:abc@cache:6379
                    [application.properties] claude.model = claude-sonnet-4-6
                """.formatted(PASSWORD);

        String masked = ConsoleMasker.maskText(text);

        assertThat(masked).doesNotContain(PASSWORD).doesNotContain(" = abc").doesNotContain(":abc@");
        assertThat(masked).contains("claude.model = claude-sonnet-4-6").contains("telegram.bot-token = ****")
                .contains("Properties loaded from locations: classpath:application.properties");
    }

    @Test
    void secretKeysAreTheContractsSecretPropertiesAndCamelsSensitiveNames() {
        assertThat(ConsoleMasker.SECRET_KEYS).contains("telegram.bot-token", "claude.api-key", "crypto.encryption-key",
                "crypto.previous-keys", "database.password", "management.password");
        assertThat(ConsoleMasker.secretKey("camel.component.telegram.authorization-token")).isTrue();
        assertThat(ConsoleMasker.secretKey("x.telegram.bot-token")).isTrue();
        assertThat(ConsoleMasker.secretKey("password")).isTrue();
        assertThat(ConsoleMasker.secretKey("claude.model")).isFalse();
        assertThat(ConsoleMasker.secretKey("telegram.api-url")).isFalse();
        assertThat(ConsoleMasker.secretKey(null)).isFalse();
    }

    @Test
    void otherValuesAreWrittenMasked() {
        Object masked = ConsoleMasker.maskJson(List.of(new StringBuilder("x " + PASSWORD), 5L, true));
        assertThat(masked).isEqualTo(List.of("x ****", 5L, true));
    }

    private static JsonObject property(String key, String value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", key);
        m.put("value", value);
        m.put("originalValue", "{{env:X:}}");
        return new JsonObject(m);
    }
}
