package dev.camelassistant.retries;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.EncryptedPayload;

/**
 * The {@code claude_retries} table (V11__claude_retries.sql): the question of each chat that was told
 * "Claude is temporarily unavailable", at most one pending per chat, its text sealed with the key ring
 * and bound to {@code claude_retry:<chat>:<id>}, erased when the row is closed. Plain JDBC, like the
 * reminders: the delivery's claim runs in a transaction that also writes to the outbox and the inbox.
 */
public class ClaudeRetryStore {

    /** Row states (the table's CHECK). */
    public static final String PENDING = "pending";
    public static final String SENT = "sent";
    public static final String EXPIRED = "expired";
    public static final String CANCELLED = "cancelled";

    private final DataSource dataSource;
    private final CredentialCipher cipher;

    public ClaudeRetryStore(DataSource dataSource, CredentialCipher cipher) {
        this.dataSource = dataSource;
        this.cipher = cipher;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * What {@link #promise} did.
     *
     * @param id         the new pending row
     * @param superseded the chat's earlier pending row, now closed as cancelled ('superseded'); null when there was none
     */
    public record Promised(long id, Long superseded) {
    }

    /** A pending row, as the delivery lists it (no text). */
    public record Pending(long id, long chatId, String userId) {
    }

    /** A locked pending row, its text still sealed ({@link #open}). */
    public record Row(long id, long chatId, String userId, String kind, String sealed, Instant askedAt) {
    }

    /**
     * Remembers the chat's unanswered question, in one transaction: the chat's earlier pending row (if any)
     * is closed as cancelled with reason 'superseded' and its text erased, then the new row is written.
     */
    public Promised promise(long chatId, String userId, String correlationId, String kind, String text, Instant askedAt)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Long superseded = closePendingOf(c, chatId, CANCELLED, "superseded");
                long id;
                // the id first: the text is bound to it
                try (PreparedStatement ps = c.prepareStatement("SELECT nextval(pg_get_serial_sequence('claude_retries', 'id'))");
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO claude_retries (id, chat_id, user_id, correlation_id,"
                        + " failure_kind, payload, asked_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setLong(1, id);
                    ps.setLong(2, chatId);
                    ps.setString(3, userId);
                    ps.setString(4, correlationId);
                    ps.setString(5, kind);
                    ps.setString(6, cipher.encrypt(text == null ? "" : text, binding(chatId, id)).sealed());
                    ps.setTimestamp(7, Timestamp.from(askedAt));
                    ps.executeUpdate();
                }
                c.commit();
                return new Promised(id, superseded);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Closes the chat's pending row (its text erased); returns its id, or null when the chat had none pending. */
    public Long cancel(long chatId, String reason) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return closePendingOf(c, chatId, CANCELLED, reason);
        }
    }

    private static Long closePendingOf(Connection c, long chatId, String state, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE claude_retries SET state = ?, close_reason = ?, closed_at = now(),"
                + " payload = NULL WHERE chat_id = ? AND state = 'pending' RETURNING id")) {
            ps.setString(1, state);
            ps.setString(2, reason);
            ps.setLong(3, chatId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** The pending rows, oldest question first, at most {@code limit}. */
    public List<Pending> pending(int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, chat_id, user_id FROM claude_retries WHERE state = 'pending'"
                     + " ORDER BY asked_at, id LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<Pending> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new Pending(rs.getLong(1), rs.getLong(2), rs.getString(3)));
                }
                return out;
            }
        }
    }

    /**
     * In the caller's transaction: locks the row if it is still pending and no other transaction holds it
     * (FOR UPDATE SKIP LOCKED); null otherwise (closed meanwhile, or being claimed elsewhere).
     */
    public Row lock(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, chat_id, user_id, failure_kind, payload, asked_at"
                + " FROM claude_retries WHERE id = ? AND state = 'pending' FOR UPDATE SKIP LOCKED")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Row(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getTimestamp(6).toInstant());
            }
        }
    }

    /** In the caller's transaction: closes a locked row (its text erased). */
    public void close(Connection c, long id, String state, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE claude_retries SET state = ?, close_reason = ?, closed_at = now(),"
                + " payload = NULL WHERE id = ?")) {
            ps.setString(1, state);
            ps.setString(2, reason);
            ps.setLong(3, id);
            ps.executeUpdate();
        }
    }

    /**
     * The question of a locked row.
     *
     * @throws dev.camelassistant.crypto.CredentialAuthenticationException another key, or a moved or changed row
     * @throws IllegalArgumentException the column holds no sealed text
     */
    public String open(Row row) {
        return cipher.decrypt(EncryptedPayload.fromSealed(row.sealed()), binding(row.chatId(), row.id()));
    }

    /** What the text is bound to (EncryptedColumns repeats it in SQL). */
    static String binding(long chatId, long id) {
        return "claude_retry:" + chatId + ":" + id;
    }
}
