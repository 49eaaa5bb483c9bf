package dev.camelassistant.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.camelassistant.support.TelegramHtmlRules;
import dev.camelassistant.telegram.TelegramHtml;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The /audit reply is Markdown like every text: ids, names and error texts must reach the chat as written. */
class AuditCommandTest {

    @Test
    void theTrailIsACodeBlockThatShowsEveryIdAndErrorVerbatim() {
        String id = "3f2a9c1e-0000-4000-8000-00000000abcd";
        String error = "Telegram answered HTTP 400: *can't* parse _entities_ <b> & ``` [x](y)";
        String reply = AuditCommand.format("3f2a9c1e", List.of(
                new AuditEntry(id, "42", "message_received", "telegram", null, Map.of("chat_id", "42"),
                        AuditEntry.Status.SUCCESS, null, Instant.parse("2026-11-30T10:00:00Z")),
                new AuditEntry(id, "42", "llm_request", "claude", "claude-sonnet-4-6", Map.of(),
                        AuditEntry.Status.ERROR, error, Instant.parse("2026-11-30T10:00:01Z"))));

        String html = TelegramHtml.render(reply);
        assertThat(TelegramHtmlRules.parse(html).error()).isNull();
        String shown = TelegramHtml.visibleText(html);
        assertThat(shown).startsWith("Audit trail of " + id + ":\n")
                .contains("2026-11-30 10:00:00 UTC  message_received  success  {chat_id=42}")
                .contains("llm_request  error  claude-sonnet-4-6\n    " + error);
        assertThat(html).contains("<pre>").doesNotContain("<b>", "<i>", "<a ");
    }
}
