package dev.camelassistant.memory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelassistant.common.Headers;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.telegram.Commands;
import dev.camelassistant.tools.ToolException;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Long-term memory through the real routes: the tool routes of memory.camel.yaml, /memory and
 * /forget from Telegram, the notes in the conversation route's variable memoryNotes (what
 * ClaudeClient puts into the system prompt), and /new keeping the notes.
 */
class MemoryRouteTest extends BotRouteTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    private FakeClaude claude;
    private long nextChat = 80_000;
    private boolean advised;

    @Override
    protected Registry createCamelRegistry() throws Exception {
        Registry registry = super.createCamelRegistry();
        registry.bind("tool", new StandInToolComponent());
        return registry;
    }

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        p.put("memory.max-tokens", "30");
        p.put("telegram.allowed-chat-ids", String.join(",", java.util.stream.IntStream.range(0, 30)
                .mapToObj(i -> String.valueOf(80_000 + i)).toList()));
        p.put("telegram.chat-interval-ms", "0");
        p.put("telegram.max-messages-per-second", "0");
    }

    @BeforeEach
    void echoAndWatchTheNotes() throws Exception {
        claude.reset();
        claude.cachingEchoes(0);
        if (!advised) {
            AdviceWith.adviceWith(context, "conversation", a -> a.weaveById("memory-notes-load").after()
                    .to("mock:memory-notes-loaded"));
            advised = true;
        }
        MockEndpoint.resetMocks(context);
    }

    /** Sends the text and waits for the chat's next reply; returns what the chat sees. */
    String ask(long chat, String text) {
        int before = telegram.sentTo(chat).size();
        telegram.sendText(chat, text);
        await().atMost(Duration.ofSeconds(15)).until(() -> telegram.sentTo(chat).size() > before);
        return telegram.sentTo(chat).get(before).visible();
    }

    /** Calls a tool route as the tool component does: the input as the body, each argument and the conversation's headers as headers. */
    Object tool(String name, long chat, Map<String, Object> input) {
        Map<String, Object> headers = new HashMap<>(input);
        headers.put(Headers.CHAT_ID, String.valueOf(chat));
        headers.put(Headers.USER_ID, String.valueOf(chat));
        headers.put("correlationId", "memory-test-" + chat);
        return template.requestBodyAndHeaders("tool:" + name, input, headers);
    }

    /** The memoryNotes variable of the conversation exchange whose body (the question) is this text. */
    String notesSentWith(String question) {
        MockEndpoint mock = getMockEndpoint("mock:memory-notes-loaded");
        for (Exchange e : mock.getReceivedExchanges()) {
            if (question.equals(e.getMessage().getBody(String.class))) {
                return e.getVariable(MemoryNotes.VARIABLE, String.class);
            }
        }
        throw new AssertionError("no conversation exchange for " + question);
    }

    boolean claudeWasAsked(String text) throws Exception {
        for (var r : claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages")))) {
            if (FakeClaude.lastUserText(JSON.readTree(r.getBodyAsString())).equals(text)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void savedNotesReachEveryConversationAndSurviveNew() throws Exception {
        long chat = nextChat++;
        ask(chat, "Hello before any note");
        assertThat(notesSentWith("Hello before any note")).as("no notes: no block").isNull();

        Object saved = tool("save_memory", chat, Map.of("text", "Lives in Berlin"));
        long id = Long.parseLong(String.valueOf(saved).replaceAll("\\D", ""));
        assertThat(saved).isEqualTo("Saved as note [" + id + "].");

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
    void saveBeyondTheBoundIsRefusedInClaudesWordsAndDeleteMemoryMakesRoom() {
        long chat = nextChat++;
        // the bound is 30 tokens here: 70 characters are 20
        String twenty = "a".repeat(70);
        Object saved = tool("save_memory", chat, Map.of("text", twenty));
        long id = Long.parseLong(String.valueOf(saved).replaceAll("\\D", ""));
        assertThatThrownBy(() -> tool("save_memory", chat, Map.of("text", twenty)))
                .isInstanceOf(CamelExecutionException.class).cause().isInstanceOf(ToolException.class)
                .hasMessage("The notes are full (20 of 30 tokens used): delete or merge notes with delete_memory before saving more.");
        assertThat(db.count("SELECT count(*) FROM memory_notes WHERE chat_id = " + chat)).isEqualTo(1);

        assertThat(tool("delete_memory", chat, Map.of("id", (int) id))).isEqualTo("Deleted note [" + id + "].");
        assertThatThrownBy(() -> tool("delete_memory", chat, Map.of("id", (int) id)))
                .cause().isInstanceOf(ToolException.class).hasMessageStartingWith("There is no note [" + id + "]");
        assertThat(tool("save_memory", chat, Map.of("text", twenty))).asString().startsWith("Saved as note");
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM audit_trail WHERE action = 'memory_deleted'"
                + " AND metadata->>'chatId' = '" + chat + "' AND metadata->>'by' = 'claude'") == 1);
    }

    @Test
    void memoryListsTheNotesNumberedAndForgetDeletesByThatNumber() throws Exception {
        long chat = nextChat++;
        assertThat(ask(chat, "/memory")).startsWith("I have no notes about you yet.");
        tool("save_memory", chat, Map.of("text", "Name: Ada"));
        tool("save_memory", chat, Map.of("text", "Has a cat"));
        tool("save_memory", chat, Map.of("text", "Vegetarian"));

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
        tool("save_memory", chat, Map.of("text", "one"));
        tool("save_memory", chat, Map.of("text", "two"));
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
        tool("save_memory", chat, Map.of("text", "one"));
        tool("save_memory", chat, Map.of("text", "two"));
        tool("save_memory", other, Map.of("text", "the other chat's"));
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
        tool("save_memory", chat, Map.of("text", "kept"));
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
