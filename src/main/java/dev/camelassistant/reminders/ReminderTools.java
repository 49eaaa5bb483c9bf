package dev.camelassistant.reminders;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.common.Headers;
import dev.camelassistant.tools.ToolException;
import org.apache.camel.Exchange;

/**
 * The reminder tools Claude calls (routes/reminders.camel.yaml): {@code schedule_reminder},
 * {@code list_reminders}, {@code cancel_reminder}, always for the chat of the conversation (header
 * {@code chatId}). What Claude got wrong (an {@code at} without offset, a time in the past, an id that
 * is not the chat's) is a {@link ToolException} with a sentence Claude can act on. The audit trail
 * gets ids and times, never the text.
 */
public class ReminderTools {

    /** Longest reminder text: a reminder is a line, not a document. */
    static final int MAX_TEXT = 2000;
    /** How far in the past an {@code at} may be and still count as "now" (Claude rounds to the minute). */
    static final Duration NOW_TOLERANCE = Duration.ofSeconds(90);

    private final ReminderStore store;
    private final AuditEvents audit;
    private final ZoneId zone;
    private final Clock clock;
    private final int maxPendingPerChat;

    public ReminderTools(ReminderStore store, AuditEvents audit, ZoneId zone, Clock clock, int maxPendingPerChat) {
        this.store = store;
        this.audit = audit;
        this.zone = zone;
        this.clock = clock;
        this.maxPendingPerChat = maxPendingPerChat;
    }

    /** {@code schedule_reminder}: at, text, optional ask_claude, optional repeat. */
    public String schedule(Exchange exchange) throws SQLException {
        Map<?, ?> input = input(exchange);
        long chatId = chatId(exchange);
        String text = string(input.get("text"));
        if (text == null || text.isBlank()) {
            throw new ToolException("text is empty: say what the reminder should say");
        }
        if (text.length() > MAX_TEXT) {
            throw new ToolException("text is too long (" + text.length() + " characters, at most " + MAX_TEXT + ")");
        }
        Repeat repeat;
        try {
            repeat = Repeat.parse(string(input.get("repeat")));
        } catch (IllegalArgumentException e) {
            throw new ToolException("repeat must be one of daily, weekdays, weekly, monthly (or left out for a one-off reminder)");
        }
        boolean askClaude = Boolean.TRUE.equals(input.get("ask_claude")) || "true".equals(string(input.get("ask_claude")));
        Instant now = clock.instant();
        Instant at = parseAt(string(input.get("at")), now);
        Instant anchor = at;
        Instant due = Occurrences.firstAtOrAfter(at, repeat, zone);
        if (due.isBefore(now.minus(NOW_TOLERANCE))) {
            if (repeat == null) {
                throw new ToolException("at " + input.get("at") + " is in the past: it is now "
                                        + ReminderTimes.iso(now, zone) + " (" + zone.getId() + ")");
            }
            due = Occurrences.nextAfter(anchor, repeat, now, zone); // "every day at 7:30", asked at 9: from tomorrow
        }
        if (store.pendingCount(chatId) >= maxPendingPerChat) {
            throw new ToolException("this chat already has " + maxPendingPerChat
                                    + " pending reminders: cancel some before scheduling more");
        }
        String userId = exchange.getMessage().getHeader(Headers.USER_ID, String.class);
        long id = store.schedule(chatId, userId, text, due, anchor, repeat, askClaude);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("reminderId", id);
        meta.put("dueAt", due.toString());
        meta.put("repeat", repeat == null ? "none" : repeat.value());
        meta.put("askClaude", askClaude);
        audit.action(exchange, "reminder_scheduled", meta, AuditEntry.Status.SUCCESS, null, null);
        return "Reminder #" + id + " scheduled for " + ReminderTimes.local(due, now, zone) + " (" + ReminderTimes.iso(due, zone)
               + ", " + zone.getId() + ")" + (repeat == null ? "" : ", repeating " + repeat.value())
               + (askClaude ? "; at that time its text is sent to you as the user's message" : "") + ".";
    }

    /** {@code list_reminders}: the chat's pending reminders, soonest first. */
    public List<Map<String, Object>> list(Exchange exchange) throws SQLException {
        Instant now = clock.instant();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Reminder r : store.pending(chatId(exchange))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("at", ReminderTimes.iso(r.dueAt(), zone));
            m.put("local", ReminderTimes.local(r.dueAt(), now, zone));
            m.put("text", r.text() == null ? "(unreadable with the current keys)" : r.text());
            if (r.repeat() != null) {
                m.put("repeat", r.repeat().value());
            }
            if (r.askClaude()) {
                m.put("ask_claude", true);
            }
            out.add(m);
        }
        return out;
    }

    /** {@code cancel_reminder}: id. */
    public String cancel(Exchange exchange) throws SQLException {
        Object raw = input(exchange).get("id");
        if (!(raw instanceof Number n)) {
            throw new ToolException("id must be the number of a pending reminder (see list_reminders)");
        }
        long id = n.longValue();
        if (!cancelOwn(exchange, chatId(exchange), id, "tool")) {
            throw new ToolException("this chat has no pending reminder #" + id + " (see list_reminders)");
        }
        return "Reminder #" + id + " cancelled.";
    }

    /** Cancels the chat's own pending reminder, audited; false when it has none with that id. */
    boolean cancelOwn(Exchange exchange, long chatId, long id, String by) throws SQLException {
        if (!store.cancel(chatId, id)) {
            return false;
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("reminderId", id);
        meta.put("by", by);
        audit.action(exchange, "reminder_cancelled", meta, AuditEntry.Status.SUCCESS, null, null);
        return true;
    }

    /** ISO-8601 with an offset ("2026-12-07T09:00:00+01:00", "…Z"); a time without one is refused, not guessed. */
    Instant parseAt(String at, Instant now) {
        if (at == null || at.isBlank()) {
            throw new ToolException("at is missing: give the time as ISO-8601 with offset, e.g. " + ReminderTimes.iso(now, zone));
        }
        try {
            return OffsetDateTime.parse(at.strip()).toInstant();
        } catch (DateTimeParseException e) {
            throw new ToolException("at must be an ISO-8601 date-time with offset, e.g. " + ReminderTimes.iso(now, zone)
                                    + " (the user's time zone is " + zone.getId() + ")");
        }
    }

    private static Map<?, ?> input(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        return body instanceof Map<?, ?> m ? m : Map.of();
    }

    private static long chatId(Exchange exchange) {
        return Long.parseLong(exchange.getMessage().getHeader(Headers.CHAT_ID, String.class));
    }

    private static String string(Object value) {
        return value == null ? null : value.toString();
    }
}
