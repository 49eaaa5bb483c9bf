package dev.camelassistant.logging;

import dev.camelassistant.support.FakeSecrets;
import java.nio.charset.StandardCharsets;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.logstash.logback.argument.StructuredArguments;
import org.junit.jupiter.api.AfterEach;
import dev.camelassistant.support.FakeTelegram;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import dev.camelassistant.support.LogCapture;

import static org.assertj.core.api.Assertions.assertThat;

class LogMaskerTest {

    static final String TOKEN = FakeTelegram.TOKEN;

    @AfterEach
    void forget() {
        LogMasker.clearSecrets();
    }

    @Test
    void botTokenInsideABotApiUrlIsMasked() {
        String msg = "Could not GET https://api.telegram.org/bot" + TOKEN + "/getUpdates?offset=5: 401";
        String masked = LogMasker.mask(msg);
        assertThat(masked).doesNotContain(TOKEN).doesNotContain("AAEfake")
                .contains("https://api.telegram.org/bot****/getUpdates?offset=5: 401");
    }

    @Test
    void tokenShapedValuesAndAnthropicKeysAreMaskedAnywhere() {
        assertThat(LogMasker.mask("token " + TOKEN + " leaked")).isEqualTo("token **** leaked");
        assertThat(LogMasker.mask("key " + FakeSecrets.anthropicKey("abc_DEF-123") + " used")).isEqualTo("key **** used");
        assertThat(LogMasker.mask("x-api-key: abcdef123")).isEqualTo("x-api-key: ****");
        assertThat(LogMasker.mask("Authorization: Bearer eyJhbGciOi.payload.sig")).doesNotContain("eyJhbGciOi")
                .doesNotContain("payload.sig");
    }

    @Test
    void registeredSecretValuesAreMaskedWhateverTheirShape() {
        LogMasker.registerSecret("hunter2-database-password");
        assertThat(LogMasker.mask("connect failed for hunter2-database-password@db"))
                .isEqualTo("connect failed for ****@db");
    }

    @Test
    void ordinaryTextIsLeftAlone() {
        String text = "Claude answered chat 1001 in 1234 ms: 12:30 is lunch time";
        assertThat(LogMasker.mask(text)).isEqualTo(text);
        String endpoint = "Failed polling endpoint: telegram://bots?delay=10 at /bots/list";
        assertThat(LogMasker.mask(endpoint)).isEqualTo(endpoint);
    }

    @Test
    void lineBreaksCannotForgeATextLogLine() {
        assertThat(LogMasker.maskSingleLine("hi\n12:00:00.000 ERROR fake line\r\n"))
                .isEqualTo("hi\\n12:00:00.000 ERROR fake line\\r\\n");
    }

    @Test
    void jsonEncoderOutputIsMasked() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger("mask-test");
        LogCapture logs = LogCapture.json();
        try {
            log.warn("poll failed: https://api.telegram.org/bot{}/getUpdates", TOKEN,
                    new IllegalStateException("Could not GET https://api.telegram.org/bot" + TOKEN + "/getUpdates"));
            log.info("configured {} {}", StructuredArguments.kv("apiKey", "plain-looking-value"),
                    StructuredArguments.kv("password", "p4ss"));
            log.info("user wrote\n{\"level\":\"ERROR\",\"message\":\"forged\"}");
        } finally {
            logs.close();
        }
        ObjectMapper json = new ObjectMapper();
        var lines = logs.lines().stream().filter(l -> l.contains("mask-test")).toList();
        assertThat(lines).hasSize(3);
        String all = String.join("\n", lines);
        assertThat(all).doesNotContain(TOKEN).doesNotContain("plain-looking-value").doesNotContain("p4ss");
        JsonNode first = json.readTree(lines.get(0));
        assertThat(first.path("message").asText()).contains("/bot****/getUpdates");
        assertThat(first.path("stack_trace").asText()).contains("IllegalStateException").contains("/bot****/");
        JsonNode second = json.readTree(lines.get(1));
        assertThat(second.path("apiKey").asText()).isEqualTo("****");
        assertThat(second.path("password").asText()).isEqualTo("****");
        JsonNode third = json.readTree(lines.get(2));
        assertThat(third.path("level").asText()).isEqualTo("INFO");
        assertThat(third.path("message").asText()).contains("forged");
    }

    @Test
    void textFormatMasksAndEscapes() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        LoggingEvent event = new LoggingEvent("x", ctx.getLogger("t"), Level.INFO,
                "GET https://api.telegram.org/bot" + TOKEN + "/sendMessage\nforged", null, null);
        String out = new MaskedMessageConverter().convert(event);
        assertThat(out).isEqualTo("GET https://api.telegram.org/bot****/sendMessage\\nforged");
        assertThat(new String(out.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).doesNotContain("\n");
    }
}
