package dev.camelassistant.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeClaudeTools;
import dev.camelassistant.support.Sql;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Answers from the web through the real routes (camel-telegram and camel-http against the fakes,
 * PostgreSQL): every request offers Anthropic's web_search and web_fetch with the configured options;
 * an answer with a search and citations reaches Telegram with the cited words as links and a Sources
 * list; a paused turn is continued with its content sent back as it came; searches are counted in the
 * ledger, the cost and /usage. This class: JSON answers; {@link WebAnswersStreamingTest}: the same as
 * server-sent events, plus the "searching the web" status while the search runs.
 */
class WebAnswersTest extends BotRouteTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String WEATHER = "https://weather.example/paris";
    static final String NEWS = "https://news.example/paris-sun";

    /** A search, its results, and an answer whose two cited parts are in one sentence. */
    static final String SEARCHED = """
            [{"type":"text","text":"Let me check."},
             {"type":"server_tool_use","id":"srvtoolu_01W","name":"web_search","input":{"query":"rain Paris"}},
             {"type":"web_search_tool_result","tool_use_id":"srvtoolu_01W","content":[
               {"type":"web_search_result","url":"%1$s","title":"Paris weather","encrypted_content":"EqgfCioIARgB","page_age":"1 hour ago"},
               {"type":"web_search_result","url":"%2$s","title":"Sun returns","encrypted_content":"EqgfCioIARgC","page_age":null}]},
             {"type":"text","text":"Here is the forecast. "},
             {"type":"text","text":"Rain is expected in Paris today","citations":[{"type":"web_search_result_location",
               "url":"%1$s","title":"Paris weather","encrypted_index":"Eo8B","cited_text":"Rain today."}]},
             {"type":"text","text":", and "},
             {"type":"text","text":"it clears tomorrow","citations":[{"type":"web_search_result_location",
               "url":"%2$s","title":"Sun returns","encrypted_index":"Eo8C","cited_text":"Sun tomorrow."}]},
             {"type":"text","text":"."}]
            """.formatted(WEATHER, NEWS);

    FakeClaude claude;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        p.put("claude.streaming", streaming());
        p.put("web.search-max-uses", "3");
        p.put("web.blocked-domains", "pinterest.com, spam.example");
        p.put("telegram.chat-interval-ms", "0");
        p.put("telegram.edit-interval-ms", "0");
        p.put("telegram.max-messages-per-second", "0");
    }

    String streaming() {
        return "false";
    }

    @BeforeEach
    void freshConversation() {
        claude.reset();
        claude.answersWhen("/new", "unused", 0);
        assertThat(ask(ADMIN_CHAT, "/new")).startsWith("Fresh start");
    }

    /** The chat's first new message once the reply is complete (HTML, as Telegram received it, after edits). */
    String ask(long chat, String text) {
        int before = telegram.sentTo(chat).size();
        int answered = (int) Sql.count(db.dataSource(), "SELECT count(*) FROM telegram_inbox WHERE state = 'answered' AND chat_id = " + chat);
        telegram.sendText(chat, text);
        boolean command = text.startsWith("/");
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

    void answerWhen(String marker, String content, String stopReason, int searches) {
        claude.server().stubFor(post(urlEqualTo("/v1/messages")).withRequestBody(containing(marker)).atPriority(1)
                .willReturn(FakeClaudeTools.answer(content, stopReason, searches)));
    }

    @Test
    void everyRequestOffersTheWebToolsWithTheConfiguredOptions() throws Exception {
        claude.answersWhen("W-offer", "ok", 0);
        ask(ADMIN_CHAT, "W-offer what is new?");
        JsonNode tools = requestsWith("W-offer").get(0).path("tools");
        JsonNode search = null;
        JsonNode fetch = null;
        for (JsonNode t : tools) {
            search = "web_search".equals(t.path("name").asText()) ? t : search;
            fetch = "web_fetch".equals(t.path("name").asText()) ? t : fetch;
        }
        // the configured model (claude-sonnet-4-6) gets the newest versions
        assertThat(search).isNotNull();
        assertThat(search.toString()).isEqualTo("{\"type\":\"web_search_20260318\",\"name\":\"web_search\",\"max_uses\":3,"
                + "\"blocked_domains\":[\"pinterest.com\",\"spam.example\"]}");
        assertThat(fetch).isNotNull();
        assertThat(fetch.toString()).isEqualTo("{\"type\":\"web_fetch_20260318\",\"name\":\"web_fetch\",\"max_uses\":3,"
                + "\"blocked_domains\":[\"pinterest.com\",\"spam.example\"],\"citations\":{\"enabled\":true}}");
        // the route tools are still there, before them
        assertThat(tools.get(tools.size() - 1)).isEqualTo(fetch);
        // those versions need no beta header
        assertThat(claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages")).withRequestBody(containing("W-offer")))
                .get(0).containsHeader("anthropic-beta")).isFalse();
    }

    @Test
    void citationsBecomeLinksAtMostOnePerSentenceAndTheSourcesListTheDistinctPages() throws Exception {
        answerWhen("W-search", SEARCHED, "end_turn", 1);
        String html = ask(ADMIN_CHAT, "W-search will it rain in Paris?");
        assertThat(html).isEqualTo("Let me check.\n\nHere is the forecast. <a href=\"" + WEATHER + "\">Rain is expected in Paris today</a>"
                + ", and it clears tomorrow.\n\nSources:\n\n1. <a href=\"" + WEATHER + "\">Paris weather</a>\n2. <a href=\"" + NEWS
                + "\">Sun returns</a>");
        assertSearchShown(ADMIN_CHAT);
        // the conversation remembers the answer as the user saw it, sources included
        claude.answersWhen("W-after", "ok", 0);
        ask(ADMIN_CHAT, "W-after thanks");
        JsonNode messages = requestsWith("W-after").get(0).path("messages");
        assertThat(FakeClaude.textOf(messages.get(messages.size() - 2).path("content")))
                .contains("[Rain is expected in Paris today](" + WEATHER + ")").contains("Sources:\n1. [Paris weather](" + WEATHER + ")");
    }

    /** In the streaming subclass: the chat showed that Claude was searching. */
    void assertSearchShown(long chat) throws Exception {
    }

    @Test
    void aPausedTurnIsSentBackAsItCameAndClaudeGoesOn() throws Exception {
        String paused = """
                [{"type":"server_tool_use","id":"srvtoolu_01P","name":"web_search","input":{"query":"W-pause"}},
                 {"type":"web_search_tool_result","tool_use_id":"srvtoolu_01P","content":[
                   {"type":"web_search_result","url":"%s","title":"Paris weather","encrypted_content":"EqgfCioIARgB"}]}]
                """.formatted(WEATHER);
        // the first request (no paused content yet) pauses; the continuation, which carries it, ends the turn
        claude.server().stubFor(post(urlEqualTo("/v1/messages")).withRequestBody(containing("W-pause"))
                .withRequestBody(notContaining("srvtoolu_01P")).atPriority(1)
                .willReturn(FakeClaudeTools.answer(paused, "pause_turn", 1)));
        claude.server().stubFor(post(urlEqualTo("/v1/messages")).withRequestBody(containing("srvtoolu_01P")).atPriority(1)
                .willReturn(FakeClaudeTools.answer("""
                        [{"type":"text","text":"It will rain","citations":[{"type":"web_search_result_location",
                          "url":"%s","title":"Paris weather","encrypted_index":"Eo8B","cited_text":"Rain."}]},
                         {"type":"text","text":"."}]""".formatted(WEATHER), "end_turn", 0)));
        String html = ask(ADMIN_CHAT, "W-pause rain?");
        assertThat(html).isEqualTo("<a href=\"" + WEATHER + "\">It will rain</a>.\n\nSources:\n\n1. <a href=\"" + WEATHER
                + "\">Paris weather</a>");

        List<JsonNode> requests = requestsWith("W-pause");
        assertThat(requests).hasSize(2);
        JsonNode messages = requests.get(1).path("messages");
        JsonNode last = messages.get(messages.size() - 1);
        assertThat(last.path("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(messages.size() - 2).path("content").asText()).isEqualTo("W-pause rain?");
        // the paused content as it came (the last block carries the cache mark of the next round)
        ArrayNode sent = last.path("content").deepCopy();
        assertThat(((ObjectNode) sent.get(sent.size() - 1)).remove("cache_control").toString()).isEqualTo("{\"type\":\"ephemeral\"}");
        assertThat(sent).isEqualTo(JSON.readTree(paused));
        assertThat(requests.get(1).path("tools")).isEqualTo(requests.get(0).path("tools"));
    }

    @Test
    void searchesAreCountedInTheLedgerTheCostAndUsage() throws Exception {
        answerWhen("W-usage", SEARCHED, "end_turn", 2);
        ask(FRIEND_CHAT, "W-usage rain?");
        // 21 input and 42 output tokens at 3 and 15 USD per million, 2 searches at 10 USD per 1,000
        double cost = (21 * 3 + 42 * 15) / 1_000_000d + 2 * 10 / 1000d;
        await().atMost(Duration.ofSeconds(10)).until(() -> Sql.count(db.dataSource(),
                "SELECT coalesce(sum(web_search_requests), 0) FROM claude_usage WHERE chat_id = " + FRIEND_CHAT) == 2);
        assertThat(Double.parseDouble(Sql.string(db.dataSource(),
                "SELECT sum(cost_usd)::text FROM claude_usage WHERE chat_id = " + FRIEND_CHAT))).isCloseTo(cost, within(1e-9));
        String usage = ask(FRIEND_CHAT, "/usage");
        assertThat(usage).contains("Today: 63 tokens, 2 web searches, $0.021");
        await().atMost(Duration.ofSeconds(5)).until(() -> Sql.count(db.dataSource(), "SELECT count(*) FROM audit_trail"
                + " WHERE action = 'llm_request' AND metadata->>'webSearchRequests' = '2'") >= 1);
    }
}
