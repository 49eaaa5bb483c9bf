package dev.camelassistant.memory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.camelassistant.conversation.ContextWindow;
import dev.camelassistant.crypto.CredentialAuthenticationException;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.EncryptedPayload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chats' memory notes in PostgreSQL ({@code memory_notes}), each text encrypted with the key
 * ring's {@link CredentialCipher} (AES-256-GCM) and bound to its chat and id
 * ({@code memory:<chat>:<id>}), so a row moved to another chat or id fails to decrypt and is left
 * out instead of showing up in the wrong chat.
 */
public class MemoryStore {

    /** One note: its database id (what Claude's delete_memory takes), its text and estimated tokens. */
    public record Note(long id, String text, int tokens) {
    }

    /** What {@link #insert} did: the new note, or null when the chat's notes would pass the bound. */
    public record Saved(Note note, int usedTokens) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(MemoryStore.class);

    private final DataSource dataSource;
    private final CredentialCipher cipher;

    public MemoryStore(DataSource dataSource, CredentialCipher cipher) {
        this.dataSource = dataSource;
        this.cipher = cipher;
    }

    /**
     * The chat's notes, oldest first. A note that does not decrypt (another key, a moved or changed
     * row) is left out with a warning: the others still reach Claude.
     */
    public List<Note> list(long chatId) throws SQLException {
        List<Note> notes = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, tokens, ciphertext, iv, tag, key_version"
                     + " FROM memory_notes WHERE chat_id = ? ORDER BY id")) {
            ps.setLong(1, chatId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    EncryptedPayload p = new EncryptedPayload(rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6));
                    try {
                        notes.add(new Note(id, cipher.decrypt(p, aad(chatId, id)), rs.getInt(2)));
                    } catch (CredentialAuthenticationException | IllegalArgumentException e) {
                        LOG.warn("Memory note {} of chat {} cannot be decrypted (wrong key, or the row was moved or"
                                 + " changed); it is left out", id, chatId);
                    }
                }
            }
        }
        return notes;
    }

    /**
     * Adds a note unless the chat's notes would then hold more than {@code maxTokens} (estimated).
     * The check and the insert run under a transaction lock per chat, so two saves at once cannot
     * both pass the bound.
     */
    public Saved insert(long chatId, String text, int maxTokens) throws SQLException {
        int tokens = ContextWindow.estimate(text);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
                    // the two-int form: its own key space (class 9, the migration's number), the chat's low and high bits mixed
                    ps.setInt(1, 9);
                    ps.setInt(2, Long.hashCode(chatId));
                    ps.execute();
                }
                int used;
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT coalesce(sum(tokens), 0) FROM memory_notes WHERE chat_id = ?")) {
                    ps.setLong(1, chatId);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        used = rs.getInt(1);
                    }
                }
                if (used + tokens > maxTokens) {
                    c.rollback();
                    return new Saved(null, used);
                }
                long id;
                try (PreparedStatement ps = c.prepareStatement("SELECT nextval(pg_get_serial_sequence('memory_notes', 'id'))");
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
                EncryptedPayload p = cipher.encrypt(text, aad(chatId, id));
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO memory_notes"
                        + " (id, chat_id, tokens, ciphertext, iv, tag, key_version) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setLong(1, id);
                    ps.setLong(2, chatId);
                    ps.setInt(3, tokens);
                    ps.setString(4, p.ciphertext());
                    ps.setString(5, p.iv());
                    ps.setString(6, p.tag());
                    ps.setString(7, p.keyVersion());
                    ps.executeUpdate();
                }
                c.commit();
                return new Saved(new Note(id, text, tokens), used + tokens);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Deletes one note of the chat; false when the chat has no note with that id. */
    public boolean delete(long chatId, long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM memory_notes WHERE chat_id = ? AND id = ?")) {
            ps.setLong(1, chatId);
            ps.setLong(2, id);
            return ps.executeUpdate() > 0;
        }
    }

    /** Deletes every note of the chat; returns how many there were. */
    public int deleteAll(long chatId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM memory_notes WHERE chat_id = ?")) {
            ps.setLong(1, chatId);
            return ps.executeUpdate();
        }
    }

    /** The associated data a note is encrypted under (EncryptedColumns names the same for rotation). */
    static String aad(long chatId, long id) {
        return "memory:" + chatId + ":" + id;
    }
}
