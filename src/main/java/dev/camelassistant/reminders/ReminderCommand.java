package dev.camelassistant.reminders;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import dev.camelassistant.common.Headers;
import dev.camelassistant.common.Markdown;
import org.apache.camel.Exchange;
import org.apache.camel.component.telegram.model.IncomingMessage;

/**
 * {@code /reminders}: the chat's pending reminders with their ids and local times;
 * {@code /reminders cancel <id>}: cancels one of the chat's own.
 */
public class ReminderCommand {

    private final ReminderStore store;
    private final ReminderTools tools;
    private final ZoneId zone;
    private final Clock clock;

    public ReminderCommand(ReminderStore store, ReminderTools tools, ZoneId zone, Clock clock) {
        this.store = store;
        this.tools = tools;
        this.zone = zone;
        this.clock = clock;
    }

    /** The reply (Markdown) to the command in the body (the incoming Telegram message) from the chat in header chatId. */
    public String replyTo(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        String text = body instanceof IncomingMessage m ? m.getText() : String.valueOf(body);
        long chatId = Long.parseLong(exchange.getMessage().getHeader(Headers.CHAT_ID, String.class));
        String[] args = arguments(text);
        try {
            if (args.length == 0) {
                return list(store.pending(chatId));
            }
            if (args.length == 2 && args[0].equalsIgnoreCase("cancel") && args[1].matches("#?\\d{1,18}")) {
                long id = Long.parseLong(args[1].replace("#", ""));
                return tools.cancelOwn(exchange, chatId, id, "command")
                        ? "Reminder #" + id + " cancelled."
                        : "There is no pending reminder #" + id + " in this chat. Send /reminders to see them.";
            }
            return "Usage: /reminders lists this chat's reminders; /reminders cancel <id> cancels one.";
        } catch (SQLException e) {
            return "I can't read the reminders right now (the database is not answering). Please try again later.";
        }
    }

    String list(List<Reminder> reminders) {
        if (reminders.isEmpty()) {
            return "No reminders. Ask me to remind you of something, e.g. \"remind me tomorrow at 9 to call Anna\".";
        }
        Instant now = clock.instant();
        StringBuilder sb = new StringBuilder("Reminders (").append(zone.getId()).append("):\n");
        for (Reminder r : reminders) {
            sb.append('#').append(r.id()).append(' ').append(ReminderTimes.local(r.dueAt(), now, zone)).append(" — ")
                    .append(r.text() == null ? "(unreadable with the current keys)" : Markdown.escape(r.text()));
            if (r.repeat() != null) {
                sb.append(" (").append(r.repeat().value()).append(')');
            }
            if (r.askClaude()) {
                sb.append(" · for Claude");
            }
            sb.append('\n');
        }
        return sb.append("Cancel one with /reminders cancel <id>.").toString();
    }

    /** "/reminders cancel 12" → ["cancel", "12"]; "/reminders@Bot" → []. */
    static String[] arguments(String text) {
        String t = text == null ? "" : text.strip();
        int space = t.indexOf(' ');
        return space < 0 ? new String[0] : t.substring(space + 1).strip().split("\\s+");
    }
}
