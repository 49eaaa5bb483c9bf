package dev.camelassistant.tools;

import java.time.Clock;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.camelassistant.llm.ClaudeUsage;
import dev.camelassistant.llm.ToolTurns;
import dev.camelassistant.usage.Budget;
import org.apache.camel.Exchange;

/**
 * The steps of Claude's tool loop (routes/claude.camel.yaml, {@code claude-ask} and
 * {@code claude-tool-round}), over the message's {@link ToolTurns}: {@link #begin} before the first
 * request, {@link #afterAnswer} after each answer (the end of the loop, or a round of tools to run),
 * {@link #toolUses} and {@link #runTool} for the round's {@code tool_use} blocks, {@link #closeRound}
 * before the next request. At most TOOL_MAX_ROUNDS rounds of tools run for one message; an answer that
 * asks for more ends the loop with the text so far and {@link #LIMIT_NOTE}. An answer that paused
 * ({@code pause_turn}: Anthropic's server tools, web search and fetch, took long) is a round without tools
 * to run: its content goes back as it came and Claude continues. The reply ends with the "Sources" list
 * of the pages the answers cited.
 */
public class ToolRounds {

    public static final String LIMIT_NOTE = "(I stopped here: this needed more tool steps than I may take for one message. Ask me to go on if you need more.)";
    private static final DateTimeFormatter NOW = DateTimeFormatter.ofPattern("EEEE, d MMMM yyyy, HH:mm", Locale.ENGLISH);

    private final ToolRunner runner;
    private final int maxRounds;
    private final ZoneId zone;
    private final Clock clock;

    public ToolRounds(ToolRunner runner, int maxRounds, ZoneId zone, Clock clock) {
        this.runner = runner;
        this.maxRounds = maxRounds;
        this.zone = zone;
        this.clock = clock;
    }

    /** Before the first request: the question (the body) and the time this message's requests state. */
    public void begin(Exchange exchange) {
        exchange.removeVariable(ToolTurns.CONTENT);
        exchange.setVariable(ToolTurns.VARIABLE, new ToolTurns(exchange.getMessage().getBody(String.class), now()));
    }

    /** "Saturday, 5 December 2026, 14:32 (Europe/Berlin, UTC+01:00)": the current time in ASSISTANT_TIMEZONE. */
    public String now() {
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(zone));
        String offset = now.getOffset().getTotalSeconds() == 0 ? "UTC" : "UTC" + now.getOffset().getId();
        return NOW.format(now) + " (" + zone.getId() + (zone.getId().equals(offset) ? "" : ", " + offset) + ")";
    }

    /** Whether another request is to be made. */
    public boolean goOn(Exchange exchange) {
        ToolTurns turns = ToolTurns.of(exchange);
        return turns != null && !turns.done();
    }

    /**
     * After an answer or a failure: a failure or an answer without tools ends the loop (the body becomes
     * the text of every round); an answer with tools beyond the round limit ends it with the note; else the
     * round's text is kept and its tools are to run (variable {@value ToolTurns#CONTENT} stays set).
     */
    public void afterAnswer(Exchange exchange) {
        ToolTurns turns = ToolTurns.of(exchange);
        if (exchange.getVariable("claudeFailure") != null) {
            exchange.removeVariable(ToolTurns.CONTENT);
            turns.finishNow();
            return;
        }
        String roundText = exchange.getMessage().getBody(String.class);
        if (exchange.getVariable(ToolTurns.CONTENT) == null) {
            turns.finishNow();
            exchange.getMessage().setBody(turns.withSources(turns.withText(roundText)));
            return;
        }
        if (turns.toolRounds() >= maxRounds) {
            exchange.removeVariable(ToolTurns.CONTENT);
            turns.finishNow();
            exchange.getMessage().setBody(turns.withSources(turns.withText(roundText) + "\n\n" + LIMIT_NOTE));
            return;
        }
        turns.addRoundText(roundText);
    }

    /** The {@code tool_use} blocks of the answer, in order. */
    public List<JsonNode> toolUses(Exchange exchange) {
        List<JsonNode> uses = new ArrayList<>();
        JsonNode content = exchange.getVariable(ToolTurns.CONTENT, JsonNode.class);
        if (content != null) {
            content.forEach(block -> {
                if ("tool_use".equals(block.path("type").asText())) {
                    uses.add(block);
                }
            });
        }
        return uses;
    }

    /** One {@code tool_use} block (the body) through its tool's route; its result joins the round. */
    public void runTool(Exchange exchange) {
        JsonNode use = exchange.getMessage().getBody(JsonNode.class);
        ObjectNode result = runner.run(exchange, use);
        String content = result.path("content").asText("");
        String step = use.path("name").asText("?") + (result.path("is_error").asBoolean(false) ? " (error): " : ": ")
                      + (content.length() > 300 ? content.substring(0, 300) + "…" : content);
        ToolTurns.of(exchange).addResultOf(result, step);
    }

    /** The round's usage is in the ledger: the conversation route is not to count it again. */
    public void recorded(Exchange exchange) {
        exchange.removeVariable(ClaudeUsage.VARIABLE);
    }

    /** Every tool of the round has its result: the assistant's content and the results join the next request. */
    public void closeRound(Exchange exchange) {
        JsonNode content = exchange.getVariable(ToolTurns.CONTENT, JsonNode.class);
        exchange.removeVariable(ToolTurns.CONTENT);
        ToolTurns.of(exchange).closeRoundWith(content);
    }

    /** The budget or the chat's daily limit was reached between rounds: the text so far, then the refusal. */
    public void refused(Exchange exchange) {
        String refusal = exchange.getVariable(Budget.REFUSAL, String.class);
        ToolTurns turns = ToolTurns.of(exchange);
        exchange.removeVariable(ToolTurns.CONTENT);
        turns.finishNow();
        exchange.getMessage().setBody(turns.withSources(turns.withText(refusal)));
    }
}
