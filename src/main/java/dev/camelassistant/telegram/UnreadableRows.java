package dev.camelassistant.telegram;

import java.util.HashSet;
import java.util.Set;

import dev.camelassistant.metrics.BotMetrics;
import org.slf4j.Logger;

/**
 * Stored rows the configured keys cannot decrypt, found while a start reads back what earlier
 * processes left: each is set aside, not closed. The row stays as it is (pending, with its text
 * still encrypted), is logged (ids and the kind of failure, never content) and counted in
 * {@value BotMetrics#ROWS_UNREADABLE}, and is read again by the next start: once the key it was
 * written with is back (ENCRYPTION_KEY or ENCRYPTION_KEYS_PREVIOUS) it goes on as if nothing
 * happened. The start's key check makes this rare: it is a row written under a key since removed
 * from the ring, or a changed row.
 * <p>
 * The outbox keeps a chat's later parts of the same read back behind a part set aside
 * ({@link #holds}), so that what reaches the chat stays in order.
 */
final class UnreadableRows {

    private final Logger log;
    private final BotMetrics metrics;
    private final String table;
    private final Set<Long> chats = new HashSet<>();

    UnreadableRows(Logger log, BotMetrics metrics, String table) {
        this.log = log;
        this.metrics = metrics;
        this.table = table;
    }

    /** The row of {@code chatId} named {@code what} does not decrypt: it stays as it is. */
    void setAside(long chatId, String what, Exception e) {
        chats.add(chatId);
        metrics.unreadable(table);
        log.warn("{}: {} of chat {} cannot be read with the configured keys ({}); kept as it is and read again at the"
                 + " next start (restore the key it was written with to ENCRYPTION_KEY or ENCRYPTION_KEYS_PREVIOUS)",
                table, what, chatId, e.getClass().getSimpleName());
    }

    /** Whether an earlier row of the chat was set aside: this one waits behind it. */
    boolean holds(long chatId) {
        return chats.contains(chatId);
    }
}
