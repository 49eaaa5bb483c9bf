package dev.camelassistant.tools;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeClaudeTools;
import dev.camelassistant.support.FakeClaudeTools.Use;
import dev.camelassistant.support.Sql;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Claude's tool loop through the real routes (camel-telegram and camel-http against the fakes, the
 * tool: component, PostgreSQL): tools declared by routes loaded as an operator's route file would be,
 * Claude answering tool_use as JSON (this class: CLAUDE_STREAMING=false) and the follow-up request's
 * shape, errors, timeouts, invalid input, the round limit, the budget between rounds, the audit trail,
 * the metrics and the conversation memory. {@link ToolStreamingTest} does the same over events.
 */
class ToolLoopTest extends BotRouteTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOOLS = """
            - route:
                id: tool-shout
                from:
                  uri: tool:shout
                  parameters:
                    description: Returns the text in upper case
                    parameter.text: string
                  steps:
                    - setBody:
                        simple: "${header.text.toUpperCase()}"
            - route:
                id: tool-explode
                from:
                  uri: tool:explode
                  parameters:
                    description: Always fails
                  steps:
                    - throwException:
                        exceptionType: java.lang.IllegalStateException
                        message: "internal detail Zanzibar at line 42"
            - route:
                id: tool-refuse
                from:
                  uri: tool:refuse
                  parameters:
                    description: Refuses in its own words
                  steps:
                    - throwException:
                        exceptionType: dev.camelassistant.tools.ToolException
                        message: "The list is full: delete an entry first."
            - route:
                id: tool-slow
                from:
                  uri: tool:slow
                  parameters:
                    description: Takes its time
                  steps:
                    - delay:
                        constant: "3000"
                    - setBody:
                        constant: "too late"
            - route:
                id: tool-record
                from:
                  uri: tool:record
                  parameters:
                    description: Returns an object
                    parameter.count: integer
                    optional.label: string
                  steps:
                    - setBody:
                        simple: "${body}"
            """;

    private FakeClaude claude;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        p.put("claude.streaming", streaming());
        p.put("tools.timeout-seconds", "1");
        p.put("tools.max-rounds", "2");
        p.put("usage.chat-daily-token-limit", "50");
        p.put("telegram.chat-interval-ms", "0");
        p.put("telegram.max-messages-per-second", "0");
    }

    String streaming() {
        return "false";
    }

    @BeforeEach
    void toolsAndFake() throws Exception {
        if (context.getRoute("tool-shout") == null) {
            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("operator-tools.camel.yaml", TOOLS));
        }
        claude.reset();
        claude.answersWhen("/new", "unused", 0);
        // each test in a fresh conversation of the owner's chat (the owner has no daily limit)
        assertThat(ask(ADMIN_CHAT, "/new")).startsWith("Fresh start");
    }

    /** Requests with {@code marker} and no tool result yet get the tool calls; the follow-up gets {@code answer}. */
    void script(String marker, String text, String answer, Use... uses) {
        claude.server().stubFor(post(urlEqualTo("/v1/messages")).withRequestBody(containing(marker))
                .withRequestBody(notContaining("tool_result")).atPriority(1).willReturn(FakeClaudeTools.toolUse(text, uses)));
        claude.server().stubFor(post(urlEqualTo("/v1/messages")).withRequestBody(containing(marker))
                .withRequestBody(containing("tool_result")).atPriority(1).willReturn(FakeClaudeTools.text(answer)));
    }

    /**
     * Sends the text and returns the chat's first new message as it reads once the reply is complete: the
     * inbox marks the message answered and every part of the chat's outbox is sent (a streamed reply's
     * message has then been edited into the final text).
     */
    String ask(long chat, String text) {
        int before = telegram.sentTo(chat).size();
        int answered = (int) Sql.count(db.dataSource(), "SELECT count(*) FROM telegram_inbox WHERE state = 'answered' AND chat_id = " + chat);
        telegram.sendText(chat, text);
        boolean command = text.startsWith("/"); // commands are not recorded in the inbox
        await().atMost(Duration.ofSeconds(20)).until(() -> telegram.sentTo(chat).size() > before
                && (command || Sql.count(db.dataSource(), "SELECT count(*) FROM telegram_inbox WHERE state = 'answered' AND chat_id = " + chat) > answered)
                && Sql.count(db.dataSource(), "SELECT count(*) FROM telegram_outbox WHERE state = 'pending' AND chat_id = " + chat) == 0);
        return telegram.sentTo(chat).get(before).text();
    }

    List<JsonNode> requestsWith(String marker) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (var r : claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages")))) {
            if (r.getBodyAsString().contains(marker)) {
                out.add(JSON.readTree(r.getBodyAsString()));
            }
        }
        return out;
    }

    static JsonNode toolResult(JsonNode request) {
        JsonNode messages = request.path("messages");
        JsonNode last = messages.get(messages.size() - 1);
        assertThat(last.path("role").asText()).isEqualTo("user");
        return last.path("content").get(0);
    }

    @Test
    void aToolUseRunsTheRouteAndTheFollowUpCarriesTheContentAndTheResultWithTheSameId() throws Exception {
        script("M-shout", "Let me shout that.", "It says HELLO THERE.", new Use("toolu_01A", "shout", "{\"text\":\"hello there\"}"));
        String reply = ask(ADMIN_CHAT, "M-shout: shout hello there");
        assertThat(reply).isEqualTo("Let me shout that.\n\nIt says HELLO THERE.");

        List<JsonNode> requests = requestsWith("M-shout");
        assertThat(requests).hasSize(2);
        JsonNode first = requests.get(0);
        assertThat(first.path("tools")).anySatisfy(t -> {
            assertThat(t.path("name").asText()).isEqualTo("shout");
            assertThat(t.path("description").asText()).isEqualTo("Returns the text in upper case");
            assertThat(t.path("input_schema").toString())
                    .isEqualTo("{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}},\"required\":[\"text\"],\"additionalProperties\":false}");
        });
        JsonNode second = requests.get(1);
        assertThat(second.path("tools")).isEqualTo(first.path("tools"));
        JsonNode messages = second.path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).path("content").asText()).isEqualTo("M-shout: shout hello there");
        JsonNode assistant = messages.get(1);
        assertThat(assistant.path("role").asText()).isEqualTo("assistant");
        assertThat(assistant.path("content").get(0).path("text").asText()).isEqualTo("Let me shout that.");
        JsonNode use = assistant.path("content").get(1);
        assertThat(use.path("type").asText()).isEqualTo("tool_use");
        assertThat(use.path("id").asText()).isEqualTo("toolu_01A");
        assertThat(use.path("input").path("text").asText()).isEqualTo("hello there");
        JsonNode result = toolResult(second);
        assertThat(result.path("type").asText()).isEqualTo("tool_result");
        assertThat(result.path("tool_use_id").asText()).isEqualTo("toolu_01A");
        assertThat(result.path("content").asText()).isEqualTo("HELLO THERE");
        assertThat(result.has("is_error")).isFalse();
        // the system prompt states the time, after the cached prompt
        JsonNode system = second.path("system");
        assertThat(system.get(system.size() - 1).path("text").asText()).startsWith("The current date and time: ").contains("(UTC)");
    }

    @Test
    void everyToolCallIsAuditedWithoutItsInputOrResultAndCounted() throws Exception {
        script("M-audit", null, "Done.", new Use("toolu_02A", "shout", "{\"text\":\"private Walrus words\"}"));
        ask(ADMIN_CHAT, "M-audit please");
        await().atMost(Duration.ofSeconds(5)).until(() -> Sql.count(db.dataSource(),
                "SELECT count(*) FROM audit_trail WHERE action = 'tool_call' AND metadata->>'tool' = 'shout'"
                + " AND metadata->>'outcome' = 'ok' AND status = 'success'") >= 1);
        String rows = Sql.string(db.dataSource(), "SELECT string_agg(metadata::text || coalesce(error_message, ''), '|')"
                                                  + " FROM audit_trail WHERE action = 'tool_call'");
        assertThat(rows).contains("durationMs").doesNotContain("Walrus").doesNotContain("WALRUS");
        MeterRegistry registry = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        assertThat(registry.get(ToolMetrics.CALLS).tag("tool", "shout").tag("outcome", "ok").counter().count()).isGreaterThanOrEqualTo(1);
        assertThat(registry.get(ToolMetrics.DURATION).tag("tool", "shout").timer().count()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aFailingToolGivesClaudeAOneLineErrorWithoutTheExceptionsTextAndTheConversationGoesOn() throws Exception {
        script("M-explode", null, "The tool failed, sorry.", new Use("toolu_03A", "explode", "{}"));
        assertThat(ask(ADMIN_CHAT, "M-explode now")).isEqualTo("The tool failed, sorry.");
        JsonNode result = toolResult(requestsWith("M-explode").get(1));
        assertThat(result.path("is_error").asBoolean()).isTrue();
        assertThat(result.path("content").asText()).isEqualTo("The tool explode failed (IllegalStateException).")
                .doesNotContain("Zanzibar").doesNotContain("\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> Sql.count(db.dataSource(),
                "SELECT count(*) FROM audit_trail WHERE action = 'tool_call' AND metadata->>'tool' = 'explode'"
                + " AND status = 'error'") >= 1);
    }

    @Test
    void aToolsOwnRefusalReachesClaudeInItsWords() throws Exception {
        script("M-refuse", null, "It is full.", new Use("toolu_04A", "refuse", "{}"));
        ask(ADMIN_CHAT, "M-refuse add");
        JsonNode result = toolResult(requestsWith("M-refuse").get(1));
        assertThat(result.path("is_error").asBoolean()).isTrue();
        assertThat(result.path("content").asText()).isEqualTo("The list is full: delete an entry first.");
    }

    @Test
    void aSlowToolIsStoppedAtTheTimeoutAndClaudeIsToldSo() throws Exception {
        script("M-slow", null, "It took too long.", new Use("toolu_05A", "slow", "{}"));
        long started = System.nanoTime();
        assertThat(ask(ADMIN_CHAT, "M-slow go")).isEqualTo("It took too long.");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not the tool's 3 s").isLessThan(Duration.ofMillis(2900));
        JsonNode result = toolResult(requestsWith("M-slow").get(1));
        assertThat(result.path("is_error").asBoolean()).isTrue();
        assertThat(result.path("content").asText()).isEqualTo("The tool slow did not finish within 1 s and was stopped.");
    }

    @Test
    void inputThatDoesNotMatchTheDeclaredArgumentsIsAnErrorAndTheRouteDoesNotRun() throws Exception {
        script("M-invalid", null, "Bad input.", new Use("toolu_06A", "shout", "{\"txt\":\"oops\"}"),
                new Use("toolu_06B", "record", "{\"count\":\"three\"}"), new Use("toolu_06C", "nosuchtool", "{}"),
                new Use("toolu_06D", "record", "{\"count\":3,\"label\":\"x\"}"));
        long shoutsBefore = exchangesOf("tool-shout");
        long recordsBefore = exchangesOf("tool-record");
        ask(ADMIN_CHAT, "M-invalid");
        JsonNode follow = requestsWith("M-invalid").get(1);
        JsonNode results = follow.path("messages").get(2).path("content");
        assertThat(results).hasSize(4);
        assertThat(results.get(0).path("tool_use_id").asText()).isEqualTo("toolu_06A");
        assertThat(results.get(0).path("content").asText()).isEqualTo("Invalid input for shout: missing argument 'text' (string).");
        assertThat(results.get(1).path("content").asText()).isEqualTo("Invalid input for record: argument 'count' must be an integer.");
        assertThat(results.get(2).path("content").asText()).isEqualTo("There is no tool named 'nosuchtool' now.");
        assertThat(results.get(0).path("is_error").asBoolean()).isTrue();
        assertThat(results.get(1).path("is_error").asBoolean()).isTrue();
        assertThat(results.get(2).path("is_error").asBoolean()).isTrue();
        // the control: valid input (the optional argument given) runs, and an object comes back as JSON
        assertThat(results.get(3).has("is_error")).isFalse();
        assertThat(JSON.readTree(results.get(3).path("content").asText())).isEqualTo(JSON.readTree("{\"count\":3,\"label\":\"x\"}"));
        assertThat(exchangesOf("tool-shout")).as("the shout route never ran").isEqualTo(shoutsBefore);
        assertThat(exchangesOf("tool-record")).as("the control: the record route ran once").isEqualTo(recordsBefore + 1);
    }

    long exchangesOf(String routeId) throws Exception {
        // camel-micrometer's route policy (camel.metrics.enableRoutePolicy) counts every route's exchanges
        MeterRegistry registry = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        var counter = registry.find("camel.exchanges.total").tag("routeId", routeId).counter();
        return counter == null ? 0 : (long) counter.count();
    }

    @Test
    void beyondTheRoundLimitTheUserGetsTheTextSoFarAndANote() throws Exception {
        // Claude asks for a tool every time: 2 rounds of tools run (tools.max-rounds), the third answer ends it
        claude.server().stubFor(post(urlEqualTo("/v1/messages")).withRequestBody(containing("M-limit")).atPriority(1)
                .willReturn(FakeClaudeTools.toolUse("Shouting again.", new Use("toolu_07A", "shout", "{\"text\":\"a\"}"))));
        String reply = ask(ADMIN_CHAT, "M-limit forever");
        assertThat(requestsWith("M-limit")).hasSize(3);
        assertThat(reply).isEqualTo("Shouting again.\n\nShouting again.\n\nShouting again.\n\n" + ToolRounds.LIMIT_NOTE);
    }

    @Test
    void theDailyLimitReachedBetweenRoundsStopsTheLoopCleanly() throws Exception {
        // the friend's limit is 50 tokens; the first round uses 63: the tool does not run, Claude is not asked again
        script("M-budget", "Looking it up.", "never sent", new Use("toolu_08A", "shout", "{\"text\":\"b\"}"));
        String reply = ask(FRIEND_CHAT, "M-budget question");
        assertThat(reply).startsWith("Looking it up.\n\nYou've reached today's limit of 50 tokens.");
        assertThat(requestsWith("M-budget")).hasSize(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> Sql.count(db.dataSource(),
                "SELECT coalesce(sum(input_tokens + output_tokens), 0) FROM claude_usage WHERE chat_id = " + FRIEND_CHAT) == 63);
    }

    @Test
    void theConversationRemembersTheQuestionAndTheAnswerWithAnAccountOfTheToolStepsNeverAToolUse() throws Exception {
        script("M-memory", "Shouting.", "Shouted.", new Use("toolu_09A", "shout", "{\"text\":\"quiet\"}"));
        ask(ADMIN_CHAT, "M-memory first");
        claude.answersWhen("M-next", "ok", 0);
        ask(ADMIN_CHAT, "M-next second");
        JsonNode next = requestsWith("M-next").get(0);
        JsonNode messages = next.path("messages");
        String history = messages.toString();
        assertThat(history).doesNotContain("tool_use").doesNotContain("tool_result");
        assertThat(FakeClaude.textOf(messages.get(messages.size() - 2).path("content")))
                .isEqualTo("(Tool steps before this answer:\nshout: QUIET)\n\nShouting.\n\nShouted.");
    }

    @Test
    void aToolComesAndGoesWithItsRoute() throws Exception {
        claude.answersWhen("M-list", "ok", 0);
        context.getRouteController().stopRoute("tool-refuse");
        try {
            ask(ADMIN_CHAT, "M-list one");
            assertThat(names(requestsWith("M-list one").get(0))).contains("shout").doesNotContain("refuse");
        } finally {
            context.getRouteController().startRoute("tool-refuse");
        }
        ask(ADMIN_CHAT, "M-list two");
        assertThat(names(requestsWith("M-list two").get(0))).contains("shout", "refuse");
    }

    static List<String> names(JsonNode request) {
        List<String> names = new ArrayList<>();
        request.path("tools").forEach(t -> names.add(t.path("name").asText()));
        return names;
    }
}
