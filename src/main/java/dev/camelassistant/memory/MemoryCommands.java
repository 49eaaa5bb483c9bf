package dev.camelassistant.memory;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.common.Headers;
import dev.camelassistant.common.Markdown;
import dev.camelassistant.memory.MemoryStore.Note;
import org.apache.camel.Exchange;
import org.apache.camel.component.telegram.model.IncomingMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /memory} and {@code /forget} (bean {@code memoryCommands}), run on the conversation
 * route's pool in the chat's order. {@code /memory} numbers the notes 1, 2, … oldest first, and
 * {@code /forget <number>} takes that number. {@code /forget all} asks first: the same person's
 * next message in the chat, within {@link #CONFIRM_WITHIN}, answers it ("yes" deletes every note,
 * "no" keeps them) instead of going to Claude; any other message cancels the question and is
 * handled as usual. Replies are Markdown; deletions are audited as {@code memory_deleted} with a
 * count, never a note's text.
 */
public class MemoryCommands {

    /** Exchange variable set by {@link #takeConfirmation} when the message answers /forget all: "yes" or "no". */
    public static final String CONFIRMATION = "memoryConfirmation";
    static final Duration CONFIRM_WITHIN = Duration.ofMinutes(5);
    static final String UNREACHABLE = "Sorry, I can't reach my notes right now. Please try again in a moment.";

    private static final Logger LOG = LoggerFactory.getLogger(MemoryCommands.class);

    /** A /forget all waiting for its answer: who asked, how many notes the question named, until when. */
    record Pending(String userId, int count, Instant expiresAt) {
    }

    private final MemoryNotes notes;
    private final AuditEvents audit;
    private final Clock clock;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

    public MemoryCommands(MemoryNotes notes, AuditEvents audit, Clock clock) {
        this.notes = notes;
        this.audit = audit;
        this.clock = clock;
    }

    /** /memory: the chat's notes, numbered. */
    public String list(Exchange exchange) {
        List<Note> list;
        try {
            list = notes.list(chatId(exchange));
        } catch (SQLException e) {
            return unreachable(e);
        }
        if (list.isEmpty()) {
            return "I have no notes about you yet. When you tell me something worth remembering (your name, where"
                   + " you live, what you prefer), I keep it as a note, and every conversation starts with it.";
        }
        StringBuilder sb = new StringBuilder("What I remember (kept until you delete it):\n");
        for (int i = 0; i < list.size(); i++) {
            sb.append(i + 1).append(". ").append(Markdown.escape(MemoryNotes.oneLine(list.get(i).text()))).append('\n');
        }
        return sb.append("\n/forget <number> deletes one, /forget all deletes every note.").toString();
    }

    /** /forget &lt;number&gt; deletes that note of /memory's list; /forget all asks first. */
    public String forget(Exchange exchange) {
        String arg = argument(text(exchange)).toLowerCase(Locale.ROOT);
        long chatId = chatId(exchange);
        try {
            if (arg.equals("all")) {
                int count = notes.list(chatId).size();
                if (count == 0) {
                    return "There are no notes to delete.";
                }
                pending.put(chatId, new Pending(userId(exchange), count, clock.instant().plus(CONFIRM_WITHIN)));
                return "Delete all " + count + (count == 1 ? " note" : " notes") + "? Reply yes or no.";
            }
            if (!arg.matches("[0-9]{1,9}")) {
                return "Usage: /forget <number> (the number /memory shows), or /forget all.";
            }
            int number = Integer.parseInt(arg);
            List<Note> list = notes.list(chatId);
            if (number < 1 || number > list.size()) {
                return list.isEmpty() ? "There are no notes to delete."
                        : "There is no note " + number + ": /memory lists them, numbered 1 to " + list.size() + ".";
            }
            Note note = list.get(number - 1);
            if (notes.delete(chatId, note.id())) {
                audited(exchange, 1, "one");
            }
            return "Forgotten: " + Markdown.escape(MemoryNotes.oneLine(note.text()));
        } catch (SQLException e) {
            return unreachable(e);
        }
    }

    /**
     * Every message of the chat that reaches the conversation route passes here first: a pending
     * /forget all of the chat ends now (answered, cancelled or expired), and when this message
     * answers it (the same person, in time, "yes" or "no") variable {@value #CONFIRMATION} says how.
     * A message from someone else in a group leaves the question open.
     */
    public void takeConfirmation(Exchange exchange) {
        long chatId = chatId(exchange);
        Pending p = pending.get(chatId);
        if (p == null || !Objects.equals(p.userId(), userId(exchange))) {
            return;
        }
        pending.remove(chatId, p);
        String answer = answer(text(exchange));
        if (answer != null && clock.instant().isBefore(p.expiresAt())) {
            exchange.setVariable(CONFIRMATION, answer);
        }
    }

    /** The reply to "yes" or "no" after /forget all. */
    public String confirm(Exchange exchange) {
        if (!"yes".equals(exchange.getVariable(CONFIRMATION, String.class))) {
            return "Kept your notes.";
        }
        try {
            int deleted = notes.deleteAll(chatId(exchange));
            audited(exchange, deleted, "all");
            return "Deleted all " + deleted + (deleted == 1 ? " note." : " notes.");
        } catch (SQLException e) {
            return unreachable(e);
        }
    }

    /** "yes" or "no" when the text is one of them (any case, a final . or ! allowed), else null. */
    static String answer(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip().toLowerCase(Locale.ROOT).replaceAll("[.!]+$", "");
        return t.equals("yes") || t.equals("no") ? t : null;
    }

    /** The argument of a command ("/forget 2" → "2", "/forget@bot all" → "all"), or empty. */
    static String argument(String text) {
        String t = text == null ? "" : text.strip();
        int space = t.indexOf(' ');
        return space < 0 ? "" : t.substring(space + 1).strip();
    }

    private void audited(Exchange exchange, int count, String scope) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("count", count);
        meta.put("scope", scope);
        meta.put("by", "command");
        audit.action(exchange, "memory_deleted", meta, AuditEntry.Status.SUCCESS, null, null);
    }

    private static String unreachable(SQLException e) {
        LOG.warn("Memory notes: database unreachable ({}); the command is answered with an apology", e.getSQLState());
        return UNREACHABLE;
    }

    private static String text(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        return body instanceof IncomingMessage m ? m.getText() : exchange.getMessage().getBody(String.class);
    }

    private static long chatId(Exchange exchange) {
        return Long.parseLong(exchange.getMessage().getHeader(Headers.CHAT_ID, String.class));
    }

    private static String userId(Exchange exchange) {
        return exchange.getMessage().getHeader(Headers.USER_ID, String.class);
    }
}
