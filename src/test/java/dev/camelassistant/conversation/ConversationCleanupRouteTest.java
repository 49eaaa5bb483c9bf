package dev.camelassistant.conversation;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import dev.camelassistant.audit.AuditRecorder;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.KeyRing;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.LogCapture;
import dev.camelassistant.support.TestDatabaseExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** routes/conversation-cleanup.camel.yaml: the worker's nightly run deletes inactive conversations and logs how many. */
class ConversationCleanupRouteTest {

    private static final String[] ROUTES = {"retention", "conversation-cleanup"};

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();

    @Test
    void byDefaultItRunsWithTheNightlyCleanup() throws Exception {
        CamelContext ctx = BotRouteTestSupport.routesOnly(Map.of("dataSource", DB.dataSource(), "conversationRetention",
                new ConversationRetention(AuditRecorder.NONE, 30, 1000, Clock.systemUTC())), new Properties(), ROUTES);
        try {
            QuartzEndpoint endpoint = (QuartzEndpoint) ctx.getRoute("conversation-cleanup").getEndpoint();
            assertThat(endpoint.getCron()).isEqualTo("0 0 3 * * ?");
        } finally {
            ctx.stop();
        }
    }

    @Test
    void aScheduledRunDeletesOldConversationsAndKeepsRecentOnes() throws Exception {
        ConversationStore store = new ConversationStore(DB.dataSource(), new CredentialCipher(KeyRing.of(KeyRing.generateHex())));
        store.append(1, false, "old", "old", null);
        store.append(2, false, "recent", "recent", null);
        execute("UPDATE conversations SET last_activity_at = now() - interval '31 days' WHERE chat_id = 1");
        execute("UPDATE conversations SET last_activity_at = now() - interval '29 days' WHERE chat_id = 2");

        try (LogCapture logs = LogCapture.json()) {
            CamelContext ctx = BotRouteTestSupport.routesOnly(Map.of("dataSource", DB.dataSource(), "conversationRetention",
                            new ConversationRetention(AuditRecorder.NONE, 30, 1000, Clock.systemUTC())),
                    BotRouteTestSupport.properties("audit.cleanup-cron", "0/1 * * * * ?", "conversation.retention-days", "30"),
                    ROUTES);
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines().stream().anyMatch(l -> l.contains(
                        "Conversation cleanup deleted 1 conversations inactive for more than 30 days")));
            } finally {
                ctx.stop();
            }
        }
        assertThat(DB.count("SELECT count(*) FROM conversations WHERE chat_id = 1")).isZero();
        assertThat(DB.count("SELECT count(*) FROM conversations WHERE chat_id = 2")).as("positive control").isEqualTo(1);
        assertThat(DB.count("SELECT count(*) FROM conversation_turns")).isEqualTo(2);
    }

    private static void execute(String sql) throws Exception {
        try (Connection c = DB.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

}
