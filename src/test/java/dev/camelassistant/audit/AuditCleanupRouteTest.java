package dev.camelassistant.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.Map;
import java.util.Properties;

import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.LogCapture;
import dev.camelassistant.support.TestDatabaseExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInstance;
import org.quartz.CronTrigger;
import org.quartz.TriggerKey;

import static dev.camelassistant.support.Sql.count;
import static dev.camelassistant.support.BotRouteTestSupport.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** routes/audit-cleanup.camel.yaml: its schedule comes from configuration, and a run purges, logs and records. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditCleanupRouteTest {

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();

    @Test
    void byDefaultTheCleanupRunsDailyAtThreeInTheMorning() throws Exception {
        // application.properties as shipped, AUDIT_CLEANUP_CRON unset in the test environment
        CamelContext ctx = BotRouteTestSupport.routesOnly(Map.of("dataSource", DB.dataSource(),
                        "auditRetention", new AuditRetention(AuditRecorder.NONE, 30, 10_000, Clock.systemUTC())),
                new Properties(), "retention", "audit-cleanup");
        try {
            assertThat(System.getenv("AUDIT_CLEANUP_CRON")).isNull();
            QuartzEndpoint endpoint = (QuartzEndpoint) ctx.getRoute("audit-cleanup").getEndpoint();
            assertThat(endpoint.getCron()).isEqualTo("0 0 3 * * ?");
            CronTrigger trigger = (CronTrigger) ctx.getComponent("quartz", QuartzComponent.class).getScheduler()
                    .getTrigger(TriggerKey.triggerKey("cleanup", "audit"));
            Date next = trigger.getNextFireTime();
            ZonedDateTime at = next.toInstant().atZone(trigger.getTimeZone().toZoneId());
            assertThat(at.getHour()).isEqualTo(3);
            assertThat(at.getMinute()).isZero();
            assertThat(Duration.between(java.time.Instant.now(), next.toInstant())).isBetween(Duration.ZERO, Duration.ofDays(1));
        } finally {
            ctx.stop();
        }
    }

    @Test
    void aScheduledRunPurgesLogsTheCountAndRecordsAnAuditCleanupEntry() throws Exception {
        AuditRetentionTest.fill(DB.dataSource(), 1_000); // 501 expired
        AuditTrail trail = new AuditTrail(1_000, 100);
        trail.setBatchTimeoutMs(100);
        AuditRetention retention = new AuditRetention(trail, 30, 100,
                Clock.fixed(AuditRetentionTest.NOW, ZoneOffset.UTC));
        try (LogCapture logs = LogCapture.json()) {
            CamelContext ctx = BotRouteTestSupport.routesOnly(
                    Map.of("auditTrail", trail, "dataSource", DB.dataSource(), "auditRetention", retention),
                    properties("audit.batch-timeout-ms", "100", "audit.cleanup-cron", "0/1 * * * * ?", "audit.retention-days", "30"),
                    "audit", "retention", "audit-cleanup");
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> count(DB.dataSource(),
                        "SELECT count(*) FROM audit_trail WHERE action = 'audit_cleanup' AND metadata->>'deleted' = '501'") == 1);
                // every step is named in the files; at run time the template instance's prefixId makes the
                // purge route's ids unique
                assertThat(AuditTestSupport.stepIds(ctx, "audit-cleanup")).containsExactly("audit-cleanup-purge", "audit-cleanup-log");
                assertThat(AuditTestSupport.stepIds(ctx, "audit-purge")).containsExactly("start", "batches", "delete-batch",
                        "count-batch", "finish");
                assertThat(ctx.getProcessor("audit-purge-delete-batch")).isNotNull();
                assertThat(ctx.getProcessor("delete-batch")).isNull();
            } finally {
                ctx.stop();
            }
            assertThat(count(DB.dataSource(), "SELECT count(*) FROM audit_trail WHERE created_at < "
                                              + AuditRetentionTest.CUTOFF)).isZero();
            assertThat(count(DB.dataSource(), "SELECT count(*) FROM audit_trail WHERE action = 'message_received'"))
                    .isEqualTo(500);
            assertThat(logs.lines()).anyMatch(l -> l.contains("Audit cleanup deleted 501 entries older than 30 days")
                                                   && l.contains("\"level\":\"INFO\""));
        }
    }
}
