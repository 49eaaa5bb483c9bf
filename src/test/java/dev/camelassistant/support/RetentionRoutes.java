package dev.camelassistant.support;

import java.util.Map;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;

/**
 * The retention routes (routes/retention.camel.yaml and a cleanup file that makes its purge routes
 * from that template) in a small Camel context, so a test runs a purge the way the nightly job does.
 */
public final class RetentionRoutes implements AutoCloseable {

    private final CamelContext context;

    /**
     * @param cleanupFile e.g. "audit-cleanup"
     * @param beans       the retention beans the file's purge routes name (auditRetention, ...)
     */
    public RetentionRoutes(DataSource dataSource, String cleanupFile, Map<String, Object> beans) throws Exception {
        java.util.Map<String, Object> bound = new java.util.HashMap<>(beans);
        bound.put("dataSource", dataSource);
        context = BotRouteTestSupport.routesOnly(bound, new java.util.Properties(), "retention", cleanupFile);
        // only the purge routes are wanted here, not the schedule
        context.getRouteController().stopRoute(cleanupFile);
    }

    /** Runs a purge route (e.g. "audit-purge") to the end; returns the rows it deleted. */
    public long purge(String route) {
        return context.createProducerTemplate().requestBody("direct:" + route, null, Long.class);
    }

    public CamelContext context() {
        return context;
    }

    @Override
    public void close() {
        context.stop();
    }
}
