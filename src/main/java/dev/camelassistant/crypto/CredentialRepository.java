package dev.camelassistant.crypto;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code credentials} table: named values, each encrypted with {@link CredentialCipher}.
 * Plain JDBC; store and delete are audited with the credential's name only, never its value
 * ({@link KeyRotation} re-encrypts this table with the others).
 */
public final class CredentialRepository {

    /** Largest value accepted: 64 KiB of UTF-8. */
    public static final int MAX_VALUE_BYTES = 64 * 1024;
    public static final int MAX_NAME_LENGTH = 128;

    private static final Logger LOG = LoggerFactory.getLogger(CredentialRepository.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_NAME_LENGTH + "}");

    private static final String UPSERT = """
            INSERT INTO credentials (name, ciphertext, iv, tag, key_version)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (name) DO UPDATE
               SET ciphertext = EXCLUDED.ciphertext,
                   iv = EXCLUDED.iv,
                   tag = EXCLUDED.tag,
                   key_version = EXCLUDED.key_version,
                   updated_at = now()
            """;
    private static final String SELECT_ONE = "SELECT ciphertext, iv, tag, key_version FROM credentials WHERE name = ?";
    private static final String DELETE = "DELETE FROM credentials WHERE name = ?";
    private static final String LIST = "SELECT name FROM credentials ORDER BY name COLLATE \"C\"";
    private final DataSource dataSource;
    private final CredentialCipher cipher;
    private final AuditRecorder audit;
    private final String source;

    public CredentialRepository(DataSource dataSource, CredentialCipher cipher, AuditRecorder auditRecorder) {
        this(dataSource, cipher, auditRecorder, "vault");
    }

    /** @param source the audit source: "cli" for the command line, "vault" for the bot */
    public CredentialRepository(DataSource dataSource, CredentialCipher cipher, AuditRecorder auditRecorder,
                                String source) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.audit = auditRecorder == null ? AuditRecorder.NONE : auditRecorder;
        this.source = source == null ? "vault" : source;
    }

    /** Creates or replaces a credential. */
    public void store(String name, String value) {
        validateName(name);
        validateValue(value);
        EncryptedPayload p = cipher.encrypt(value, name);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(UPSERT)) {
            ps.setString(1, name);
            ps.setString(2, p.ciphertext());
            ps.setString(3, p.iv());
            ps.setString(4, p.tag());
            ps.setString(5, p.keyVersion());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("store credential '" + name + "'", e);
        }
        record("credential_store", Map.of("name", name));
    }

    /**
     * @throws CredentialAuthenticationException the stored value does not authenticate
     */
    public Optional<String> retrieve(String name) {
        validateName(name);
        EncryptedPayload p;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SELECT_ONE)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                p = new EncryptedPayload(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
            }
        } catch (SQLException e) {
            throw failure("read credential '" + name + "'", e);
        }
        return Optional.of(cipher.decrypt(p, name));
    }

    /** @return whether a credential of that name existed */
    public boolean delete(String name) {
        validateName(name);
        int rows;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DELETE)) {
            ps.setString(1, name);
            rows = ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("delete credential '" + name + "'", e);
        }
        if (rows > 0) {
            record("credential_delete", Map.of("name", name));
        }
        return rows > 0;
    }

    /** The names of all credentials, sorted (byte order). */
    public List<String> list() {
        List<String> names = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LIST);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw failure("list credentials", e);
        }
        return names;
    }

    /** @throws IllegalArgumentException the name is not 1–128 characters of letters, digits, '.', '_', ':' or '-' */
    public static void validateName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid credential name: use 1 to " + MAX_NAME_LENGTH
                    + " characters of letters, digits, '.', '_', ':' or '-'");
        }
    }

    /** @throws IllegalArgumentException the value is null or longer than 64 KiB of UTF-8 (the value is not echoed) */
    public static void validateValue(String value) {
        if (value == null) {
            throw new IllegalArgumentException("credential value is missing");
        }
        // cheap bound first: a UTF-8 char is at most 3 bytes per UTF-16 unit
        if (value.length() > MAX_VALUE_BYTES / 3) {
            int bytes = value.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_VALUE_BYTES) {
                throw new IllegalArgumentException("credential value is too large: " + bytes
                        + " bytes of UTF-8, the limit is " + MAX_VALUE_BYTES + " (64 KiB)");
            }
        }
    }

    private void record(String action, Map<String, Object> metadata) {
        try {
            audit.record(AuditEntry.success(null, null, action, source, metadata));
        } catch (RuntimeException e) {
            LOG.warn("Could not audit {}: {}", action, e.getClass().getSimpleName());
        }
    }

    private static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("could not " + what + ": database error"
                + (e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")") + ": " + e.getMessage(), e);
    }
}
