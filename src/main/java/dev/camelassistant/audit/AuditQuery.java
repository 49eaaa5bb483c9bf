package dev.camelassistant.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

/** Reads the audit trail of one message for the owner's {@code /audit <reference>}. */
public class AuditQuery {

    private static final String SQL = "SELECT correlation_id, user_id, action, source, model, metadata::text, status,"
                                      + " error_message, created_at FROM audit_trail WHERE correlation_id LIKE ?"
                                      + " ORDER BY created_at, id LIMIT 200";
    private static final int QUERY_TIMEOUT_SECONDS = 2;

    private final DataSource dataSource;

    public AuditQuery(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Entries of one correlation id (the full id or the short form printed to users), oldest first;
     * none for a reference that is not hexadecimal.
     */
    public List<AuditEntry> entries(String correlationId) {
        String id = correlationId == null ? "" : correlationId.trim();
        if (!id.matches("[0-9a-fA-F-]{4,64}")) {
            return List.of();
        }
        List<AuditEntry> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SQL)) {
            // the audit-command route has one consumer (seda:audit-command): a locked or slow table must not
            // hold it, nor the /audit commands queued behind it
            ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            ps.setString(1, id.toLowerCase(Locale.ROOT) + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(AuditRows.fromRow(rs));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("audit trail query failed: " + e.getSQLState(), e);
        }
        return out;
    }
}
