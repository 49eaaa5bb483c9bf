package dev.camelassistant.conversation;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camelassistant.llm.ClaudeFailure;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.LogCapture;
import dev.camelassistant.support.TestDatabases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Conversation memory and prompt caching through the real routes: camel-telegram and camel-http
 * against WireMock fakes, PostgreSQL for the store. The token budget is small here
 * (CONVERSATION_MAX_INPUT_TOKENS 1300) so that it can be reached with a few messages.
 */
class ConversationRouteTest extends BotRouteTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SYSTEM = "You are the test assistant.";
    private FakeClaude claude;
    private long nextChat = 70_000;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        p.put("claude.system-prompt", SYSTEM);
        p.put("conversation.max-input-tokens", "1300");
        List<String> chats = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            chats.add(String.valueOf(70_000 + i));
        }
        p.put("telegram.allowed-chat-ids", String.join(",", chats));
        p.put("telegram.chat-interval-ms", "0");
        p.put("telegram.max-messages-per-second", "0");
    }

    @BeforeEach
    void echo() {
        claude.reset();
        claude.cachingEchoes(0);
    }


    /** Sends the text and waits for the chat's next reply; returns it. */
    String ask(long chat, String text) {
        int before = telegram.sentTo(chat).size();
        telegram.sendText(chat, text);
        await().atMost(Duration.ofSeconds(15)).until(() -> telegram.sentTo(chat).size() > before);
        return telegram.sentTo(chat).get(before).text();
    }

    /** The request Claude received whose last message is this text. */
    JsonNode requestFor(String text) throws Exception {
        for (var r : claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages")))) {
            JsonNode body = JSON.readTree(r.getBodyAsString());
            if (FakeClaude.lastUserText(body).equals(text)) {
                return body;
            }
        }
        throw new AssertionError("Claude received no request for " + text);
    }

    static List<String> roles(JsonNode request) {
        List<String> out = new ArrayList<>();
        request.path("messages").forEach(m -> out.add(m.path("role").asText()));
        return out;
    }

    static List<String> texts(JsonNode request) {
        List<String> out = new ArrayList<>();
        request.path("messages").forEach(m -> out.add(FakeClaude.textOf(m.path("content"))));
        return out;
    }

    @Test
    void theThirdRequestCarriesTheFirstTwoExchangesInOrderWithCacheMarks() throws Exception {
        long chat = nextChat++;
        try (LogCapture logs = LogCapture.json()) {
            assertThat(ask(chat, "My cat is called Pumpernickel.")).isEqualTo("echo: My cat is called Pumpernickel.");
            ask(chat, "She likes sardines.");
            ask(chat, "What is my cat called?");

            JsonNode third = requestFor("What is my cat called?");
            assertThat(roles(third)).containsExactly("user", "assistant", "user", "assistant", "user");
            assertThat(texts(third)).containsExactly("My cat is called Pumpernickel.", "echo: My cat is called Pumpernickel.",
                    "She likes sardines.", "echo: She likes sardines.", "What is my cat called?");
            // the stable prefix: the system prompt as text blocks, the last earlier turn's last block; the
            // current time comes after the marked prompt (it changes, so it is not part of a cached block)
            JsonNode system = third.path("system");
            assertThat(system.isArray()).isTrue();
            assertThat(system.get(0).path("text").asText()).isEqualTo(SYSTEM);
            assertThat(system.get(0).path("cache_control").path("type").asText()).isEqualTo("ephemeral");
            assertThat(system.get(system.size() - 1).path("text").asText()).startsWith("The current date and time: ");
            assertThat(system.get(system.size() - 1).has("cache_control")).isFalse();
            JsonNode lastEarlier = third.path("messages").get(3).path("content");
            assertThat(lastEarlier.get(lastEarlier.size() - 1).path("cache_control").path("type").asText()).isEqualTo("ephemeral");
            assertThat(third.toString().split("cache_control", -1)).as("at most 4 breakpoints").hasSizeLessThanOrEqualTo(5);
            assertThat(third.path("messages").get(4).path("content").isTextual()).as("the new message is not marked").isTrue();
            assertThat(third.path("messages").get(0).path("content").isTextual()).isTrue();

            JsonNode first = requestFor("My cat is called Pumpernickel.");
            assertThat(roles(first)).containsExactly("user");

            // cache usage in the log line and the audit trail
            await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM audit_trail WHERE action = 'llm_request'"
                    + " AND metadata->>'chatId' = '" + chat + "' AND metadata ? 'cacheReadInputTokens'"
                    + " AND metadata ? 'cacheCreationInputTokens'") == 3);
            assertThat(logs.lines()).anyMatch(l -> l.contains("llm_response") && l.contains("\"cacheReadInputTokens\"")
                                                   && l.contains("\"cacheCreationInputTokens\""));
        }
    }

    @Test
    void newStartsAFreshConversationAndKeepsTheOldOne() throws Exception {
        long chat = nextChat++;
        ask(chat, "Remember the word Marzipan.");
        assertThat(ask(chat, "/new")).isEqualTo(new dev.camelassistant.telegram.Commands().newConversation());
        ask(chat, "Which word did I ask you to remember?");

        JsonNode after = requestFor("Which word did I ask you to remember?");
        assertThat(roles(after)).containsExactly("user");
        assertThat(after.toString()).doesNotContain("Marzipan");
        assertThat(db.count("SELECT count(*) FROM conversations WHERE chat_id = " + chat)).isEqualTo(2);
        assertThat(db.count("SELECT count(*) FROM conversation_turns t JOIN conversations c ON c.id = t.conversation_id"
                         + " WHERE c.chat_id = " + chat + " AND c.ended_at IS NOT NULL")).as("the old turns").isEqualTo(2);
    }

    @Test
    void startMentionsNew() {
        long chat = nextChat++;
        assertThat(ask(chat, "/start")).contains("/new");
    }

    @Test
    void theOldestExchangesAreDroppedFirstWhenTheBudgetIsReached() throws Exception {
        long chat = nextChat++;
        // each message 700 characters (200 tokens), each echo about as long: about 400 tokens an exchange;
        // budget 1300 - 8 (system) - 200 (new message) leaves room for two exchanges, not three
        List<String> messages = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            String m = ("message " + i + " ").repeat(100).substring(0, 700);
            messages.add(m);
            ask(chat, m);
        }
        JsonNode fourth = requestFor(messages.get(3));
        assertThat(roles(fourth)).containsExactly("user", "assistant", "user", "assistant", "user");
        assertThat(texts(fourth)).containsExactly(messages.get(1), "echo: " + messages.get(1), messages.get(2),
                "echo: " + messages.get(2), messages.get(3));
        JsonNode second = requestFor(messages.get(1));
        assertThat(texts(second)).as("while it fits, everything goes").hasSize(3);
    }

    @Test
    void theChatsNotesTakeTheirShareOfTheBudget() throws Exception {
        long chat = nextChat++;
        // a note of about 400 tokens: with it, one earlier exchange fits where two fit without it
        context.getRegistry().lookupByNameAndType("memoryNotes", dev.camelassistant.memory.MemoryNotes.class)
                .save(chat, "The user collects stamps. ".repeat(54));
        List<String> messages = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String m = ("note test " + i + " ").repeat(100).substring(0, 700);
            messages.add(m);
            ask(chat, m);
        }
        JsonNode third = requestFor(messages.get(2));
        assertThat(third.path("system").toString()).contains("The user collects stamps.");
        assertThat(texts(third)).containsExactly(messages.get(1), "echo: " + messages.get(1), messages.get(2));
    }

    @Test
    void aFailedCallIsNotRememberedAndTheNextRequestIsValid() throws Exception {
        long chat = nextChat++;
        ask(chat, "First, about tulips.");
        claude.fails(529, "overloaded_error", null);
        assertThat(ask(chat, "Second, about roses.")).startsWith(ClaudeFailure.UNAVAILABLE);
        claude.cachingEchoes(0);
        ask(chat, "Third, about daisies.");

        JsonNode third = requestFor("Third, about daisies.");
        assertThat(texts(third)).containsExactly("First, about tulips.", "echo: First, about tulips.", "Third, about daisies.");
        assertThat(roles(third)).containsExactly("user", "assistant", "user");
        // the failed call stored nothing; Claude being back then answers the owed question (the promise of
        // the unavailable text), which is stored as its own exchange: 2 + 2 + 2 turns
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("SELECT count(*) FROM conversation_turns t"
                + " JOIN conversations c ON c.id = t.conversation_id WHERE c.chat_id = " + chat) == 6);
        assertThat(telegram.sentTo(chat)).extracting(s -> s.text()).contains("echo: Second, about roses.");
    }

    @Test
    void conversationsSwappedBetweenChatsAreRefusedAndTheBotAnswersWithoutThem() throws Exception {
        long a = nextChat++;
        long b = nextChat++;
        ask(a, "Chat A secret: Quokka.");
        ask(b, "Chat B secret: Narwhal.");
        execute("UPDATE conversations SET chat_id = -1 WHERE chat_id = " + a);
        execute("UPDATE conversations SET chat_id = " + a + " WHERE chat_id = " + b);
        execute("UPDATE conversations SET chat_id = " + b + " WHERE chat_id = -1");

        try (LogCapture logs = LogCapture.json()) {
            assertThat(ask(a, "What was my secret?")).isEqualTo("echo: What was my secret?");
            JsonNode request = requestFor("What was my secret?");
            assertThat(roles(request)).containsExactly("user");
            assertThat(request.toString()).doesNotContain("Narwhal").doesNotContain("Quokka");
            assertThat(logs.lines()).anyMatch(l -> l.contains("\"level\":\"WARN\"") && l.contains("cannot be decrypted")
                                                   && l.contains(String.valueOf(a)));
        }
        // the unreadable conversation was set aside: the chat goes on with a new one
        ask(a, "And now?");
        assertThat(texts(requestFor("And now?"))).containsExactly("What was my secret?", "echo: What was my secret?", "And now?");
    }

    @Test
    void aDatabaseDumpHoldsNoneOfTheWordsOfAConversation() throws Exception {
        long chat = nextChat++;
        List<String> words = List.of("Xylophonist", "Brachiosaurus", "Quetzalcoatl", "Pomegranate");
        ask(chat, "Tell the " + words.get(0) + " about the " + words.get(1));
        ask(chat, "And the " + words.get(2) + " ate a " + words.get(3));
        await().atMost(Duration.ofSeconds(5)).until(() -> db.count("SELECT count(*) FROM telegram_inbox WHERE chat_id = " + chat
                + " AND state = 'answered'") == 2);

        StringBuilder dump = new StringBuilder();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT c.chat_id, t.role, t.ciphertext, t.iv, t.tag, t.key_version"
                     + " FROM conversation_turns t JOIN conversations c ON c.id = t.conversation_id")) {
            while (rs.next()) {
                for (int i = 1; i <= 6; i++) {
                    dump.append(rs.getString(i)).append('\n');
                }
            }
        }
        assertThat(dump).as("the SELECT saw the rows").isNotEmpty();
        String pgDump = pgDump();
        if (pgDump != null) {
            assertThat(pgDump).contains("conversation_turns");
            dump.append(pgDump);
        }
        for (String word : words) {
            assertThat(dump.toString().toLowerCase()).doesNotContain(word.toLowerCase());
        }
    }

    /** pg_dump of the whole test database, when /usr/bin/pg_dump exists and the database is external. */
    private String pgDump() throws Exception {
        String url = db.url();
        if (url == null || !Files.isExecutable(Path.of("/usr/bin/pg_dump"))) {
            return null;
        }
        // jdbc:postgresql://host:port/name → postgresql://user@host:port/name
        String uri = url.replace("jdbc:postgresql://", "postgresql://" + TestDatabases.user() + "@");
        Process p = new ProcessBuilder("/usr/bin/pg_dump", "--data-only", "--dbname=" + uri).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        int exit = p.waitFor();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as("pg_dump: " + text).isZero();
        return text;
    }

    void execute(String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

}
