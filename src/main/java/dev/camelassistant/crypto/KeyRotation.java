package dev.camelassistant.crypto;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import javax.sql.DataSource;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code credentials rotate}: every encrypted column of {@link EncryptedColumns#ALL} re-encrypted
 * under the current key, table by table, in batches of {@value #BATCH} rows, each batch its own
 * transaction. A batch selects rows still under one of the ring's earlier keys, so a rotation that
 * was interrupted (killed, database gone) goes on where it stopped when run again.
 * <p>
 * A row that does not authenticate (changed, or moved to another row) is left as it is, counted and
 * logged by its table and key, never its content; rows under a key version the ring does not hold
 * are counted (they cannot be read at all). When no row is left under an earlier key, the earlier
 * keys' {@link KeyCheck} rows are removed: from then on a start with a retired key alone is refused,
 * and the retired keys can be removed from ENCRYPTION_KEYS_PREVIOUS.
 */
public final class KeyRotation {

    public static final int BATCH = 500;

    /**
     * One table: rows moved, rows under an earlier key that did not authenticate, rows still under an
     * earlier key afterwards (those, or rows written meanwhile by a process with the earlier key as its
     * ENCRYPTION_KEY), rows under a version no configured key opens.
     */
    public record TableResult(String table, int moved, int notAuthentic, long leftUnderEarlierKeys, long underUnknownKeys) {
    }

    /** @param complete no row is left under an earlier key: ENCRYPTION_KEYS_PREVIOUS may be emptied */
    public record Result(String currentVersion, List<TableResult> tables, boolean complete) {

        public int moved() {
            return tables.stream().mapToInt(TableResult::moved).sum();
        }

        public int notAuthentic() {
            return tables.stream().mapToInt(TableResult::notAuthentic).sum();
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(KeyRotation.class);

    private final DataSource dataSource;
    private final CredentialCipher cipher;
    private final AuditRecorder audit;
    private final List<EncryptedColumns.Column> columns;
    private final int batchSize;
    /** called with the table's name after each committed batch (tests interrupt a rotation here) */
    private final Consumer<String> afterBatch;

    public KeyRotation(DataSource dataSource, CredentialCipher cipher, AuditRecorder audit) {
        this(dataSource, cipher, audit, EncryptedColumns.ALL, BATCH, table -> { });
    }

    KeyRotation(DataSource dataSource, CredentialCipher cipher, AuditRecorder audit, List<EncryptedColumns.Column> columns,
                int batchSize, Consumer<String> afterBatch) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.audit = audit == null ? AuditRecorder.NONE : audit;
        this.columns = List.copyOf(columns);
        this.batchSize = batchSize;
        this.afterBatch = afterBatch;
    }

    /**
     * Checks the key ({@link KeyCheck#verify}, which records a new current key), then moves every row.
     *
     * @throws KeyCheck.Refused the ring does not open this database's data: nothing is moved
     */
    public Result rotate() throws SQLException {
        KeyCheck.verify(dataSource, cipher);
        String current = cipher.keyRing().currentVersion();
        List<String> earlier = new ArrayList<>(cipher.keyRing().versions());
        earlier.remove(current);
        List<TableResult> results = new ArrayList<>();
        for (EncryptedColumns.Column column : columns) {
            results.add(rotate(column, earlier, current));
        }
        boolean complete = results.stream().allMatch(r -> r.leftUnderEarlierKeys() == 0);
        if (complete) {
            try (Connection c = dataSource.getConnection()) {
                KeyCheck.forgetAllBut(c, current);
            }
        }
        Result result = new Result(current, results, complete);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("rows", result.moved());
        meta.put("notAuthentic", result.notAuthentic());
        meta.put("complete", complete);
        try {
            audit.record(AuditEntry.success(null, null, "credential_rotate", "cli", meta));
        } catch (RuntimeException e) {
            LOG.warn("Could not audit credential_rotate: {}", e.getClass().getSimpleName());
        }
        return result;
    }

    private TableResult rotate(EncryptedColumns.Column col, List<String> earlier, String current) throws SQLException {
        int moved = 0;
        int notAuthentic = 0;
        long[] after = null;
        while (!earlier.isEmpty()) {
            int selected = 0;
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement select = c.prepareStatement(selectSql(col, after != null));
                     PreparedStatement update = c.prepareStatement(updateSql(col))) {
                    int i = 1;
                    select.setArray(i++, c.createArrayOf("varchar", earlier.toArray()));
                    if (after != null) {
                        for (long k : after) {
                            select.setLong(i++, k);
                        }
                    }
                    select.setInt(i, batchSize);
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            selected++;
                            after = keyOf(rs, col);
                            if (reencrypt(rs, col, update)) {
                                moved++;
                            } else {
                                notAuthentic++;
                            }
                        }
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
            if (selected > 0) {
                afterBatch.accept(col.table());
            }
            if (selected < batchSize) {
                break;
            }
        }
        long left = count(col, "= ANY(?)", earlier);
        long unknown = count(col, "<> ALL(?)", withCurrent(earlier, current));
        LOG.info("Key rotation: {} moved {} row(s) to key version {}; {} did not authenticate, {} still under an earlier key,"
                 + " {} under a key version no configured key opens", col.table(), moved, current, notAuthentic, left, unknown);
        return new TableResult(col.table(), moved, notAuthentic, left, unknown);
    }

    /** Re-encrypts the row the cursor is on; false when it does not authenticate (it is left as it is). */
    private boolean reencrypt(ResultSet rs, EncryptedColumns.Column col, PreparedStatement update) throws SQLException {
        int n = col.keys().size();
        String binding = rs.getString(n + 1);
        EncryptedPayload fresh;
        try {
            EncryptedPayload old = col.layout() == EncryptedColumns.Layout.SEALED
                    ? EncryptedPayload.fromSealed(rs.getString(n + 2))
                    : new EncryptedPayload(rs.getString(n + 2), rs.getString(n + 3), rs.getString(n + 4), rs.getString(n + 5));
            if (binding == null) {
                throw new IllegalArgumentException("no binding");
            }
            fresh = cipher.encrypt(cipher.decrypt(old, binding), binding);
        } catch (CredentialAuthenticationException | IllegalArgumentException e) {
            LOG.warn("Key rotation: a row of {} ({} = {}) does not authenticate (changed or moved); left as it is",
                    col.table(), String.join(", ", col.keys()), java.util.Arrays.toString(keyOf(rs, col)));
            return false;
        }
        int i = 1;
        if (col.layout() == EncryptedColumns.Layout.SEALED) {
            update.setString(i++, fresh.sealed());
        } else {
            update.setString(i++, fresh.ciphertext());
            update.setString(i++, fresh.iv());
            update.setString(i++, fresh.tag());
            update.setString(i++, fresh.keyVersion());
        }
        for (int k = 1; k <= n; k++) {
            update.setLong(i++, rs.getLong(k));
        }
        update.executeUpdate();
        return true;
    }

    private long count(EncryptedColumns.Column col, String versionCondition, List<String> versions) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + col.table() + " t WHERE " + col.holdsValue()
                     + " AND " + col.versionExpression() + " " + versionCondition)) {
            Array array = c.createArrayOf("varchar", versions.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static String selectSql(EncryptedColumns.Column col, boolean after) {
        String keys = "t." + String.join(", t.", col.keys());
        String value = col.layout() == EncryptedColumns.Layout.SEALED
                ? "t." + col.column() : "t.ciphertext, t.iv, t.tag, t.key_version";
        String params = String.join(", ", col.keys().stream().map(k -> "?").toList());
        return "SELECT " + keys + ", " + col.binding() + ", " + value + " FROM " + col.table() + " t"
               + " WHERE " + col.holdsValue() + " AND " + col.versionExpression() + " = ANY(?)"
               + (after ? " AND (" + keys + ") > (" + params + ")" : "")
               + " ORDER BY " + keys + " LIMIT ? FOR UPDATE OF t";
    }

    static String updateSql(EncryptedColumns.Column col) {
        String set = col.layout() == EncryptedColumns.Layout.SEALED
                ? col.column() + " = ?" : "ciphertext = ?, iv = ?, tag = ?, key_version = ?";
        String where = String.join(" AND ", col.keys().stream().map(k -> k + " = ?").toList());
        return "UPDATE " + col.table() + " SET " + set + " WHERE " + where;
    }

    private static long[] keyOf(ResultSet rs, EncryptedColumns.Column col) throws SQLException {
        long[] key = new long[col.keys().size()];
        for (int k = 0; k < key.length; k++) {
            key[k] = rs.getLong(k + 1);
        }
        return key;
    }

    private static List<String> withCurrent(List<String> earlier, String current) {
        List<String> all = new ArrayList<>(earlier);
        all.add(current);
        return all;
    }
}
