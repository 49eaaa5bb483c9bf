package dev.camelassistant.crypto;

import static dev.camelassistant.crypto.CredentialCipherTest.KEY_A;
import static dev.camelassistant.crypto.CredentialCipherTest.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.files.FileReference;
import dev.camelassistant.audit.AuditRecorder;
import dev.camelassistant.common.Headers;
import dev.camelassistant.conversation.ConversationStore;
import dev.camelassistant.llm.Turn;
import dev.camelassistant.logging.CorrelationId;
import dev.camelassistant.memory.MemoryStore;
import dev.camelassistant.metrics.BotMetrics;
import dev.camelassistant.reminders.Reminder;
import dev.camelassistant.reminders.ReminderStore;
import dev.camelassistant.reminders.Repeat;
import dev.camelassistant.retries.ClaudeRetryStore;
import dev.camelassistant.support.Sql;
import dev.camelassistant.support.TestDatabaseExtension;
import dev.camelassistant.telegram.TelegramInbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link KeyRotation} against a real PostgreSQL: rows of every encrypted table, written by the classes
 * that own them, moved to the new key in batches, read back by those classes with the new key alone.
 */
class KeyRotationTest {

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();

    static final String A = KeyRing.of(KEY_A).currentVersion();
    static final String B = KeyRing.of(KEY_B).currentVersion();
    static final int BATCH = 3;
    static final int CREDENTIALS = 7;
    static final int INBOX = 5;
    static final int MEMORY = 4;
    static final long CHAT_1 = 71;
    static final dev.camelassistant.llm.Attachment PHOTO = new dev.camelassistant.llm.Attachment((com.fasterxml.jackson.databind.node.ObjectNode)
            dev.camelassistant.support.Sql.json("{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}"), 1);
    static final long CHAT_2 = 72;
    static final FileReference INBOX_FILE = new FileReference("photo", "AgACAgIAAxkBAAIfile", 2048, "image/jpeg", null);

    private final List<AuditEntry> audit = new ArrayList<>();

    @BeforeEach
    void writtenUnderA() throws Exception {
        for (String table : List.of("key_check", "credentials", "conversations", "telegram_inbox", "telegram_outbox", "memory_notes",
                "reminders", "claude_retries")) {
            sql("DELETE FROM " + table);
        }
        CredentialCipher underA = cipher(KEY_A);
        KeyCheck.verify(DB.dataSource(), underA);
        CredentialRepository credentials = new CredentialRepository(DB.dataSource(), underA, AuditRecorder.NONE);
        for (int i = 0; i < CREDENTIALS; i++) {
            credentials.store("cred-" + i, "secret " + i + " ✓");
        }
        ConversationStore conversations = new ConversationStore(DB.dataSource(), underA);
        conversations.append(CHAT_1, false, "q1", "a1", null);
        conversations.append(CHAT_1, false, new Turn(Turn.Role.USER, "q2", List.of(PHOTO)), "a2", null); // 4 turns, 1 attachment
        conversations.append(CHAT_2, false, "hello", "hi", null); // 2 turns
        TelegramInbox inbox = inbox(underA);
        for (int i = 1; i <= INBOX; i++) {
            Exchange m = message(CHAT_1, i, "question " + i);
            if (i == 1) {
                // a photo's reference, sealed in its own column
                m.getMessage().setHeader(FileReference.HEADER, INBOX_FILE);
            }
            inbox.claim(m);
        }
        outboxRow(underA, CHAT_1, "corr-1", 0, "part zero");
        outboxRow(underA, CHAT_1, "corr-1", 1, "part one");
        outboxRow(underA, CHAT_2, null, 0, "an alert without a correlation id");
        sql("INSERT INTO telegram_outbox (chat_id, part_no, payload, state, next_attempt_at, created_at)"
            + " VALUES (" + CHAT_2 + ", 1, NULL, 'sent', now(), now())"); // sent: no text left, nothing to move
        MemoryStore memory = new MemoryStore(DB.dataSource(), underA);
        for (int i = 0; i < MEMORY; i++) {
            memory.insert(i % 2 == 0 ? CHAT_1 : CHAT_2, "note " + i, 2000);
        }
        ReminderStore reminders = new ReminderStore(DB.dataSource(), underA);
        Instant due = Instant.now().plusSeconds(3600);
        reminders.schedule(CHAT_1, null, "reminder one", due, due, null, false);
        reminders.schedule(CHAT_1, null, "reminder two", due.plusSeconds(1), due, Repeat.DAILY, true);
        reminders.cancel(CHAT_1, reminders.schedule(CHAT_1, null, "cancelled: no text left", due, due, null, false));
        ClaudeRetryStore retries = new ClaudeRetryStore(DB.dataSource(), underA);
        retries.promise(CHAT_1, null, "corr-r1", "overloaded", "superseded: no text left", Instant.now());
        retries.promise(CHAT_1, null, "corr-r2", "overloaded", "retry one", Instant.now());
        retries.promise(CHAT_2, "u2", "corr-r3", "timeout", "retry two", Instant.now());
        Thread.sleep(5); // the inbox read back below lists what was received before it was created
    }

    @Test
    void everyEncryptedTableIsMovedInBatchesAndReadsWithTheNewKeyAlone() throws Exception {
        List<String> batches = new ArrayList<>();
        KeyRotation.Result result = rotation(batches::add).rotate();

        assertThat(result.complete()).isTrue();
        assertThat(result.tables()).extracting(KeyRotation.TableResult::table, KeyRotation.TableResult::moved)
                .containsExactly(tuple("credentials", CREDENTIALS), tuple("conversation_turns", 6),
                        tuple("telegram_inbox", INBOX), tuple("telegram_inbox", 1), tuple("telegram_outbox", 3), tuple("memory_notes", MEMORY),
                        tuple("reminders", 2), tuple("claude_retries", 2), tuple("conversation_attachments", 1));
        assertThat(result.moved()).isEqualTo(CREDENTIALS + 6 + INBOX + 1 + 3 + MEMORY + 2 + 2 + 1);
        assertThat(result.notAuthentic()).isZero();
        assertThat(batches).as("batches of %d rows", BATCH).containsExactly("credentials", "credentials", "credentials",
                "conversation_turns", "conversation_turns", "telegram_inbox", "telegram_inbox", "telegram_inbox", "telegram_outbox",
                "memory_notes", "memory_notes", "reminders", "claude_retries", "conversation_attachments");
        for (EncryptedColumns.Column col : EncryptedColumns.ALL) {
            assertThat(string("SELECT string_agg(DISTINCT " + col.versionExpression() + ", ',') FROM " + col.table() + " t WHERE "
                              + col.holdsValue())).as(col.table()).isEqualTo(B);
        }
        assertThat(string("SELECT string_agg(key_version, ',') FROM key_check")).as("the earlier key's check is gone").isEqualTo(B);
        assertThat(audit).extracting(AuditEntry::action).containsExactly("credential_rotate");
        assertThat(audit.get(0).metadata()).isEqualTo(Map.of("rows", result.moved(), "notAuthentic", 0, "complete", true));

        // every row reads with B alone, through the class that owns it ...
        CredentialCipher onlyB = cipher(KEY_B);
        CredentialRepository credentials = new CredentialRepository(DB.dataSource(), onlyB, AuditRecorder.NONE);
        for (int i = 0; i < CREDENTIALS; i++) {
            assertThat(credentials.retrieve("cred-" + i)).contains("secret " + i + " ✓");
        }
        ConversationStore conversations = new ConversationStore(DB.dataSource(), onlyB);
        assertThat(conversations.current(CHAT_1).turns()).containsExactly(Turn.user("q1"), Turn.assistant("a1"),
                new Turn(Turn.Role.USER, "q2", List.of(PHOTO)), Turn.assistant("a2"));
        assertThat(conversations.current(CHAT_2).turns()).containsExactly(Turn.user("hello"), Turn.assistant("hi"));
        assertThat(inbox(onlyB).unansweredFromBeforeStart()).extracting(m -> m.get("text"))
                .containsExactly("question 1", "question 2", "question 3", "question 4", "question 5");
        assertThat(inbox(onlyB).unansweredFromBeforeStart().get(0).get("attachment")).isEqualTo(INBOX_FILE);
        assertThat(openOutbox(onlyB, CHAT_1, "corr-1", 0)).isEqualTo("part zero");
        assertThat(openOutbox(onlyB, CHAT_2, null, 0)).isEqualTo("an alert without a correlation id");
        assertThat(new MemoryStore(DB.dataSource(), onlyB).list(CHAT_1)).extracting(MemoryStore.Note::text)
                .containsExactly("note 0", "note 2");
        assertThat(new MemoryStore(DB.dataSource(), onlyB).list(CHAT_2)).extracting(MemoryStore.Note::text)
                .containsExactly("note 1", "note 3");
        assertThat(new MemoryStore(DB.dataSource(), cipher(KEY_A)).list(CHAT_1)).as("A alone reads no note").isEmpty();
        assertThat(new ReminderStore(DB.dataSource(), onlyB).pending(CHAT_1)).extracting(Reminder::text)
                .containsExactly("reminder one", "reminder two");
        assertThat(openRetries(onlyB)).containsExactly("retry one", "retry two");
        // ... and no longer with A alone (the rows did change)
        assertThatThrownBy(() -> new ConversationStore(DB.dataSource(), cipher(KEY_A)).current(CHAT_1))
                .isInstanceOf(CredentialAuthenticationException.class);

        // a second run has nothing left to do
        assertThat(rotation(t -> { }).rotate().moved()).isZero();
    }

    @Test
    void anInterruptedRotationGoesOnWhereItStoppedWhenRunAgain() throws Exception {
        AtomicInteger batches = new AtomicInteger();
        assertThatThrownBy(() -> rotation(table -> {
            if (batches.incrementAndGet() == 1) {
                throw new IllegalStateException("killed after the first batch");
            }
        }).rotate()).hasMessageContaining("killed");
        assertThat(count("SELECT count(*) FROM credentials WHERE key_version = '" + B + "'"))
                .as("the first batch is committed").isEqualTo(BATCH);
        assertThat(count("SELECT count(*) FROM credentials WHERE key_version = '" + A + "'")).isEqualTo(CREDENTIALS - BATCH);
        assertThat(string("SELECT string_agg(key_version, ',' ORDER BY key_version) FROM key_check"))
                .as("not complete: the earlier key's check stays").isEqualTo(String.join(",", new TreeSet<>(List.of(A, B))));

        KeyRotation.Result rest = rotation(t -> { }).rotate();
        assertThat(rest.tables().get(0).moved()).isEqualTo(CREDENTIALS - BATCH);
        assertThat(rest.moved()).isEqualTo(CREDENTIALS - BATCH + 6 + INBOX + 1 + 3 + MEMORY + 2 + 2 + 1);
        assertThat(rest.complete()).isTrue();
        CredentialRepository onlyB = new CredentialRepository(DB.dataSource(), cipher(KEY_B), AuditRecorder.NONE);
        for (int i = 0; i < CREDENTIALS; i++) {
            assertThat(onlyB.retrieve("cred-" + i)).contains("secret " + i + " ✓");
        }
    }

    @Test
    void aRowThatDoesNotAuthenticateIsLeftAndCountedAndTheEarlierKeyIsStillNeeded() throws Exception {
        String tag = CredentialCipherTest.flipBit(string("SELECT tag FROM credentials WHERE name = 'cred-4'"), 0);
        sql("UPDATE credentials SET tag = '" + tag + "' WHERE name = 'cred-4'");
        // and a row under a key no configured key holds
        sql("UPDATE telegram_inbox SET payload = 'feedbeef' || substr(payload, 9) WHERE message_id = 5");

        KeyRotation.Result result = rotation(t -> { }).rotate();

        KeyRotation.TableResult credentials = result.tables().get(0);
        assertThat(credentials.moved()).isEqualTo(CREDENTIALS - 1);
        assertThat(credentials.notAuthentic()).isEqualTo(1);
        assertThat(credentials.leftUnderEarlierKeys()).isEqualTo(1);
        KeyRotation.TableResult inbox = result.tables().get(2);
        assertThat(inbox.moved()).isEqualTo(INBOX - 1);
        assertThat(inbox.underUnknownKeys()).isEqualTo(1);
        assertThat(result.complete()).isFalse();
        assertThat(string("SELECT key_version FROM credentials WHERE name = 'cred-4'")).isEqualTo(A);
        assertThat(count("SELECT count(*) FROM key_check WHERE key_version = '" + A + "'")).as("A is still needed").isEqualTo(1);
    }

    @Test
    void everyTableWithAnEncryptedColumnIsInTheList() {
        // a table storing a sealed payload or a key version that is not listed would stay under a retired key
        List<String> tables = new ArrayList<>();
        try (Connection c = DB.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT table_name FROM information_schema.columns"
                     + " WHERE table_schema = current_schema() AND column_name IN ('key_version', 'payload', 'ciphertext')"
                     + " AND table_name <> 'key_check' ORDER BY table_name")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        assertThat(tables).as("positive control: the tables of this version").contains("credentials", "telegram_outbox");
        assertThat(EncryptedColumns.ALL.stream().map(EncryptedColumns.Column::table).distinct().toList())
                .containsExactlyInAnyOrderElementsOf(tables);
    }

    private KeyRotation rotation(Consumer<String> afterBatch) {
        return new KeyRotation(DB.dataSource(), cipher(KEY_B, KEY_A), audit::add, EncryptedColumns.ALL, BATCH, afterBatch);
    }

    private static CredentialCipher cipher(String current, String... previous) {
        return new CredentialCipher(KeyRing.of(current, previous));
    }

    private static TelegramInbox inbox(CredentialCipher cipher) {
        return new TelegramInbox(DB.dataSource(), cipher, 100, new BotMetrics(new SimpleMeterRegistry(), "m"));
    }

    private static Exchange message(long chat, long messageId, String text) {
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        e.getMessage().setHeader(Headers.CHAT_ID, String.valueOf(chat));
        e.getMessage().setHeader(Headers.MESSAGE_ID, messageId);
        e.getMessage().setHeader(CorrelationId.HEADER, "c-" + messageId);
        e.getMessage().setBody(text);
        return e;
    }

    /** An outbox row as Outbox writes it (its binding: outbox:chat:correlation:part, a null correlation id as "null"). */
    private static void outboxRow(CredentialCipher cipher, long chat, String correlationId, int part, String html) throws SQLException {
        String sealed = cipher.encrypt(html, "outbox:" + chat + ":" + correlationId + ":" + part).sealed();
        try (Connection c = DB.dataSource().getConnection();
             var ps = c.prepareStatement("INSERT INTO telegram_outbox (chat_id, part_no, correlation_id, payload, next_attempt_at,"
                     + " created_at) VALUES (?, ?, ?, ?, now(), now())")) {
            ps.setLong(1, chat);
            ps.setInt(2, part);
            ps.setString(3, correlationId);
            ps.setString(4, sealed);
            ps.executeUpdate();
        }
    }

    private static String openOutbox(CredentialCipher cipher, long chat, String correlationId, int part) {
        String sealed = string("SELECT payload FROM telegram_outbox WHERE chat_id = " + chat + " AND part_no = " + part
                               + " AND payload IS NOT NULL");
        return cipher.decrypt(EncryptedPayload.fromSealed(sealed), "outbox:" + chat + ":" + correlationId + ":" + part);
    }

    /** The pending Claude retries' questions, oldest first, read as the delivery reads them. */
    private static List<String> openRetries(CredentialCipher cipher) throws SQLException {
        ClaudeRetryStore store = new ClaudeRetryStore(DB.dataSource(), cipher);
        List<String> out = new ArrayList<>();
        try (Connection c = DB.dataSource().getConnection()) {
            c.setAutoCommit(false);
            for (ClaudeRetryStore.Pending p : store.pending(10)) {
                out.add(store.open(store.lock(c, p.id())));
            }
            c.rollback();
        }
        return out;
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }

    private static long count(String sql) {
        return Sql.count(DB.dataSource(), sql);
    }

    static String string(String sql) {
        return Sql.string(DB.dataSource(), sql);
    }

    private static void sql(String sql) throws SQLException {
        Sql.execute(DB.dataSource(), sql);
    }
}
