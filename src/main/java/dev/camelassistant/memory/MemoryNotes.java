package dev.camelassistant.memory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.camelassistant.common.Headers;
import dev.camelassistant.memory.MemoryStore.Note;
import dev.camelassistant.tools.ToolException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each chat's long-term notes (bean {@code memoryNotes}): what {@code save_memory} adds,
 * {@code delete_memory} and {@code /forget} remove, and every Claude request carries in its system
 * prompt ({@link #load}). The notes of a chat are held in memory once read, since every request
 * reads them; every save and delete goes through this class and updates that copy after the
 * database has changed, under the chat's lock, so the copy is never older than the table
 * (one bot process writes the notes: the bot role owns the Telegram poll).
 * <p>
 * A chat's notes hold at most {@code MEMORY_MAX_TOKENS} estimated tokens together
 * ({@link dev.camelassistant.conversation.ContextWindow#estimate}); a save beyond that is refused
 * with a {@link ToolException} telling Claude to delete or merge notes first.
 */
public class MemoryNotes {

    /** Exchange variable with the system prompt's block of notes (unset when the chat has none). */
    public static final String VARIABLE = "memoryNotes";
    static final String BLOCK_HEADING = "Notes you saved about this chat in earlier conversations (use them;"
            + " save_memory adds a note, delete_memory removes one by the id in brackets, e.g. when the user asks"
            + " you to forget it):";

    private static final Logger LOG = LoggerFactory.getLogger(MemoryNotes.class);
    private static final long RETRY_AFTER_FAILURE_MS = 5_000;

    private final MemoryStore store;
    private final int maxTokens;
    private final Map<Long, List<Note>> cache = new ConcurrentHashMap<>();
    private final Map<Long, Object> locks = new ConcurrentHashMap<>();
    private volatile long databaseRetryAt;

    public MemoryNotes(MemoryStore store, int maxTokens) {
        this.store = store;
        this.maxTokens = maxTokens;
    }

    /** The bound of a chat's notes, in estimated tokens (MEMORY_MAX_TOKENS). */
    public int maxTokens() {
        return maxTokens;
    }

    /** The chat's notes, oldest first (from memory after the first read). */
    public List<Note> list(long chatId) throws SQLException {
        List<Note> cached = cache.get(chatId);
        if (cached != null) {
            return cached;
        }
        synchronized (lock(chatId)) {
            cached = cache.get(chatId);
            if (cached == null) {
                cached = List.copyOf(store.list(chatId));
                cache.put(chatId, cached);
            }
            return cached;
        }
    }

    /**
     * Saves a note; returns its id.
     *
     * @throws ToolException the text is empty, or the chat's notes would pass the bound
     */
    public long save(long chatId, String text) throws SQLException {
        String note = text == null ? "" : text.strip();
        if (note.isEmpty()) {
            throw new ToolException("The note is empty: nothing was saved.");
        }
        synchronized (lock(chatId)) {
            MemoryStore.Saved saved = store.insert(chatId, note, maxTokens);
            if (saved.note() == null) {
                throw new ToolException("The notes are full (" + saved.usedTokens() + " of " + maxTokens
                        + " tokens used): delete or merge notes with delete_memory before saving more.");
            }
            List<Note> cached = cache.get(chatId);
            if (cached != null) {
                List<Note> next = new ArrayList<>(cached);
                next.add(saved.note());
                cache.put(chatId, List.copyOf(next));
            }
            return saved.note().id();
        }
    }

    /** Deletes the chat's note with this id; false when the chat has none with it. */
    public boolean delete(long chatId, long id) throws SQLException {
        synchronized (lock(chatId)) {
            boolean deleted = store.delete(chatId, id);
            List<Note> cached = cache.get(chatId);
            if (deleted && cached != null) {
                cache.put(chatId, cached.stream().filter(n -> n.id() != id).toList());
            }
            return deleted;
        }
    }

    /** Deletes every note of the chat; returns how many there were. */
    public int deleteAll(long chatId) throws SQLException {
        synchronized (lock(chatId)) {
            int deleted = store.deleteAll(chatId);
            cache.put(chatId, List.of());
            return deleted;
        }
    }

    /**
     * Before a Claude call: sets variable {@value #VARIABLE} to the chat's notes as a system prompt
     * block ({@link #block}), or leaves it unset when there are none. The reply never waits on a
     * broken database: the question then goes to Claude without the notes, and the database is not
     * tried again for a few seconds.
     */
    public void load(Exchange exchange) {
        long chatId = Long.parseLong(exchange.getMessage().getHeader(Headers.CHAT_ID, String.class));
        if (System.currentTimeMillis() < databaseRetryAt && !cache.containsKey(chatId)) {
            return;
        }
        try {
            String block = block(list(chatId));
            if (block != null) {
                exchange.setVariable(VARIABLE, block);
            }
        } catch (SQLException e) {
            LOG.warn("Memory notes: database unreachable ({}); the question goes to Claude without the notes of chat {}",
                    e.getSQLState(), chatId);
            databaseRetryAt = System.currentTimeMillis() + RETRY_AFTER_FAILURE_MS;
        }
    }

    /** The notes as Claude reads them: a heading, then one line "[id] text" each; null when there are none. */
    static String block(List<Note> notes) {
        if (notes.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder(BLOCK_HEADING);
        for (Note n : notes) {
            sb.append('\n').append('[').append(n.id()).append("] ").append(oneLine(n.text()));
        }
        return sb.toString();
    }

    /** A note on one line (a line break inside it must not start what looks like another note). */
    static String oneLine(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ");
    }

    private Object lock(long chatId) {
        return locks.computeIfAbsent(chatId, k -> new Object());
    }
}
