package dev.camelassistant.memory;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.common.Headers;
import dev.camelassistant.tools.ToolException;
import org.apache.camel.Exchange;

/**
 * What the tools {@code save_memory} and {@code delete_memory} (routes/memory.camel.yaml) answer
 * Claude (bean {@code memoryTools}): the chat comes from header {@code chatId}, the argument from
 * the header the tool component sets for it ({@code text}, {@code id}). Ids are the database ids
 * Claude sees in brackets in the notes block of its system prompt.
 */
public class MemoryTools {

    private final MemoryNotes notes;
    private final AuditEvents audit;

    public MemoryTools(MemoryNotes notes, AuditEvents audit) {
        this.notes = notes;
        this.audit = audit;
    }

    /** save_memory: the tool_result text, or a {@link ToolException} (empty note, notes full). */
    public String saveMemory(Exchange exchange) throws SQLException {
        long id = notes.save(chatId(exchange), exchange.getMessage().getHeader("text", String.class));
        return "Saved as note [" + id + "].";
    }

    /** delete_memory: the tool_result text, or a {@link ToolException} when the chat has no such note. */
    public String deleteMemory(Exchange exchange) throws SQLException {
        Long id = exchange.getMessage().getHeader("id", Long.class);
        if (id == null) {
            throw new ToolException("delete_memory needs the id of a note (the number in brackets in the notes block).");
        }
        if (!notes.delete(chatId(exchange), id)) {
            throw new ToolException("There is no note [" + id + "] in this chat: the ids are the numbers in brackets"
                    + " in the notes block (notes saved in this turn: the id save_memory returned).");
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("count", 1);
        meta.put("by", "claude");
        audit.action(exchange, "memory_deleted", meta, AuditEntry.Status.SUCCESS, null, null);
        return "Deleted note [" + id + "].";
    }

    static long chatId(Exchange exchange) {
        return Long.parseLong(exchange.getMessage().getHeader(Headers.CHAT_ID, String.class));
    }
}
