package dev.camelassistant.telegram;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.support.RetentionRoutes;
import dev.camelassistant.support.TestDatabaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** The nightly job deletes the inbox and outbox rows of finished messages, never the rows still waiting. */
class MessageRetentionTest {

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();

    private final List<AuditEntry> recorded = new ArrayList<>();

    @Test
    void onlyFinishedRowsOlderThanTheRetentionAreDeleted() throws Exception {
        execute("INSERT INTO telegram_inbox (chat_id, message_id, correlation_id, state, received_at, answered_at) VALUES"
                + " (1, 1, 'old-answered', 'answered', now() - interval '40 days', now() - interval '40 days'),"
                + " (1, 2, 'recent-answered', 'answered', now() - interval '2 days', now() - interval '2 days'),"
                + " (1, 3, 'old-unanswered', 'received', now() - interval '40 days', NULL)");
        execute("INSERT INTO telegram_outbox (chat_id, part_no, correlation_id, state, next_attempt_at, created_at, finished_at) VALUES"
                + " (1, 0, 'old-sent', 'sent', now(), now() - interval '40 days', now() - interval '40 days'),"
                + " (1, 0, 'old-failed', 'failed', now(), now() - interval '40 days', now() - interval '39 days'),"
                + " (1, 0, 'recent-sent', 'sent', now(), now() - interval '2 days', now() - interval '2 days'),"
                + " (1, 0, 'old-pending', 'pending', now(), now() - interval '40 days', NULL)");

        execute("INSERT INTO telegram_edits (chat_id, message_id, edit_date, received_at) VALUES"
                + " (1, 1, 100, now() - interval '40 days'), (1, 2, 200, now() - interval '2 days')");

        long inbox;
        long outbox;
        long edits;
        try (RetentionRoutes routes = new RetentionRoutes(DB.dataSource(), "message-cleanup", Map.of(
                "inboxRetention", new MessageRetention(recorded::add, 30, 5000, "inbox_cleanup"),
                "outboxRetention", new MessageRetention(recorded::add, 30, 5000, "outbox_cleanup"),
                "editsRetention", new MessageRetention(recorded::add, 30, 5000, "edits_cleanup")))) {
            inbox = routes.purge("inbox-purge");
            outbox = routes.purge("outbox-purge");
            edits = routes.purge("edits-purge");
        }

        assertThat(inbox).isEqualTo(1);
        assertThat(outbox).isEqualTo(2);
        assertThat(strings("SELECT correlation_id FROM telegram_inbox ORDER BY message_id"))
                .containsExactly("recent-answered", "old-unanswered");
        assertThat(strings("SELECT correlation_id FROM telegram_outbox ORDER BY id")).containsExactly("recent-sent", "old-pending");
        assertThat(edits).isEqualTo(1);
        assertThat(strings("SELECT edit_date::text FROM telegram_edits")).containsExactly("200");
        assertThat(recorded).extracting(AuditEntry::action).containsExactly("inbox_cleanup", "outbox_cleanup", "edits_cleanup");
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = DB.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> strings(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DB.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
