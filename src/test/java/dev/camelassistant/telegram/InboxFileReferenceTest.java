package dev.camelassistant.telegram;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import dev.camelassistant.common.Headers;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.KeyRing;
import dev.camelassistant.files.FileReference;
import dev.camelassistant.logging.CorrelationId;
import dev.camelassistant.metrics.BotMetrics;
import dev.camelassistant.support.TestDatabaseExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** A message with a file, recorded and not answered before a crash: the next start resumes it with its file reference. */
class InboxFileReferenceTest {

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();

    static final CredentialCipher CIPHER = new CredentialCipher(KeyRing.of(KeyRing.generateHex()));

    private final BotMetrics metrics = new BotMetrics(new SimpleMeterRegistry(), "m");

    static Exchange message(long chat, long messageId, String text, FileReference file) {
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        e.getMessage().setHeader(Headers.CHAT_ID, String.valueOf(chat));
        e.getMessage().setHeader(Headers.MESSAGE_ID, messageId);
        e.getMessage().setHeader(Headers.USER_ID, String.valueOf(chat));
        e.getMessage().setHeader(CorrelationId.HEADER, "corr-" + messageId);
        if (file != null) {
            e.getMessage().setHeader(FileReference.HEADER, file);
        }
        e.getMessage().setBody(text);
        return e;
    }

    @Test
    void aResumedMessageBringsItsFileReferenceBackSealed() throws Exception {
        FileReference file = new FileReference("document", "BQACAgIAAxkBAAIfile42", 12345, "application/pdf", "tax return.pdf");
        TelegramInbox before = new TelegramInbox(DB.dataSource(), CIPHER, 100, metrics);
        assertThat(before.add(message(5001, 7, "Check this", file), "5001:7")).isTrue();
        // control: a text message of the same chat comes back without one
        assertThat(before.add(message(5001, 8, "And hello", null), "5001:8")).isTrue();

        try (Connection c = DB.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT attachment FROM telegram_inbox WHERE chat_id = 5001 ORDER BY message_id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).as("sealed").isNotNull().doesNotContain("BQACAgIAAxkBAAIfile42").doesNotContain("tax return");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isNull();
        }

        Thread.sleep(5);
        TelegramInbox after = new TelegramInbox(DB.dataSource(), CIPHER, 100, metrics);
        List<Map<String, Object>> resumed = after.unansweredFromBeforeStart();
        assertThat(resumed).hasSize(2);
        Exchange first = new DefaultExchange(new DefaultCamelContext());
        first.getMessage().setBody(resumed.get(0));
        after.restore(first);
        assertThat(first.getMessage().getBody(String.class)).isEqualTo("Check this");
        assertThat(first.getMessage().getHeader(FileReference.HEADER)).isEqualTo(file);
        Exchange second = new DefaultExchange(new DefaultCamelContext());
        second.getMessage().setBody(resumed.get(1));
        after.restore(second);
        assertThat(second.getMessage().getHeader(FileReference.HEADER)).isNull();
    }
}
