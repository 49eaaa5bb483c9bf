package dev.camelassistant.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The parts of a Messages API request that {@link ClaudeClient#requestBody} puts together, with the prompt
 * cache's marks ({@code cache_control: {"type": "ephemeral"}}) where the stable prefix ends: the system
 * prompt and the chat's notes, the last earlier turn, the last turn of the tool loop.
 */
final class RequestParts {

    private RequestParts() {
    }

    /** The system prompt as blocks: the prompt and the notes, each marked, then the current time (it changes, so last). */
    static void system(ObjectNode body, String prompt, String notes, String now) {
        boolean hasNotes = notes != null && !notes.isBlank();
        if (prompt.isEmpty() && !hasNotes && now == null) {
            return;
        }
        ArrayNode system = body.putArray("system");
        if (!prompt.isEmpty()) {
            cacheMark(system.addObject().put("type", "text").put("text", prompt));
        }
        if (hasNotes) {
            cacheMark(system.addObject().put("type", "text").put("text", notes.strip()));
        }
        if (now != null) {
            system.addObject().put("type", "text").put("text", "The current date and time: " + now + ".");
        }
    }

    /**
     * One turn: its text as the content, or as blocks when it carries photos or documents (those first, then
     * the text that asks about them, as Anthropic advises) or ends the cached prefix (its last block marked).
     */
    static void turn(ArrayNode messages, Turn turn, boolean cached) {
        ObjectNode message = messages.addObject().put("role", turn.role().apiName());
        if (turn.attachments().isEmpty() && !cached) {
            message.put("content", turn.text());
            return;
        }
        ArrayNode content = message.putArray("content");
        turn.attachments().forEach(a -> content.add(a.block()));
        ObjectNode text = content.addObject().put("type", "text").put("text", turn.text());
        if (cached) {
            cacheMark(text);
        }
    }

    /** The tool loop's turns so far, after the question; the last block marked: the next round reads this one from the cache. */
    static void followUp(ArrayNode messages, ArrayNode followUp) {
        if (followUp == null || followUp.isEmpty()) {
            return;
        }
        ArrayNode turns = followUp.deepCopy();
        JsonNode last = turns.get(turns.size() - 1).path("content");
        if (last.isArray() && !last.isEmpty() && last.get(last.size() - 1) instanceof ObjectNode block) {
            cacheMark(block);
        }
        messages.addAll(turns);
    }

    static void cacheMark(ObjectNode block) {
        block.putObject("cache_control").put("type", "ephemeral");
    }
}
