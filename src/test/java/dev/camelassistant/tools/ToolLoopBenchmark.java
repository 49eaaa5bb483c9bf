package dev.camelassistant.tools;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.camelassistant.llm.ClaudeClient;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeClaudeTools;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;

/**
 * Issue 21's figures, through the whole bot (camel-telegram and camel-http against the fakes, pacing off,
 * CLAUDE_STREAMING=false so that the fake answers at once):
 * <ol>
 *   <li>the time the tool loop adds to a message that uses no tool: from the update handed out to the
 *       reply arriving at the fake Telegram, with claude-ask as it is now (the loop, ToolTurns, the tools
 *       offered) against claude-ask as it was before tools (one call of claude-request, no tools offered),
 *       in alternating batches on the same context; after a warm-up of tens of messages and settled;</li>
 *   <li>the time from the answer with a {@code tool_use} block (the fake's response complete) to the
 *       follow-up request with the result arriving at the fake, for {@code save_memory}.</li>
 * </ol>
 * Not run by default: {@code mvn test -Dtest=ToolLoopBenchmark}.
 */
class ToolLoopBenchmark extends BotRouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHATS = 20;
    private static final String BEFORE_TOOLS = """
            - route:
                id: claude-ask
                shutdownRoute: Defer
                streamCache: "false"
                from:
                  uri: direct:claude-ask
                  steps:
                    - to: direct:claude-request
                    - filter:
                        simple: "${variable.claudeFailure} != null"
                        steps:
                          - bean: {ref: claudeErrors, method: failed}
            """;

    private FakeClaude claude;
    private String loopRoute;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        p.put("claude.streaming", "false");
        List<String> chats = new ArrayList<>();
        for (int i = 0; i < CHATS; i++) {
            chats.add(String.valueOf(90_000 + i));
        }
        p.put("telegram.allowed-chat-ids", String.join(",", chats));
        p.put("telegram.chat-interval-ms", "0");
        p.put("telegram.max-messages-per-second", "0");
    }

    /** One message: milliseconds from the update handed out to the reply's arrival at the fake Telegram. */
    private double once(long chat, String text) {
        int before = telegram.receivedAt(chat).size();
        long update = telegram.sendText(chat, text);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(1))
                .until(() -> telegram.receivedAt(chat).size() > before);
        return (telegram.receivedAt(chat).get(before) - telegram.handedOutAt(update)) / 1e6;
    }

    private List<Double> batch(int n, int offset) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(once(90_000 + (offset + i) % CHATS, "hello " + i));
        }
        return out;
    }

    private void useLoop(boolean loop) throws Exception {
        ClaudeClient client = context.getRegistry().lookupByNameAndType("claudeClient", ClaudeClient.class);
        ToolRunner runner = context.getRegistry().lookupByNameAndType("toolRunner", ToolRunner.class);
        context.removeRoute("claude-ask");
        if (loop) {
            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("claude-ask.camel.yaml", loopRoute));
            client.useTools(runner::definitions);
        } else {
            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("claude-ask.camel.yaml", BEFORE_TOOLS));
            client.useTools(JSON::createArrayNode);
        }
        context.getRouteController().startRoute("claude-ask");
    }

    @Test
    void addedTimeWithoutToolsAndTheToolUseToFollowUpTime() throws Exception {
        claude.answers("ok", 0);
        // the claude-ask route of the file, to put back after the "before tools" batches
        String file = new String(getClass().getResourceAsStream("/routes/claude.camel.yaml").readAllBytes());
        int start = file.indexOf("- route:\n    id: claude-ask");
        int end = file.indexOf("- route:", start + 5);
        loopRoute = file.substring(start, end);
        context.getRouteController().stopRoute("claude-ask");

        int tools = context.getComponent("tool", ToolComponent.class).registry().size();
        List<Double> warmLoop = new ArrayList<>();
        List<Double> warmBefore = new ArrayList<>();
        List<Double> loop = new ArrayList<>();
        List<Double> before = new ArrayList<>();
        for (int round = 0; round < 12; round++) {
            boolean warm = round < 2;
            // which goes first alternates: the very first batch also warms the rest of the bot
            for (boolean withLoop : round % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true}) {
                useLoop(withLoop);
                List<Double> into = withLoop ? (warm ? warmLoop : loop) : (warm ? warmBefore : before);
                into.addAll(batch(warm ? 20 : 50, round * 7 + (withLoop ? 0 : 3)));
            }
        }
        useLoop(true);
        System.out.printf("bench: tools offered %d; warm-up (first 40 messages each): median %.2f ms with the loop, %.2f ms"
                          + " before tools, added %.2f ms%n", tools, median(warmLoop), median(warmBefore),
                median(warmLoop) - median(warmBefore));
        System.out.printf("bench: settled (%d messages each, alternating batches of 50): median %.2f ms with the loop,"
                          + " %.2f ms before tools, added %.2f ms; p90 %.2f vs %.2f ms%n", loop.size(), median(loop),
                median(before), median(loop) - median(before), pct(loop, 0.9), pct(before, 0.9));

        // save_memory: the answer with its tool_use (response complete) → the follow-up request arriving
        claude.reset();
        claude.server().stubFor(post(urlEqualTo("/v1/messages")).withRequestBody(containing("remember"))
                .withRequestBody(notContaining("tool_result")).atPriority(1).willReturn(FakeClaudeTools.toolUse(null,
                        new FakeClaudeTools.Use("toolu_bench", "save_memory", "{\"text\":\"Likes green tea\"}"))));
        claude.server().stubFor(post(urlEqualTo("/v1/messages")).withRequestBody(containing("tool_result")).atPriority(1)
                .willReturn(FakeClaudeTools.text("Noted.")));
        claude.answers("ok", 0);
        boolean saveMemory = context.getComponent("tool", ToolComponent.class).registry().get("save_memory") != null;
        List<Double> gaps = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            long chat = 90_000 + i % CHATS;
            if (i % 10 == 0) {
                once(chat, "/new"); // the notes stay within MEMORY_MAX_TOKENS: /new keeps them, so delete below
            }
            claude.server().resetRequests();
            once(chat, "remember that I like green tea " + i);
            List<ServeEvent> events = new ArrayList<>(claude.server().getAllServeEvents());
            events.sort((a, b) -> a.getRequest().getLoggedDate().compareTo(b.getRequest().getLoggedDate()));
            ServeEvent first = events.stream().filter(e -> !e.getRequest().getBodyAsString().contains("tool_result")).findFirst().orElseThrow();
            ServeEvent follow = events.stream().filter(e -> e.getRequest().getBodyAsString().contains("tool_result")).findFirst().orElseThrow();
            Date sent = new Date(first.getRequest().getLoggedDate().getTime() + first.getTiming().getTotalTime());
            if (i >= 10) {
                gaps.add((double) (follow.getRequest().getLoggedDate().getTime() - sent.getTime()));
            }
        }
        System.out.printf("bench: %s tool_use answer → follow-up request: median %.0f ms, p90 %.0f ms, worst %.0f ms"
                          + " over %d messages (WireMock's millisecond clock)%n", saveMemory ? "save_memory" : "(no save_memory route: unknown tool)",
                median(gaps), pct(gaps, 0.9), pct(gaps, 1.0), gaps.size());

        inProcess();
    }

    /**
     * The loop's own cost, without the network's noise: claude-request replaced by a route that answers at
     * once, then direct:claude-ask called in this thread, with the loop and as before tools, alternating.
     */
    private void inProcess() throws Exception {
        context.removeRoute("claude-request");
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("stub.camel.yaml", """
                - route:
                    id: claude-request
                    from:
                      uri: direct:claude-request
                      steps:
                        - setBody:
                            constant: "ok"
                """));
        var template = context.createProducerTemplate();
        java.util.Map<String, Object> headers = java.util.Map.of("chatId", "90000", "messageId", 1);
        List<Double> loop = new ArrayList<>();
        List<Double> before = new ArrayList<>();
        for (int round = 0; round < 10; round++) {
            for (boolean withLoop : new boolean[] {true, false}) {
                useLoop(withLoop);
                for (int i = 0; i < 2000; i++) {
                    long t0 = System.nanoTime();
                    template.requestBodyAndHeaders("direct:claude-ask", "hello", headers);
                    if (round > 0) {
                        (withLoop ? loop : before).add((System.nanoTime() - t0) / 1e6);
                    }
                }
            }
        }
        System.out.printf("bench: in process, claude-ask around an instant claude-request (%d calls each): median %.4f ms"
                          + " with the loop, %.4f ms before tools, added %.4f ms%n", loop.size(), median(loop), median(before),
                median(loop) - median(before));
    }

    static double median(List<Double> values) {
        return pct(values, 0.5);
    }

    static double pct(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }
}
