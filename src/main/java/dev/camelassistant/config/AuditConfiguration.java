package dev.camelassistant.config;

import java.time.Clock;

import javax.sql.DataSource;

import dev.camelassistant.audit.AuditCommand;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.audit.AuditQuery;
import dev.camelassistant.audit.AuditRetention;
import dev.camelassistant.audit.AuditTrail;
import dev.camelassistant.metrics.BotMetrics;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.PropertyInject;

/** The audit trail (queued, written in batches by routes/audit.camel.yaml), /audit and its retention. */
public class AuditConfiguration extends FeatureConfiguration {

    @PropertyInject("audit.queue-capacity")
    int queueCapacity;
    @PropertyInject("audit.batch-size")
    int batchSize;
    @PropertyInject("audit.batch-timeout-ms")
    long batchTimeoutMs;
    @PropertyInject("audit.retention-days")
    int retentionDays;
    @PropertyInject("audit.cleanup-batch-size")
    int cleanupBatchSize;
    @BeanInject("dataSource")
    DataSource dataSource;
    @BeanInject("botMetrics")
    BotMetrics metrics;

    @BindToRegistry("auditTrail")
    public AuditTrail auditTrail() {
        AuditTrail trail = new AuditTrail(queueCapacity, batchSize);
        trail.setBatchTimeoutMs(batchTimeoutMs);
        // a service after the database: Camel stops services in reverse, so the queue flushes first
        service(trail);
        metrics.watchAuditQueue(trail, AuditTrail::pending, AuditTrail::droppedTotal);
        return trail;
    }

    @BindToRegistry("auditCommand")
    public AuditCommand auditCommand() {
        return new AuditCommand(new AuditQuery(dataSource));
    }

    @BindToRegistry("auditRetention")
    public AuditRetention auditRetention(AuditTrail trail) {
        return new AuditRetention(trail, retentionDays, cleanupBatchSize, Clock.systemUTC());
    }

    @BindToRegistry("audit")
    public AuditEvents audit(AuditTrail trail) {
        return new AuditEvents(trail, metrics);
    }
}
