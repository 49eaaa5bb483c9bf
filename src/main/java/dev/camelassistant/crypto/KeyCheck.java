package dev.camelassistant.crypto;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key check: is ENCRYPTION_KEY the key this database's data was written with? Run after the
 * migrations and before anything reads or writes an encrypted row (the launcher: on the database's
 * start-up thread; {@code credentials rotate}: before it moves a row). Table {@code key_check} holds,
 * per key version, a fixed text encrypted under that key.
 * <p>
 * What "another key" means. A key's version id is derived from the key itself ({@link KeyRing#versionOf}),
 * so the ring (ENCRYPTION_KEY first, then ENCRYPTION_KEYS_PREVIOUS) names the versions it can open, and
 * the stored rows name the versions the data was written under. The start is refused when:
 * <ul>
 * <li>a stored row's version is in the ring but its key does not open the row: a key that claims the
 *     version and is not the key (a 32-bit id collision) or a changed row: never decrypt with it;</li>
 * <li>rows exist and not one of their versions is in the ring: a wholly different key, or a key
 *     rotated away from (rotation removes the earlier keys' rows once every row is moved);</li>
 * <li>no row exists yet (the first start of this version on an older database) while encrypted rows
 *     exist and none of them is under a version of the ring.</li>
 * </ul>
 * Otherwise the current key's row is recorded when missing: on the first start, or when the current
 * key is new and an earlier one (which opened its row) is in ENCRYPTION_KEYS_PREVIOUS, a rotation
 * begun. A stored row of a version outside the ring is not an error by itself: it is a retired key
 * whose rows a rotation in progress has not removed yet.
 */
public final class KeyCheck {

    /** What a start found. */
    public enum Outcome {
        /** the current key's row was there and opened */
        VERIFIED,
        /** the current key's row was written now (first start, or a new key with the earlier one in the ring) */
        RECORDED
    }

    /** The key does not fit the data: one line naming the variable, never a key. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    static final String CHECK_TEXT = "camel-assistant key check";

    private static final Logger LOG = LoggerFactory.getLogger(KeyCheck.class);
    private static final Pattern VERSION = Pattern.compile("[0-9a-f]{8}");

    private KeyCheck() {
    }

    /**
     * Verifies the ring against the database and records the current key when it may.
     *
     * @throws Refused the ring does not open this database's data (nothing was changed)
     */
    public static Outcome verify(DataSource dataSource, CredentialCipher cipher) throws SQLException {
        KeyRing ring = cipher.keyRing();
        String current = ring.currentVersion();
        try (Connection c = dataSource.getConnection()) {
            Map<String, EncryptedPayload> stored = stored(c);
            boolean anyOpened = false;
            for (Map.Entry<String, EncryptedPayload> e : stored.entrySet()) {
                if (ring.key(e.getKey()).isPresent()) {
                    opens(cipher, e.getValue());
                    anyOpened = true;
                }
            }
            if (stored.containsKey(current)) {
                return Outcome.VERIFIED;
            }
            if (!stored.isEmpty() && !anyOpened) {
                throw notThisDatabasesKey(stored.keySet(), current);
            }
            if (stored.isEmpty()) {
                Set<String> written = dataVersions(c);
                if (!written.isEmpty() && written.stream().noneMatch(v -> ring.key(v).isPresent())) {
                    throw notThisDatabasesKey(written, current);
                }
            }
            record(c, cipher);
            // another process may have recorded the version first: what is stored now must open
            EncryptedPayload mine = stored(c).get(current);
            if (mine == null) {
                throw new SQLException("the key check row of version " + current + " was not written");
            }
            opens(cipher, mine);
            if (stored.isEmpty()) {
                LOG.info("Key check: recorded key version {}; a start with another ENCRYPTION_KEY is refused from now on", current);
            } else {
                LOG.warn("Key check: ENCRYPTION_KEY is a new key (version {}); the data under the earlier key stays readable"
                         + " through ENCRYPTION_KEYS_PREVIOUS until `credentials rotate` has moved it", current);
            }
            return Outcome.RECORDED;
        }
    }

    /**
     * After a complete rotation: removes the rows of every version but the current one, so that a
     * start with a retired key alone is refused. Returns how many were removed.
     */
    static int forgetAllBut(Connection c, String currentVersion) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM key_check WHERE key_version <> ?")) {
            ps.setString(1, currentVersion);
            return ps.executeUpdate();
        }
    }

    private static void opens(CredentialCipher cipher, EncryptedPayload row) {
        String version = row.keyVersion();
        try {
            if (!CHECK_TEXT.equals(cipher.decrypt(row, binding(version)))) {
                throw new CredentialAuthenticationException(binding(version));
            }
        } catch (CredentialAuthenticationException e) {
            String variable = version.equals(cipher.keyRing().currentVersion()) ? "ENCRYPTION_KEY" : "ENCRYPTION_KEYS_PREVIOUS";
            throw new Refused(variable + ": the key of version " + version + " does not open this database's key check"
                              + " (another key with the same version id, or a changed key_check row); nothing was changed");
        }
    }

    private static Refused notThisDatabasesKey(Set<String> versions, String current) {
        return new Refused("ENCRYPTION_KEY: is not the key this database was written with (its data is under key version "
                           + String.join(", ", versions) + "; ENCRYPTION_KEY is version " + current + "): start with that key,"
                           + " or name it in ENCRYPTION_KEYS_PREVIOUS and run `credentials rotate`; nothing was changed");
    }

    private static String binding(String version) {
        return "key-check:" + version;
    }

    private static Map<String, EncryptedPayload> stored(Connection c) throws SQLException {
        Map<String, EncryptedPayload> rows = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT key_version, ciphertext, iv, tag FROM key_check ORDER BY created_at, key_version");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.put(rs.getString(1), new EncryptedPayload(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(1)));
            }
        }
        return rows;
    }

    private static void record(Connection c, CredentialCipher cipher) throws SQLException {
        String version = cipher.keyRing().currentVersion();
        EncryptedPayload p = cipher.encrypt(CHECK_TEXT, binding(version));
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO key_check (key_version, ciphertext, iv, tag)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (key_version) DO NOTHING")) {
            ps.setString(1, p.keyVersion());
            ps.setString(2, p.ciphertext());
            ps.setString(3, p.iv());
            ps.setString(4, p.tag());
            ps.executeUpdate();
        }
    }

    /** The key versions the encrypted rows are under (read once: when no key check is stored yet). */
    private static Set<String> dataVersions(Connection c) throws SQLException {
        Set<String> versions = new TreeSet<>();
        for (EncryptedColumns.Column col : EncryptedColumns.ALL) {
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT " + col.versionExpression() + " FROM "
                    + col.table() + " t WHERE " + col.holdsValue());
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String v = rs.getString(1);
                    if (v != null && VERSION.matcher(v).matches()) { // a malformed payload names no version
                        versions.add(v);
                    }
                }
            }
        }
        return versions;
    }
}
