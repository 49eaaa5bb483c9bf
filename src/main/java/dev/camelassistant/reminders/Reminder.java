package dev.camelassistant.reminders;

import java.time.Instant;

/**
 * One pending reminder of a chat, its text decrypted (null when the configured keys cannot decrypt it).
 *
 * @param dueAt  when it fires next
 * @param anchor when it was first asked for (repeats keep its local time and day of month)
 * @param repeat null for a one-off reminder
 */
public record Reminder(long id, long chatId, String userId, String text, Instant dueAt, Instant anchor, Repeat repeat,
                       boolean askClaude) {
}
