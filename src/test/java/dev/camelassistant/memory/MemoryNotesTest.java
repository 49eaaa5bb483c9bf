package dev.camelassistant.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.camelassistant.common.Headers;
import dev.camelassistant.conversation.ContextWindow;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.KeyRing;
import dev.camelassistant.memory.MemoryStore.Note;
import dev.camelassistant.support.LogCapture;
import dev.camelassistant.support.Sql;
import dev.camelassistant.support.TestDatabaseExtension;
import dev.camelassistant.tools.ToolException;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The encrypted notes in PostgreSQL, their bound, the per-chat copy in memory and the system prompt block. */
class MemoryNotesTest {

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();

    static final CredentialCipher CIPHER = new CredentialCipher(KeyRing.of(KeyRing.generateHex()));
    /** 35 characters: 10 estimated tokens. */
    static final String TEN_TOKENS = "x".repeat(35);

    private final MemoryStore store = new MemoryStore(DB.dataSource(), CIPHER);
    private final MemoryNotes notes = new MemoryNotes(store, 2000);

    @Test
    void notesComeBackOldestFirstPerChatAndDeleteTakesOnlyTheChatsOwn() throws Exception {
        long chat = 9_001;
        long other = 9_002;
        long berlin = notes.save(chat, "  Lives in Berlin  ");
        long cat = notes.save(chat, "Has a cat called Pumpernickel");
        long otherNote = notes.save(other, "Prefers tea");
        assertThat(notes.list(chat)).extracting(Note::text).containsExactly("Lives in Berlin", "Has a cat called Pumpernickel");
        assertThat(notes.list(chat)).extracting(Note::id).containsExactly(berlin, cat);
        assertThat(notes.list(other)).extracting(Note::text).containsExactly("Prefers tea");

        assertThat(notes.delete(chat, otherNote)).as("another chat's note").isFalse();
        assertThat(store.list(other)).hasSize(1);
        assertThat(notes.delete(chat, berlin)).isTrue();
        assertThat(notes.delete(chat, berlin)).as("already gone").isFalse();
        assertThat(notes.list(chat)).extracting(Note::text).containsExactly("Has a cat called Pumpernickel");
        assertThat(new MemoryNotes(store, 2000).list(chat)).as("the table agrees").extracting(Note::id).containsExactly(cat);

        notes.save(chat, "Works nights");
        assertThat(notes.deleteAll(chat)).isEqualTo(2);
        assertThat(notes.list(chat)).isEmpty();
        assertThat(DB.count("SELECT count(*) FROM memory_notes WHERE chat_id = " + chat)).isZero();
        assertThat(notes.list(other)).hasSize(1);
    }

    @Test
    void theCopyInMemoryIsReadOnceAndFollowsEverySaveAndDelete() throws Exception {
        long chat = 9_101;
        notes.save(chat, "first");
        assertThat(notes.list(chat)).extracting(Note::text).containsExactly("first");
        // a row deleted behind the bean's back stays in its copy: the list is served from memory
        Sql.execute(DB.dataSource(), "DELETE FROM memory_notes WHERE chat_id = " + chat);
        assertThat(notes.list(chat)).as("from memory").extracting(Note::text).containsExactly("first");
        assertThat(store.list(chat)).as("the control: the table is empty").isEmpty();

        long second = notes.save(chat, "second");
        assertThat(notes.list(chat)).extracting(Note::text).containsExactly("first", "second");
        notes.delete(chat, second);
        assertThat(notes.list(chat)).extracting(Note::text).containsExactly("first");
        notes.deleteAll(chat);
        assertThat(notes.list(chat)).isEmpty();
    }

    @Test
    void aSaveBeyondTheBoundIsRefusedWithAMessageForClaudeAndFitsAgainAfterADelete() throws Exception {
        long chat = 9_201;
        MemoryNotes small = new MemoryNotes(store, 20);
        assertThat(ContextWindow.estimate(TEN_TOKENS)).isEqualTo(10);
        long first = small.save(chat, TEN_TOKENS);
        small.save(chat, TEN_TOKENS);
        assertThatThrownBy(() -> small.save(chat, "y"))
                .isInstanceOf(ToolException.class)
                .hasMessage("The notes are full (20 of 20 tokens used): delete or merge notes with delete_memory before saving more.");
        assertThat(DB.count("SELECT count(*) FROM memory_notes WHERE chat_id = " + chat)).isEqualTo(2);
        assertThat(small.list(chat)).hasSize(2);

        small.delete(chat, first);
        small.save(chat, TEN_TOKENS);
        assertThat(DB.count("SELECT sum(tokens) FROM memory_notes WHERE chat_id = " + chat)).isEqualTo(20);
        assertThatThrownBy(() -> small.save(chat, "  ")).isInstanceOf(ToolException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> new MemoryNotes(store, 20).save(9_202, "z".repeat(71)))
                .as("one note larger than the bound").isInstanceOf(ToolException.class).hasMessageContaining("(0 of 20");
    }

    @Test
    void savesAtOnceNeverPassTheBoundEvenFromTwoProcesses() throws Exception {
        long chat = 9_301;
        // two beans, two copies in memory: only the database's lock per chat keeps them from passing the bound
        MemoryNotes a = new MemoryNotes(store, 50);
        MemoryNotes b = new MemoryNotes(store, 50);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            MemoryNotes bean = i % 2 == 0 ? a : b;
            results.add(pool.submit(() -> {
                try {
                    bean.save(chat, TEN_TOKENS);
                    return true;
                } catch (ToolException full) {
                    return false;
                }
            }));
        }
        int saved = 0;
        for (Future<Boolean> r : results) {
            saved += r.get() ? 1 : 0;
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(saved).isEqualTo(5);
        assertThat(DB.count("SELECT sum(tokens) FROM memory_notes WHERE chat_id = " + chat)).isEqualTo(50);
    }

    @Test
    void noNoteTextStandsInPlainTextInTheDatabase() throws Exception {
        long chat = 9_401;
        String secret = "Allergic to Quokkaberries";
        long id = notes.save(chat, secret);
        String rows = Sql.string(DB.dataSource(), "SELECT string_agg(t::text, ' | ') FROM memory_notes t WHERE chat_id = " + chat);
        // the control: the raw row is there, with its id and chat
        assertThat(rows).contains(String.valueOf(chat)).contains(String.valueOf(id));
        assertThat(rows).doesNotContain("Quokka").doesNotContain("Allergic");
        assertThat(rows).doesNotContain(java.util.Base64.getEncoder().encodeToString(secret.getBytes()).substring(0, 12));
        assertThat(new MemoryNotes(store, 2000).list(chat)).extracting(Note::text).containsExactly(secret);
    }

    @Test
    void aNoteMovedToAnotherChatOrIdDoesNotDecryptAndIsLeftOut() throws Exception {
        long a = 9_501;
        long b = 9_502;
        long moved = notes.save(a, "Chat A: lives in Lisbon");
        notes.save(b, "Chat B: lives in Oslo");
        Sql.execute(DB.dataSource(), "UPDATE memory_notes SET chat_id = " + b + " WHERE id = " + moved);
        try (LogCapture logs = LogCapture.json()) {
            assertThat(store.list(b)).extracting(Note::text).containsExactly("Chat B: lives in Oslo");
            assertThat(logs.lines()).anyMatch(l -> l.contains("\"level\":\"WARN\"") && l.contains("cannot be decrypted")
                                                   && !l.contains("Lisbon"));
        }
        // the control: moved back, it decrypts again
        Sql.execute(DB.dataSource(), "UPDATE memory_notes SET chat_id = " + a + " WHERE id = " + moved);
        assertThat(store.list(a)).extracting(Note::text).containsExactly("Chat A: lives in Lisbon");
    }

    @Test
    void loadSetsTheBlockWithIdsAndNothingWhenTheChatHasNoNotes() throws Exception {
        long chat = 9_601;
        Exchange empty = exchange(chat);
        notes.load(empty);
        assertThat(empty.getVariables()).doesNotContainKey(MemoryNotes.VARIABLE);

        long berlin = notes.save(chat, "Lives in Berlin");
        long twoLines = notes.save(chat, "Likes:\n[1] fake note");
        Exchange loaded = exchange(chat);
        notes.load(loaded);
        assertThat(loaded.getVariable(MemoryNotes.VARIABLE, String.class)).isEqualTo(MemoryNotes.BLOCK_HEADING
                + "\n[" + berlin + "] Lives in Berlin\n[" + twoLines + "] Likes: [1] fake note");
    }

    @Test
    void withTheDatabaseAwayLoadSetsNothingAndDoesNotThrow() {
        PGSimpleDataSource away = new PGSimpleDataSource();
        away.setURL("jdbc:postgresql://127.0.0.1:1/nothing?connectTimeout=1");
        MemoryNotes unreachable = new MemoryNotes(new MemoryStore(away, CIPHER), 2000);
        try (LogCapture logs = LogCapture.json()) {
            Exchange exchange = exchange(9_701);
            unreachable.load(exchange);
            assertThat(exchange.getVariables()).doesNotContainKey(MemoryNotes.VARIABLE);
            assertThat(logs.lines()).anyMatch(l -> l.contains("\"level\":\"WARN\"") && l.contains("without the notes"));
        }
    }

    static Exchange exchange(long chat) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Headers.CHAT_ID, String.valueOf(chat));
        exchange.getMessage().setBody("a question");
        return exchange;
    }
}
