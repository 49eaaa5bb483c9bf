package dev.camelassistant.config;

import java.nio.file.Path;
import java.time.Clock;

import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.audit.AuditRetention;
import dev.camelassistant.audit.AuditTrail;
import dev.camelassistant.health.HealthConfiguration;
import dev.camelassistant.logging.CorrelationId;
import dev.camelassistant.telegram.AccessControl;
import dev.camelassistant.telegram.Commands;
import dev.camelassistant.telegram.InboundMessages;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The beans the YAML routes call, built once from the resolved properties. Camel stops the
 * database (pool and embedded server) when the context shuts down.
 */
public class AppConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent props = context.getPropertiesComponent();
        var registry = context.getRegistry();

        Path dataDir = Path.of(prop(props, "app.data-dir", "./data"));
        Database database = Database.open(prop(props, "database.url", ""), prop(props, "database.user", "postgres"),
                prop(props, "database.password", ""), dataDir, Integer.parseInt(prop(props, "database.pool-size", "8")));
        context.addService(new DatabaseService(database), true, true);
        database.migrate();
        registry.bind("database", database);
        registry.bind("dataSource", database.dataSource());

        int auditCapacity = Integer.parseInt(prop(props, "audit.queue-capacity", "10000"));
        AuditTrail auditTrail = new AuditTrail(database.dataSource(), auditCapacity,
                Integer.parseInt(prop(props, "audit.batch-size", "100")));
        // added after the database: Camel stops services in reverse, so the audit queue flushes first
        context.addService(auditTrail, true, true);
        registry.bind("auditTrail", auditTrail);
        registry.bind("audit", new AuditEvents(auditTrail));
        registry.bind("auditRetention", new AuditRetention(database.dataSource(), auditTrail,
                Integer.parseInt(prop(props, "audit.retention-days", "30")),
                Integer.parseInt(prop(props, "audit.cleanup-batch-size", "10000")), Clock.systemUTC()));

        AccessControl access = new AccessControl(prop(props, "telegram.admin-chat-id", ""),
                prop(props, "telegram.allowed-chat-ids", ""));
        registry.bind("accessControl", access);
        registry.bind("inboundMessages", new InboundMessages(access));
        registry.bind("commands", new Commands());
        registry.bind("correlationId", new CorrelationId());

        new HealthConfiguration().configure(context);
    }

    static String prop(PropertiesComponent props, String key, String fallback) {
        return props.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty()).orElse(fallback);
    }

    /** Ties the database to Camel's lifecycle: closed after the routes have stopped. */
    static final class DatabaseService extends ServiceSupport {
        private final Database database;

        DatabaseService(Database database) {
            this.database = database;
        }

        @Override
        protected void doStop() {
            database.close();
        }
    }
}
