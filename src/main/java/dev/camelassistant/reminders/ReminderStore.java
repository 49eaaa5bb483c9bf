package dev.camelassistant.reminders;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.sql.DataSource;

import dev.camelassistant.crypto.CredentialAuthenticationException;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.EncryptedPayload;

/**
 * The {@code reminders} table: each chat's reminders, the text sealed with the key ring and bound to
 * {@code reminder:<chat>:<id>} (see V10__reminders.sql). Plain JDBC, like the inbox and the outbox: the
 * scheduler's claim runs in a transaction that also writes to their tables.
 */
public class ReminderStore {

    private static final String COLUMNS = "id, chat_id, user_id, payload, due_at, anchor_at, repeat, ask_claude";

    private final DataSource dataSource;
    private final CredentialCipher cipher;

    public ReminderStore(DataSource dataSource, CredentialCipher cipher) {
        this.dataSource = dataSource;
        this.cipher = cipher;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Stores a pending reminder; returns its id. */
    public long schedule(long chatId, String userId, String text, Instant dueAt, Instant anchor, Repeat repeat,
                         boolean askClaude) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            long id;
            // the id first: the text is bound to it
            try (PreparedStatement ps = c.prepareStatement("SELECT nextval(pg_get_serial_sequence('reminders', 'id'))");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO reminders (id, chat_id, user_id, payload, due_at,"
                    + " anchor_at, repeat, ask_claude) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setLong(1, id);
                ps.setLong(2, chatId);
                ps.setString(3, userId);
                ps.setString(4, seal(chatId, id, text));
                ps.setTimestamp(5, Timestamp.from(dueAt));
                ps.setTimestamp(6, Timestamp.from(anchor));
                if (repeat == null) {
                    ps.setNull(7, Types.VARCHAR);
                } else {
                    ps.setString(7, repeat.value());
                }
                ps.setBoolean(8, askClaude);
                ps.executeUpdate();
            }
            return id;
        }
    }

    /** The chat's pending reminders, soonest first. */
    public List<Reminder> pending(long chatId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM reminders WHERE chat_id = ?"
                     + " AND state = 'pending' ORDER BY due_at, id")) {
            ps.setLong(1, chatId);
            try (ResultSet rs = ps.executeQuery()) {
                List<Reminder> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(read(rs));
                }
                return out;
            }
        }
    }

    /** How many reminders the chat has pending. */
    public int pendingCount(long chatId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM reminders WHERE chat_id = ? AND state = 'pending'")) {
            ps.setLong(1, chatId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Cancels the chat's own pending reminder; false when the chat has no pending reminder with that id. */
    public boolean cancel(long chatId, long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE reminders SET state = 'cancelled', cancelled_at = now(),"
                     + " payload = NULL WHERE id = ? AND chat_id = ? AND state = 'pending'")) {
            ps.setLong(1, id);
            ps.setLong(2, chatId);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * In the caller's transaction: locks up to {@code limit} reminders due at {@code now} that no other
     * transaction holds (FOR UPDATE SKIP LOCKED), soonest first, leaving out the ids in {@code skip}. The
     * rows stay locked until the caller commits, which must move each one on ({@link #fired} or {@link #movedTo}).
     */
    public List<Row> lockDue(Connection c, Instant now, int limit, Collection<Long> skip) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM reminders WHERE state = 'pending'"
                + " AND due_at <= ? AND NOT (id = ANY (?)) ORDER BY due_at, id LIMIT ? FOR UPDATE SKIP LOCKED")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setArray(2, c.createArrayOf("bigint", skip.toArray()));
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<Row> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new Row(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                            rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant(), Repeat.parse(rs.getString(7)),
                            rs.getBoolean(8)));
                }
                return out;
            }
        }
    }

    /** A locked due row, its text still sealed ({@link #open}). */
    public record Row(long id, long chatId, String userId, String sealed, Instant dueAt, Instant anchor, Repeat repeat,
                      boolean askClaude) {
    }

    /** In the caller's transaction: the reminder is cancelled (its chat is no longer allowed). */
    public void cancel(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE reminders SET state = 'cancelled', cancelled_at = now(),"
                + " payload = NULL WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    /** In the caller's transaction: the one-off reminder has fired (its text is erased). */
    public void fired(Connection c, long id, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE reminders SET state = 'fired', fired_at = ?, payload = NULL,"
                + " fire_count = fire_count + 1 WHERE id = ?")) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    /** In the caller's transaction: the repeating reminder has fired and waits for {@code next}. */
    public void movedTo(Connection c, long id, Instant at, Instant next) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE reminders SET due_at = ?, fired_at = ?,"
                + " fire_count = fire_count + 1 WHERE id = ?")) {
            ps.setTimestamp(1, Timestamp.from(next));
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setLong(3, id);
            ps.executeUpdate();
        }
    }

    /**
     * The text of a row.
     *
     * @throws dev.camelassistant.crypto.CredentialAuthenticationException another key, or a moved or changed row
     * @throws IllegalArgumentException the column holds no sealed text
     */
    public String open(Row row) {
        return cipher.decrypt(EncryptedPayload.fromSealed(row.sealed()), binding(row.chatId(), row.id()));
    }

    private Reminder read(ResultSet rs) throws SQLException {
        long id = rs.getLong(1);
        long chatId = rs.getLong(2);
        String text;
        try {
            text = cipher.decrypt(EncryptedPayload.fromSealed(rs.getString(4)), binding(chatId, id));
        } catch (CredentialAuthenticationException | IllegalArgumentException e) {
            text = null; // another key (or a changed row): listed without its text, fired by a start that has the key
        }
        return new Reminder(id, chatId, rs.getString(3), text, rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant(),
                Repeat.parse(rs.getString(7)), rs.getBoolean(8));
    }

    private String seal(long chatId, long id, String text) {
        return cipher.encrypt(text, binding(chatId, id)).sealed();
    }

    /** What the text is bound to (EncryptedColumns repeats it in SQL). */
    static String binding(long chatId, long id) {
        return "reminder:" + chatId + ":" + id;
    }
}
