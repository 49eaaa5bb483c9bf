package dev.camelassistant.llm;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;

/**
 * One message's way through Claude's tool loop (exchange variable {@value #VARIABLE}): the user's
 * question, the time stated in its system prompt (fixed for the message, so that every round of it
 * reads the same prefix from the prompt cache), the turns that follow the question (the assistant's
 * content with its {@code tool_use} blocks, then a user turn of the matching {@code tool_result}
 * blocks), the text Claude wrote in the rounds so far, the pages its answers cited (for the "Sources"
 * list at the end), and a short account of the tool steps for the conversation memory. An answer that
 * paused ({@code pause_turn}: Anthropic's server tools took long) is a round without results: its content is
 * sent back as it came, as the assistant's turn, and Claude goes on with it.
 */
public final class ToolTurns {

    public static final String VARIABLE = "toolTurns";
    /** Exchange variable: the content of an answer that stopped for {@code tool_use} (absent otherwise). */
    public static final String CONTENT = "claudeToolContent";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String question;
    private final String now;
    private final ArrayNode followUp = JSON.createArrayNode();
    private final StringBuilder text = new StringBuilder();
    private final List<ObjectNode> results = new ArrayList<>();
    private final List<String> steps = new ArrayList<>();
    private final java.util.Map<String, CitedText.Source> sources = new java.util.LinkedHashMap<>();
    private int toolRounds;
    private volatile boolean done;

    public ToolTurns(String question, String now) {
        this.question = question == null ? "" : question;
        this.now = now;
    }

    public static ToolTurns of(Exchange exchange) {
        return exchange.getVariable(VARIABLE, ToolTurns.class);
    }

    public String question() {
        return question;
    }

    /** The date and time the system prompt states (null: none). */
    public String now() {
        return now;
    }

    /** The turns after the question, in order (empty in the first round); not to be modified. */
    public ArrayNode followUp() {
        return followUp;
    }

    /** The text Claude wrote in the finished rounds (Markdown, rounds joined by a blank line). */
    public synchronized String text() {
        return text.toString();
    }

    /** The text so far followed by {@code more}, joined by a blank line. */
    public synchronized String withText(String more) {
        if (more == null || more.isBlank()) {
            return text.toString();
        }
        return text.isEmpty() ? more : text + "\n\n" + more;
    }

    public synchronized void addRoundText(String roundText) {
        if (roundText != null && !roundText.isBlank()) {
            if (!text.isEmpty()) {
                text.append("\n\n");
            }
            text.append(roundText.strip());
        }
    }

    public int toolRounds() {
        return toolRounds;
    }

    public boolean done() {
        return done;
    }

    public void finishNow() {
        done = true;
    }

    /** One tool's result of the current round (the split over the round's tool_use blocks adds them in order). */
    public synchronized void addResultOf(ObjectNode result, String step) {
        results.add(result);
        steps.add(step);
    }

    /**
     * The round is over: the assistant's content, then one user turn with every result, join the follow-up.
     * A round without results (a paused turn) adds the content only, to the assistant's turn before it if
     * there is one (a turn paused twice is still one turn).
     */
    public synchronized void closeRoundWith(JsonNode assistantContent) {
        JsonNode last = followUp.isEmpty() ? null : followUp.get(followUp.size() - 1);
        if (results.isEmpty() && last != null && "assistant".equals(last.path("role").asText())) {
            ((ArrayNode) last.path("content")).addAll((ArrayNode) assistantContent);
        } else {
            followUp.addObject().put("role", "assistant").set("content", assistantContent.deepCopy());
        }
        if (!results.isEmpty()) {
            ArrayNode content = followUp.addObject().put("role", "user").putArray("content");
            results.forEach(content::add);
            results.clear();
        }
        toolRounds++;
    }

    /** The pages an answer of this message cited (each page once, in the order first cited). */
    public synchronized void addSources(List<CitedText.Source> cited) {
        cited.forEach(s -> sources.putIfAbsent(s.url(), s));
    }

    /** {@code body}, then the "Sources" list of the pages cited, when there are any. */
    public synchronized String withSources(String body) {
        String section = CitedText.sourcesSection(List.copyOf(sources.values()));
        return section.isEmpty() ? body : body + "\n\n" + section;
    }

    /** The tool steps for the conversation memory ("save_memory: Saved as note 3."), or null when none ran. */
    public synchronized String steps() {
        return steps.isEmpty() ? null : String.join("\n", steps);
    }
}
