package dev.camelassistant.conversation;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import dev.camelassistant.audit.AuditRecorder;
import dev.camelassistant.crypto.CredentialAuthenticationException;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.KeyRing;
import dev.camelassistant.llm.ClaudeClient;
import dev.camelassistant.llm.Turn;
import dev.camelassistant.support.LogCapture;
import dev.camelassistant.support.RetentionRoutes;
import dev.camelassistant.support.TestDatabaseExtension;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The encrypted conversation store, its retention, and the route bean when the database is away. */
class ConversationStoreTest {

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();

    static final CredentialCipher CIPHER = new CredentialCipher(KeyRing.of(KeyRing.generateHex()));

    private final ConversationStore store = new ConversationStore(DB.dataSource(), CIPHER);

    @Test
    void turnsComeBackInOrderAndANewConversationStartsEmpty() throws Exception {
        long chat = 101;
        assertThat(store.current(chat).id()).isNull();
        store.append(chat, false, "q1", "a1", null);
        store.append(chat, false, "q2", "a2", 1.5);
        ConversationStore.Current current = store.current(chat);
        assertThat(current.turns()).containsExactly(Turn.user("q1"), Turn.assistant("a1"), Turn.user("q2"),
                Turn.assistant("a2"));
        assertThat(current.tokenRatio()).isEqualTo(1.5);
        store.append(chat, false, "q3", "a3", null);
        assertThat(store.current(chat).tokenRatio()).as("kept when not measured").isEqualTo(1.5);

        assertThat(store.startNew(chat)).isTrue();
        assertThat(store.current(chat).turns()).isEmpty();
        assertThat(store.startNew(chat)).as("nothing current to end").isFalse();
        store.append(chat, false, "fresh", "start", null);
        assertThat(store.current(chat).turns()).extracting(Turn::text).containsExactly("fresh", "start");
        assertThat(DB.count("SELECT count(*) FROM conversations WHERE chat_id = " + chat)).isEqualTo(2);
        assertThat(DB.count("SELECT count(*) FROM conversation_turns t JOIN conversations c ON c.id = t.conversation_id"
                         + " WHERE c.chat_id = " + chat)).as("the old conversation is kept").isEqualTo(8);
    }

    @Test
    void aLongConversationIsReadNewestFirstOnlyAsFarAsTheLimit() throws Exception {
        long chat = 77_001;
        for (int i = 0; i < 20; i++) {
            store.append(chat, false, "question " + i, "answer " + i, null);
        }
        assertThat(store.current(chat).turns()).hasSize(40);
        // each turn's ciphertext is about a dozen characters: a limit of 100 reads the newest few only
        ConversationStore.Current limited = store.current(chat, 100);
        assertThat(limited.turns()).hasSizeBetween(2, 12);
        assertThat(limited.turns().get(0).text()).isNotEqualTo("question 0");
        assertThat(limited.turns().get(limited.turns().size() - 1).text()).isEqualTo("answer 19");
    }

    @Test
    void startFreshSetsTheCurrentConversationAside() throws Exception {
        long chat = 102;
        store.append(chat, false, "old q", "old a", null);
        store.append(chat, true, "new q", "new a", null);
        assertThat(store.current(chat).turns()).extracting(Turn::text).containsExactly("new q", "new a");
        assertThat(DB.count("SELECT count(*) FROM conversations WHERE chat_id = " + chat + " AND ended_at IS NOT NULL"))
                .isEqualTo(1);
    }

    @Test
    void conversationsMovedToAnotherChatAreRefused() throws Exception {
        long a = 201;
        long b = 202;
        store.append(a, false, "alpha question", "alpha answer", null);
        store.append(b, false, "bravo question", "bravo answer", null);
        execute("UPDATE conversations SET chat_id = -1 WHERE chat_id = " + a + " AND ended_at IS NULL");
        execute("UPDATE conversations SET chat_id = " + a + " WHERE chat_id = " + b + " AND ended_at IS NULL");
        execute("UPDATE conversations SET chat_id = " + b + " WHERE chat_id = -1");

        assertThatThrownBy(() -> store.current(a)).isInstanceOf(CredentialAuthenticationException.class)
                .hasMessageNotContaining("bravo");
        assertThatThrownBy(() -> store.current(b)).isInstanceOf(CredentialAuthenticationException.class);
    }

    @Test
    void ciphertextsSwappedBetweenChatsOrTurnsAreRefused() throws Exception {
        long a = 301;
        long b = 302;
        store.append(a, false, "charlie question", "charlie answer", null);
        store.append(b, false, "delta question", "delta answer", null);
        // the user turns of the two chats trade their encrypted text
        swapPayloads("(SELECT id FROM conversations WHERE chat_id = " + a + ")", 1,
                "(SELECT id FROM conversations WHERE chat_id = " + b + ")", 1);
        assertThatThrownBy(() -> store.current(a)).isInstanceOf(CredentialAuthenticationException.class);
        assertThatThrownBy(() -> store.current(b)).isInstanceOf(CredentialAuthenticationException.class);

        long c = 303;
        store.append(c, false, "echo question", "echo answer", null);
        store.append(c, false, "foxtrot question", "foxtrot answer", null);
        String conv = "(SELECT id FROM conversations WHERE chat_id = " + c + ")";
        swapPayloads(conv, 1, conv, 3); // two user turns of one conversation change places
        assertThatThrownBy(() -> store.current(c)).isInstanceOf(CredentialAuthenticationException.class);
        execute("UPDATE conversation_turns SET role = 'user' WHERE seq = 2 AND conversation_id = " + conv);
        swapPayloads(conv, 1, conv, 3);
        assertThatThrownBy(() -> store.current(c)).as("a relabelled role").isInstanceOf(CredentialAuthenticationException.class);
    }

    @Test
    void theRouteBeanAnswersWithoutHistoryWhenATurnDoesNotDecryptAndStartsAfresh() throws Exception {
        long chat = 401;
        store.append(chat, false, "golf question", "golf answer", null);
        execute("UPDATE conversation_turns SET tag = (SELECT tag FROM conversation_turns t2 WHERE t2.seq = 2"
                + " AND t2.conversation_id = conversation_turns.conversation_id) WHERE seq = 1 AND conversation_id ="
                + " (SELECT id FROM conversations WHERE chat_id = " + chat + ")");
        Conversations conversations = new Conversations(store, 20_000, "system");
        try (LogCapture logs = LogCapture.json()) {
            Exchange exchange = exchange(chat, "hotel question");
            conversations.load(exchange);
            assertThat(exchange.getVariable(ClaudeClient.HISTORY, List.class)).isEmpty();
            assertThat(exchange.getMessage().getBody(String.class)).isEqualTo("hotel question");
            assertThat(logs.lines()).anyMatch(l -> l.contains("\"level\":\"WARN\"") && l.contains("cannot be decrypted")
                                                   && !l.contains("golf"));
            exchange.getMessage().setBody("hotel answer");
            conversations.remember(exchange);
        }
        assertThat(store.current(chat).turns()).extracting(Turn::text).containsExactly("hotel question", "hotel answer");
    }

    @Test
    void withTheDatabaseAwayTheQuestionGoesWithoutHistoryAndNothingThrows() {
        PGSimpleDataSource away = new PGSimpleDataSource();
        away.setURL("jdbc:postgresql://127.0.0.1:1/nothing?connectTimeout=1");
        Conversations conversations = new Conversations(new ConversationStore(away, CIPHER), 20_000, "system");
        try (LogCapture logs = LogCapture.json()) {
            Exchange exchange = exchange(501, "india question");
            conversations.load(exchange);
            assertThat(exchange.getVariable(ClaudeClient.HISTORY, List.class)).isEmpty();
            exchange.getMessage().setBody("india answer");
            conversations.remember(exchange);
            conversations.startNew(exchange(501, "/new"));
            assertThat(logs.lines()).anyMatch(l -> l.contains("\"level\":\"WARN\"") && l.contains("database unreachable"));
        }
    }

    @Test
    void loadSendsTheWindowAndRememberLearnsTheTokenRatio() throws Exception {
        long chat = 601;
        store.append(chat, false, "x".repeat(700), "y".repeat(700), null); // 200 + 200 estimated tokens
        Conversations conversations = new Conversations(store, 20_000, "s".repeat(70)); // 20
        Exchange exchange = exchange(chat, "z".repeat(350)); // 100
        conversations.load(exchange);
        assertThat(exchange.getVariable(ClaudeClient.HISTORY, List.class)).hasSize(2);
        assertThat(exchange.getVariable(Conversations.ESTIMATE, Integer.class)).isEqualTo(520);
        exchange.setVariable(ClaudeClient.INPUT_TOKENS, 1040);
        exchange.getMessage().setBody("answer");
        conversations.remember(exchange);
        assertThat(store.current(chat).tokenRatio()).isEqualTo(2.0);

        // with the ratio 2 the same history no longer fits a budget of 700 (20 + 100 + 400, doubled)
        Conversations tight = new Conversations(store, 700, "s".repeat(70));
        Exchange next = exchange(chat, "z".repeat(350));
        tight.load(next);
        assertThat(next.getVariable(ClaudeClient.HISTORY, List.class)).as("ratio 2: only the short last exchange fits")
                .extracting(t -> ((Turn) t).text()).containsExactly("z".repeat(350), "answer");
    }

    @Test
    void retentionDeletesConversationsInactiveForTooLongAndKeepsTheOthers() throws Exception {
        store.append(701, false, "old", "old", null);
        store.append(702, false, "recent", "recent", null);
        store.append(703, false, "ended but recent", "x", null);
        store.startNew(703);
        execute("UPDATE conversations SET last_activity_at = '2026-01-01T00:00:00Z' WHERE chat_id = 701");
        execute("UPDATE conversations SET last_activity_at = '2026-01-29T00:00:00Z' WHERE chat_id IN (702, 703)");
        long before = DB.count("SELECT count(*) FROM conversations");
        ConversationRetention retention = new ConversationRetention(AuditRecorder.NONE, 30, 1,
                Clock.fixed(Instant.parse("2026-02-15T00:00:00Z"), ZoneOffset.UTC));
        long deleted;
        try (RetentionRoutes routes = new RetentionRoutes(DB.dataSource(), "conversation-cleanup",
                java.util.Map.of("conversationRetention", retention))) {
            deleted = routes.purge("conversation-purge");
        }
        assertThat(deleted).isGreaterThanOrEqualTo(1);
        assertThat(DB.count("SELECT count(*) FROM conversations WHERE chat_id = 701")).isZero();
        assertThat(DB.count("SELECT count(*) FROM conversation_turns WHERE conversation_id NOT IN (SELECT id FROM conversations)"))
                .as("turns go with their conversation").isZero();
        assertThat(DB.count("SELECT count(*) FROM conversations WHERE chat_id IN (702, 703)")).as("positive control").isEqualTo(2);
        assertThat(DB.count("SELECT count(*) FROM conversations")).isEqualTo(before - deleted);
    }

    private static Exchange exchange(long chat, String body) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader("chatId", String.valueOf(chat));
        exchange.getMessage().setBody(body);
        return exchange;
    }

    private static void swapPayloads(String convA, int seqA, String convB, int seqB) throws Exception {
        try (Connection c = DB.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("CREATE TEMP TABLE swap_a ON COMMIT DROP AS SELECT ciphertext, iv, tag FROM conversation_turns"
                      + " WHERE conversation_id = " + convA + " AND seq = " + seqA);
            s.execute("UPDATE conversation_turns t SET ciphertext = o.ciphertext, iv = o.iv, tag = o.tag"
                      + " FROM conversation_turns o WHERE t.conversation_id = " + convA + " AND t.seq = " + seqA
                      + " AND o.conversation_id = " + convB + " AND o.seq = " + seqB);
            s.execute("UPDATE conversation_turns t SET ciphertext = a.ciphertext, iv = a.iv, tag = a.tag"
                      + " FROM swap_a a WHERE t.conversation_id = " + convB + " AND t.seq = " + seqB);
            c.commit();
        }
    }

    static void execute(String sql) throws Exception {
        try (Connection c = DB.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

}
