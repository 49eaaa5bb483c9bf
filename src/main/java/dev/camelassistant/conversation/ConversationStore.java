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
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.camelassistant.llm.Attachment;
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

    private static final ObjectMapper JSON = new ObjectMapper();

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
            List<Integer> seqs = new ArrayList<>();
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
                        seqs.add(rs.getInt(1));
                    }
                }
            }
            if (!seqs.isEmpty()) {
                withAttachments(c, chatId, id, seqs, turns);
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
        append(chatId, startFresh, Turn.user(question), answer, tokenRatio);
    }

    /** As {@link #append(long, boolean, String, String, Double)}, with the photos and documents of the question. */
    public void append(long chatId, boolean startFresh, Turn question, String answer, Double tokenRatio)
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
                    insertTurn(ps, chatId, id, seq + 1, new Turn(Turn.Role.USER, question.text()));
                    insertTurn(ps, chatId, id, seq + 2, Turn.assistant(answer));
                    ps.executeBatch();
                }
                insertAttachments(c, chatId, id, seq + 1, question.attachments());
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

    /** The binding of an attachment: chat, conversation, turn and position (EncryptedColumns has the same in SQL). */
    static String attachmentAad(long chatId, long conversationId, int seq, int position) {
        return "attachment:" + chatId + ":" + conversationId + ":" + seq + ":" + position;
    }

    private void insertAttachments(Connection c, long chatId, long id, int seq, List<Attachment> attachments) throws SQLException {
        if (attachments.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO conversation_attachments"
                + " (conversation_id, seq, position, payload, tokens) VALUES (?, ?, ?, ?, ?)")) {
            for (int i = 0; i < attachments.size(); i++) {
                ps.setLong(1, id);
                ps.setInt(2, seq);
                ps.setInt(3, i);
                ps.setString(4, cipher.encrypt(attachments.get(i).block().toString(), attachmentAad(chatId, id, seq, i)).sealed());
                ps.setInt(5, attachments.get(i).tokens());
                ps.executeUpdate();
            }
        }
    }

    /** The loaded user turns get their attachments back, decrypted, in order. */
    private void withAttachments(Connection c, long chatId, long id, List<Integer> seqs, List<Turn> turns) throws SQLException {
        java.util.Map<Integer, List<Attachment>> bySeq = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, position, payload, tokens FROM conversation_attachments"
                + " WHERE conversation_id = ? AND seq >= ? ORDER BY seq, position")) {
            ps.setLong(1, id);
            ps.setInt(2, seqs.get(0));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String json = cipher.decrypt(EncryptedPayload.fromSealed(rs.getString(3)),
                            attachmentAad(chatId, id, rs.getInt(1), rs.getInt(2)));
                    ObjectNode block;
                    try {
                        block = (ObjectNode) JSON.readTree(json);
                    } catch (java.io.IOException | ClassCastException e) {
                        throw new IllegalArgumentException("an attachment is not a content block");
                    }
                    bySeq.computeIfAbsent(rs.getInt(1), k -> new ArrayList<>()).add(new Attachment(block, rs.getInt(4)));
                }
            }
        }
        for (int i = 0; i < turns.size(); i++) {
            List<Attachment> found = bySeq.get(seqs.get(i));
            if (found != null) {
                Turn t = turns.get(i);
                turns.set(i, new Turn(t.role(), t.text(), found));
            }
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
