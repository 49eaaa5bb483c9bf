package dev.camelassistant.crypto;

import java.util.List;

/**
 * Every encrypted column of the database, in one list: what {@code credentials rotate} re-encrypts
 * and what the first key check looks at. <b>A table that stores anything encrypted adds its line
 * here</b> (KeyRotationTest fails for a table whose rows are not all moved).
 * <p>
 * Each entry says how a row's key version is read, how to find the row again (its key columns,
 * all numbers), and the binding its value was encrypted under, as a SQL expression over the row
 * (alias {@code t}) that yields exactly the string the writing class passes to
 * {@link CredentialCipher#encrypt}. The SQL is built from these constants only, never from input.
 */
public final class EncryptedColumns {

    /** How the value is laid out in the row. */
    public enum Layout {
        /** four columns: ciphertext, iv, tag, key_version */
        COLUMNS,
        /** one column: {@link EncryptedPayload#sealed()} */
        SEALED
    }

    /**
     * @param table   the table
     * @param column  the sealed column ({@link Layout#SEALED}); unused for {@link Layout#COLUMNS}
     * @param keys    the row's key columns, comma-separated, numeric
     * @param binding SQL expression over alias {@code t}: the name the value is bound to
     */
    public record Column(String table, Layout layout, String column, List<String> keys, String binding) {

        /** SQL expression over alias {@code t}: the key version of the row's value (null when it holds none). */
        String versionExpression() {
            return layout == Layout.COLUMNS ? "t.key_version" : "split_part(t." + column + ", '|', 1)";
        }

        /** SQL condition over alias {@code t}: the row holds an encrypted value. */
        String holdsValue() {
            return layout == Layout.COLUMNS ? "TRUE" : "t." + column + " IS NOT NULL";
        }
    }

    /** Every encrypted column; the order is the order of rotation. */
    public static final List<Column> ALL = List.of(
            // CredentialRepository: bound to the credential's name
            columns("credentials", "id", "t.name"),
            // ConversationStore.aad
            columns("conversation_turns", "conversation_id, seq",
                    "'conversation:' || (SELECT c.chat_id FROM conversations c WHERE c.id = t.conversation_id)"
                    + " || ':' || t.conversation_id || ':' || t.seq || ':' || t.role"),
            // TelegramInbox.seal
            sealed("telegram_inbox", "payload", "chat_id, message_id", "'inbox:' || t.chat_id || ':' || t.message_id"),
            // TelegramInbox.sealAttachment: a photo's or file's reference
            sealed("telegram_inbox", "attachment", "chat_id, message_id", "'inbox-attachment:' || t.chat_id || ':' || t.message_id"),
            // Outbox.binding (a null correlation id is the text "null" there, as Java concatenates it)
            sealed("telegram_outbox", "payload", "id",
                    "'outbox:' || t.chat_id || ':' || coalesce(t.correlation_id, 'null') || ':' || t.part_no"),
            // MemoryStore.aad
            columns("memory_notes", "id", "'memory:' || t.chat_id || ':' || t.id"),
            // ReminderStore.binding
            sealed("reminders", "payload", "id", "'reminder:' || t.chat_id || ':' || t.id"),
            // ClaudeRetryStore.binding
            sealed("claude_retries", "payload", "id", "'claude_retry:' || t.chat_id || ':' || t.id"),
            // ConversationStore.attachmentAad
            sealed("conversation_attachments", "payload", "conversation_id, seq, position",
                    "'attachment:' || (SELECT c.chat_id FROM conversations c WHERE c.id = t.conversation_id)"
                    + " || ':' || t.conversation_id || ':' || t.seq || ':' || t.position"));

    private EncryptedColumns() {
    }

    static Column columns(String table, String keys, String binding) {
        return new Column(table, Layout.COLUMNS, null, split(keys), binding);
    }

    static Column sealed(String table, String column, String keys, String binding) {
        return new Column(table, Layout.SEALED, column, split(keys), binding);
    }

    private static List<String> split(String keys) {
        return List.of(keys.replace(" ", "").split(","));
    }
}
