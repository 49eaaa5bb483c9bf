package dev.camelassistant.audit;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import dev.camelassistant.common.Markdown;

/**
 * The owner's {@code /audit <reference>}: what happened to one message, from the reference printed
 * in every error reply (the first 8 characters of the correlation id, or the whole id).
 */
public class AuditCommand {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final int MAX_LINES = 40;

    private final AuditQuery query;

    public AuditCommand(AuditQuery query) {
        this.query = query;
    }

    /** Bound to the message body (the incoming Telegram message). */
    public String replyTo(org.apache.camel.component.telegram.model.IncomingMessage message) {
        return reply(message.getText());
    }

    public String reply(String commandText) {
        String ref = commandArgument(commandText);
        if (ref.isEmpty()) {
            return "Usage: /audit <reference> (the reference is printed in every error reply).";
        }
        if (!ref.matches("[0-9a-fA-F-]{8,64}")) {
            return "That does not look like a reference: it has 8 or more hexadecimal characters, like 3f2a9c1e.";
        }
        List<AuditEntry> entries;
        try {
            entries = query.entries(ref);
        } catch (RuntimeException e) {
            return "I can't read the audit trail right now (the database is not answering). Please try again later.";
        }
        return format(ref, entries);
    }

    /** The argument of a command ("/audit abc" → "abc"), or empty. */
    static String commandArgument(String text) {
        String t = text == null ? "" : text.strip();
        int space = t.indexOf(' ');
        return space < 0 ? "" : t.substring(space + 1).strip();
    }

    static String format(String ref, List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            return "Nothing recorded under " + ref + " (entries are kept for a limited number of days).";
        }
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (AuditEntry e : entries) {
            if (n++ == MAX_LINES) {
                sb.append("… and ").append(entries.size() - MAX_LINES).append(" more");
                break;
            }
            sb.append(TIME.format(e.createdAt())).append(" UTC  ").append(e.action()).append("  ")
                    .append(e.status().dbValue());
            if (e.model() != null) {
                sb.append("  ").append(e.model());
            }
            Map<String, Object> meta = e.metadata();
            if (!meta.isEmpty()) {
                sb.append("  ").append(meta);
            }
            if (e.errorMessage() != null) {
                sb.append("\n    ").append(e.errorMessage());
            }
            sb.append('\n');
        }
        // a code block: the ids, names and error texts are shown as they are, aligned, never read as Markdown
        return "Audit trail of " + Markdown.escape(entries.get(0).correlationId()) + ":\n"
               + Markdown.codeBlock(sb.toString().strip());
    }
}
