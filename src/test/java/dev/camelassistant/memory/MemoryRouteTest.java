package dev.camelassistant.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.camelassistant.common.Headers;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeClaudeTools;
import dev.camelassistant.support.FakeClaudeTools.Use;
import dev.camelassistant.telegram.Commands;
import dev.camelassistant.tools.ToolRunner;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
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
 * Long-term memory through the real routes (camel-telegram and camel-http against the fakes, the
 * tool: component, PostgreSQL): save_memory and delete_memory called by Claude's tool_use, the notes
 * in the system prompt of every request (its own cached block, kept by /new), the bound's refusal as
 * Claude reads it, and /memory and /forget from Telegram.
 */
class MemoryRouteTest extends BotRouteTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    private FakeClaude claude;
    private long nextChat = 80_000;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        p.put("claude.streaming", "false");
        p.put("memory.max-tokens", "30");
        p.put("telegram.allowed-chat-ids", String.join(",", java.util.stream.IntStream.range(0, 30)
                .mapToObj(i -> String.valueOf(80_000 + i)).toList()));
        p.put("telegram.chat-interval-ms", "0");
        p.put("telegram.max-messages-per-second", "0");
    }

    @BeforeEach
    void echo() {
        claude.reset();
        claude.cachingEchoes(0);
    }

    /** Sends the text and waits for the chat's next reply; returns what the chat sees. */
    String ask(long chat, String text) {
        int before = telegram.sentTo(chat).size();
        telegram.sendText(chat, text);
        await().atMost(Duration.ofSeconds(15)).until(() -> telegram.sentTo(chat).size() > before);
        return telegram.sentTo(chat).get(before).visible();
    }

    /** Requests with {@code marker} and no tool result yet get the tool calls; the follow-up gets {@code answer}. */
    void script(String marker, String answer, Use... uses) {
        claude.server().stubFor(post(urlEqualTo("/v1/messages")).withRequestBody(containing(marker))
                .withRequestBody(notContaining("tool_result")).atPriority(1).willReturn(FakeClaudeTools.toolUse(null, uses)));
        claude.server().stubFor(post(urlEqualTo("/v1/messages")).withRequestBody(containing(marker))
                .withRequestBody(containing("tool_result")).atPriority(1).willReturn(FakeClaudeTools.text(answer)));
    }

    /** Back to echoes only (the request journal is cleared too). */
    void unscript() {
        claude.reset();
        claude.cachingEchoes(0);
    }

    /** A tool call as the tool loop makes it for a message of the chat (the real component and runner): its tool_result. */
    JsonNode tool(long chat, String name, String input) throws Exception {
        Exchange conversation = new DefaultExchange(context);
        conversation.getMessage().setHeader(Headers.CHAT_ID, String.valueOf(chat));
        conversation.getMessage().setHeader(Headers.USER_ID, String.valueOf(chat));
        ObjectNode use = JSON.createObjectNode().put("type", "tool_use").put("id", "toolu_direct").put("name", name);
        use.set("input", JSON.readTree(input));
        return context.getRegistry().lookupByNameAndType("toolRunner", ToolRunner.class).run(conversation, use);
    }

    long saved(long chat, String text) throws Exception {
        JsonNode result = tool(chat, "save_memory", JSON.createObjectNode().put("text", text).toString());
        assertThat(result.has("is_error")).as(result.toString()).isFalse();
        return Long.parseLong(result.path("content").asText().replaceAll("\\D", ""));
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

    /** The system prompt's block of notes in the request for this question, or null when it has none. */
    String notesSentWith(String question) throws Exception {
        List<JsonNode> requests = new ArrayList<>();
        for (JsonNode r : requestsWith(question)) {
            if (FakeClaude.lastUserText(r).equals(question)) {
                requests.add(r);
            }
        }
        assertThat(requests).as("requests for " + question).hasSize(1);
        for (JsonNode block : requests.get(0).path("system")) {
            if (block.path("text").asText().startsWith(MemoryNotes.BLOCK_HEADING)) {
                assertThat(block.path("cache_control").path("type").asText()).as("a cached block").isEqualTo("ephemeral");
                return block.path("text").asText();
            }
        }
        return null;
    }

    boolean claudeWasAsked(String text) throws Exception {
        for (var r : claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages")))) {
            if (FakeClaude.lastUserText(JSON.readTree(r.getBodyAsString())).equals(text)) {
                return true;
            }
        }
        return false;
    }

    static JsonNode toolResult(JsonNode request) {
        JsonNode messages = request.path("messages");
        JsonNode last = messages.get(messages.size() - 1);
        assertThat(last.path("role").asText()).isEqualTo("user");
        return last.path("content").get(0);
    }

    @Test
    void claudeSavesANoteThatEveryLaterRequestCarriesAcrossNew() throws Exception {
        long chat = nextChat++;
        ask(chat, "Hello before any note");
        assertThat(notesSentWith("Hello before any note")).as("no notes: no block").isNull();

        script("M-berlin", "Noted.", new Use("toolu_01S", "save_memory", "{\"text\":\"Lives in Berlin\"}"));
        assertThat(ask(chat, "M-berlin: I live in Berlin")).isEqualTo("Noted.");
        List<JsonNode> rounds = requestsWith("M-berlin");
        assertThat(rounds).hasSize(2);
        assertThat(rounds.get(0).path("tools")).anySatisfy(t -> {
            assertThat(t.path("name").asText()).isEqualTo("save_memory");
            assertThat(t.path("input_schema").path("properties").path("text").path("type").asText()).isEqualTo("string");
        }).anySatisfy(t -> {
            assertThat(t.path("name").asText()).isEqualTo("delete_memory");
            assertThat(t.path("input_schema").path("properties").path("id").path("type").asText()).isEqualTo("integer");
        });
        JsonNode result = toolResult(rounds.get(1));
        assertThat(result.path("tool_use_id").asText()).isEqualTo("toolu_01S");
        assertThat(result.has("is_error")).isFalse();
        long id = Long.parseLong(result.path("content").asText().replaceAll("\\D", ""));
        assertThat(result.path("content").asText()).isEqualTo("Saved as note [" + id + "].");
        unscript(); // the stored conversation holds the marker: later requests must not call the tool again

        ask(chat, "Where do I live?");
        assertThat(notesSentWith("Where do I live?")).isEqualTo(MemoryNotes.BLOCK_HEADING + "\n[" + id + "] Lives in Berlin");

        assertThat(ask(chat, "/new")).isEqualTo(new Commands().newConversation());
        ask(chat, "And now?");
        assertThat(notesSentWith("And now?")).as("/new keeps the notes").contains("[" + id + "] Lives in Berlin");
        assertThat(db.count("SELECT count(*) FROM memory_notes WHERE chat_id = " + chat)).isEqualTo(1);

        // another chat sees none of them
        long other = nextChat++;
        ask(other, "Whose notes?");
        assertThat(notesSentWith("Whose notes?")).isNull();
    }

    @Test
    void aSaveBeyondTheBoundReachesClaudeAsAnErrorInItsOwnWordsAndDeleteMemoryMakesRoom() throws Exception {
        long chat = nextChat++;
        // the bound is 30 tokens here: 70 characters are 20
        String twenty = "a".repeat(70);
        long id = saved(chat, twenty);
        script("M-full", "The notes are full.", new Use("toolu_01F", "save_memory", "{\"text\":\"" + twenty + "\"}"));
        assertThat(ask(chat, "M-full: remember this too")).isEqualTo("The notes are full.");
        JsonNode refused = toolResult(requestsWith("M-full").get(1));
        assertThat(refused.path("is_error").asBoolean()).isTrue();
        assertThat(refused.path("content").asText())
                .isEqualTo("The notes are full (20 of 30 tokens used): delete or merge notes with delete_memory before saving more.");
        assertThat(db.count("SELECT count(*) FROM memory_notes WHERE chat_id = " + chat)).isEqualTo(1);
        unscript();

        script("M-forget", "Forgotten.", new Use("toolu_01D", "delete_memory", "{\"id\":" + id + "}"));
        assertThat(ask(chat, "M-forget: forget that")).isEqualTo("Forgotten.");
        JsonNode deleted = toolResult(requestsWith("M-forget").get(1));
        assertThat(deleted.path("content").asText()).isEqualTo("Deleted note [" + id + "].");
        assertThat(db.count("SELECT count(*) FROM memory_notes WHERE chat_id = " + chat)).isZero();
        JsonNode again = tool(chat, "delete_memory", "{\"id\":" + id + "}");
        assertThat(again.path("is_error").asBoolean()).isTrue();
        assertThat(again.path("content").asText()).startsWith("There is no note [" + id + "]");
        saved(chat, twenty);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM audit_trail WHERE action = 'memory_deleted'"
                + " AND metadata->>'chatId' = '" + chat + "' AND metadata->>'by' = 'claude'") == 1);
    }

    @Test
    void memoryListsTheNotesNumberedAndForgetDeletesByThatNumber() throws Exception {
        long chat = nextChat++;
        assertThat(ask(chat, "/memory")).startsWith("I have no notes about you yet.");
        saved(chat, "Name: Ada");
        saved(chat, "Has a cat");
        saved(chat, "Vegetarian");

        String listed = ask(chat, "/memory");
        assertThat(listed).contains("1. Name: Ada").contains("2. Has a cat").contains("3. Vegetarian");
        assertThat(listed.indexOf("1. Name")).isLessThan(listed.indexOf("2. Has")).isLessThan(listed.indexOf("3. Veg"));

        assertThat(ask(chat, "/forget 2")).isEqualTo("Forgotten: Has a cat");
        assertThat(ask(chat, "/memory")).contains("1. Name: Ada").contains("2. Vegetarian").doesNotContain("cat");
        assertThat(ask(chat, "/forget 5")).startsWith("There is no note 5");
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM audit_trail WHERE action = 'memory_deleted'"
                + " AND metadata->>'chatId' = '" + chat + "'") == 1);
        assertThat(db.count("SELECT count(*) FROM audit_trail WHERE action = 'memory_deleted' AND metadata::text LIKE '%cat%'"))
                .as("never the note's text").isZero();
        assertThat(claudeWasAsked("/memory")).isFalse();
    }

    @Test
    void forgetAllWithNoKeepsTheNotesAndTheAnswerNeverReachesClaude() throws Exception {
        long chat = nextChat++;
        saved(chat, "one");
        saved(chat, "two");
        assertThat(ask(chat, "/forget all")).isEqualTo("Delete all 2 notes? Reply yes or no.");
        assertThat(ask(chat, "no")).isEqualTo("Kept your notes.");
        assertThat(db.count("SELECT count(*) FROM memory_notes WHERE chat_id = " + chat)).isEqualTo(2);
        assertThat(claudeWasAsked("no")).isFalse();

        // the question is answered: a later "yes" is an ordinary message, for Claude
        assertThat(ask(chat, "yes")).isEqualTo("echo: yes");
        assertThat(db.count("SELECT count(*) FROM memory_notes WHERE chat_id = " + chat)).isEqualTo(2);
    }

    @Test
    void forgetAllWithYesDeletesEveryNoteOfTheChatOnly() throws Exception {
        long chat = nextChat++;
        long other = nextChat++;
        saved(chat, "one");
        saved(chat, "two");
        saved(other, "the other chat's");
        assertThat(ask(chat, "/forget all")).isEqualTo("Delete all 2 notes? Reply yes or no.");
        assertThat(ask(chat, "Yes")).isEqualTo("Deleted all 2 notes.");
        assertThat(claudeWasAsked("Yes")).isFalse();
        assertThat(db.count("SELECT count(*) FROM memory_notes WHERE chat_id = " + chat)).isZero();
        assertThat(db.count("SELECT count(*) FROM memory_notes WHERE chat_id = " + other)).as("the control").isEqualTo(1);
        assertThat(ask(chat, "/memory")).startsWith("I have no notes about you yet.");
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM audit_trail WHERE action = 'memory_deleted'"
                + " AND metadata->>'chatId' = '" + chat + "' AND metadata->>'scope' = 'all' AND metadata->>'count' = '2'") == 1);
    }

    @Test
    void forgetAllThenAnythingElseCancelsAndIsAnsweredAsUsual() throws Exception {
        long chat = nextChat++;
        saved(chat, "kept");
        assertThat(ask(chat, "/forget all")).isEqualTo("Delete all 1 note? Reply yes or no.");
        assertThat(ask(chat, "What time is it?")).isEqualTo("echo: What time is it?");
        assertThat(ask(chat, "yes")).isEqualTo("echo: yes");
        assertThat(db.count("SELECT count(*) FROM memory_notes WHERE chat_id = " + chat)).isEqualTo(1);
    }

    @Test
    void helpMentionsMemoryAndForget() {
        assertThat(ask(nextChat++, "/help")).contains("/memory").contains("/forget");
        assertThat(List.of(new Commands().help().split("\n"))).filteredOn(l -> l.startsWith("/memory")).hasSize(1);
    }
}
