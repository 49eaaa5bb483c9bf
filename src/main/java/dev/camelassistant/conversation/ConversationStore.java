package dev.camelassistant.conversation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.camelassistant.crypto.CredentialAuthenticationException;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.EncryptedPayload;
import dev.camelassistant.llm.Turn;

/**
 * The conversations in PostgreSQL ({@code conversations}, {@code conversation_turns}), each turn's
 * text encrypted with the key ring's {@link CredentialCipher} (AES-256-GCM). The associated data
 * names the chat, the conversation, the position and the role of the turn
 * ({@code conversation:<chat>:<conversation>:<seq>:<role>}), so a row swapped between chats,
 * conversations or positions fails to decrypt instead of showing up in the wrong place.
 */
public class ConversationStore {

    /** The chat's current conversation: its id (null when there is none), token ratio and turns, oldest first. */
    public record Current(Long id, double tokenRatio, List<Turn> turns) {
        static final Current NONE = new Current(null, 1.0, List.of());
    }

    private final DataSource dataSource;
    private final CredentialCipher cipher;

    public ConversationStore(DataSource dataSource, CredentialCipher cipher) {
        this.dataSource = dataSource;
        this.cipher = cipher;
    }

    /**
     * The chat's current conversation.
     *
     * @throws CredentialAuthenticationException a turn does not decrypt (another key, moved or changed row)
     */
    public Current current(long chatId) throws SQLException {
        return current(chatId, Long.MAX_VALUE);
    }

    /**
     * The chat's current conversation, read newest first up to {@code maxCiphertextChars} of stored
     * ciphertext (plus the turn that crosses it), so that a conversation used every day for months
     * costs no more to load, decrypt and hold than the window can use.
     *
     * @throws CredentialAuthenticationException a turn does not decrypt (another key, moved or changed row)
     */
    public Current current(long chatId, long maxCiphertextChars) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Long id = null;
            double ratio = 1.0;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, token_ratio FROM conversations WHERE chat_id = ? AND ended_at IS NULL")) {
                ps.setLong(1, chatId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        id = rs.getLong(1);
                        double r = rs.getDouble(2);
                        ratio = rs.wasNull() ? 1.0 : r;
                    }
                }
            }
            if (id == null) {
                return Current.NONE;
            }
            List<Turn> turns = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, role, ciphertext, iv, tag, key_version FROM ("
                    + " SELECT seq, role, ciphertext, iv, tag, key_version,"
                    + " sum(length(ciphertext)) OVER (ORDER BY seq DESC) - length(ciphertext) AS newer"
                    + " FROM conversation_turns WHERE conversation_id = ?) t WHERE newer < ? ORDER BY seq")) {
                ps.setLong(1, id);
                ps.setLong(2, maxCiphertextChars);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Turn.Role role = Turn.Role.of(rs.getString(2));
                        EncryptedPayload payload = new EncryptedPayload(rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6));
                        turns.add(new Turn(role, cipher.decrypt(payload, aad(chatId, id, rs.getInt(1), role))));
                    }
                }
            }
            return new Current(id, ratio, turns);
        }
    }

    /**
     * Adds a question and its answer to the chat's current conversation, in one transaction; starts a
     * conversation when there is none, or when {@code startFresh} (the current one could not be read).
     *
     * @param tokenRatio the ratio measured with this answer, or null to keep the stored one
     */
    public void append(long chatId, boolean startFresh, String question, String answer, Double tokenRatio)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Long id = startFresh ? null : lockCurrent(c, chatId);
                if (id == null) {
                    end(c, chatId);
                    id = create(c, chatId);
                }
                int seq;
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT coalesce(max(seq), 0) FROM conversation_turns WHERE conversation_id = ?")) {
                    ps.setLong(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        seq = rs.getInt(1);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO conversation_turns"
                        + " (conversation_id, seq, role, ciphertext, iv, tag, key_version) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    insertTurn(ps, chatId, id, seq + 1, Turn.user(question));
                    insertTurn(ps, chatId, id, seq + 2, Turn.assistant(answer));
                    ps.executeBatch();
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE conversations SET last_activity_at = now(),"
                        + " token_ratio = coalesce(?, token_ratio) WHERE id = ?")) {
                    if (tokenRatio == null) {
                        ps.setNull(1, Types.DOUBLE);
                    } else {
                        ps.setDouble(1, tokenRatio);
                    }
                    ps.setLong(2, id);
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Ends the chat's current conversation (/new); it is kept until retention deletes it. Returns whether there was one. */
    public boolean startNew(long chatId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return end(c, chatId) > 0;
        }
    }

    static String aad(long chatId, long conversationId, int seq, Turn.Role role) {
        return "conversation:" + chatId + ":" + conversationId + ":" + seq + ":" + role.apiName();
    }

    private void insertTurn(PreparedStatement ps, long chatId, long id, int seq, Turn turn) throws SQLException {
        EncryptedPayload p = cipher.encrypt(turn.text(), aad(chatId, id, seq, turn.role()));
        ps.setLong(1, id);
        ps.setInt(2, seq);
        ps.setString(3, turn.role().apiName());
        ps.setString(4, p.ciphertext());
        ps.setString(5, p.iv());
        ps.setString(6, p.tag());
        ps.setString(7, p.keyVersion());
        ps.addBatch();
    }

    private static Long lockCurrent(Connection c, long chatId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM conversations WHERE chat_id = ? AND ended_at IS NULL FOR UPDATE")) {
            ps.setLong(1, chatId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static int end(Connection c, long chatId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE conversations SET ended_at = now() WHERE chat_id = ? AND ended_at IS NULL")) {
            ps.setLong(1, chatId);
            return ps.executeUpdate();
        }
    }

    private static long create(Connection c, long chatId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO conversations (chat_id) VALUES (?) RETURNING id")) {
            ps.setLong(1, chatId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
