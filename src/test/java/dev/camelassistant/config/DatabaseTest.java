package dev.camelassistant.config;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import dev.camelassistant.support.TestDatabases;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Migrations against a real PostgreSQL: an empty database, then a second start. */
class DatabaseTest {

    @Test
    void migrationsCreateTheContractTablesAndASecondStartAppliesNothing() throws Exception {
        try (TestDatabases test = TestDatabases.create()) {
            // TestDatabases.create() already migrated an empty database: a second start finds nothing to do
            try (Database again = Database.open(test.jdbcUrl(), TestDatabases.user(), TestDatabases.password(),
                    Path.of("target"), 2)) {
                assertThat(again.migrate()).isZero();
            }
            try (Connection c = test.dataSource().getConnection()) {
                assertThat(columns(c, "credentials")).contains("name", "ciphertext", "iv", "tag", "key_version",
                        "created_at", "updated_at");
                assertThat(columns(c, "audit_trail")).contains("id", "correlation_id", "user_id", "action", "source",
                        "model", "metadata", "status", "error_message", "created_at");
                assertThat(indexes(c, "audit_trail")).contains("idx_audit_trail_created_at",
                        "idx_audit_trail_correlation_id");
                try (ResultSet rs = c.createStatement().executeQuery(
                        "SELECT data_type FROM information_schema.columns WHERE table_name = 'audit_trail' AND column_name = 'metadata'")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("jsonb");
                }
            }
        }
    }

    @Test
    void hostAndDatabaseNeverIncludeCredentials() {
        assertThat(Database.hostAndDatabase("jdbc:postgresql://db.example:5432/bot?user=u&password=hunter2"))
                .isEqualTo("db.example:5432/bot");
    }

    private static List<String> columns(Connection c, String table) throws Exception {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getColumns(null, null, table, null)) {
            while (rs.next()) {
                out.add(rs.getString("COLUMN_NAME"));
            }
        }
        return out;
    }

    private static List<String> indexes(Connection c, String table) throws Exception {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getIndexInfo(null, null, table, false, false)) {
            while (rs.next()) {
                out.add(rs.getString("INDEX_NAME"));
            }
        }
        return out;
    }
}
