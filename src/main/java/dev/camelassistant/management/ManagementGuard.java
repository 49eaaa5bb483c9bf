package dev.camelassistant.management;

import java.util.Collection;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

/**
 * The first handler of the management server, for every path.
 * <ul>
 *   <li>Health ({@code /observe/health}, {@code /live}, {@code /ready}) without credentials: answered
 *       here with the status only, {@code {"status":"UP"}} (200) or {@code DOWN} (503), whatever the
 *       query asks for.</li>
 *   <li>Health with credentials: passed on to Camel's authentication and then Camel's health console,
 *       in full detail unless the operator asks for less; never with stack traces.</li>
 *   <li>Anything else: passed on to Camel's authentication; without an operator password there is
 *       nothing else to serve (404).</li>
 * </ul>
 * A path that is mistaken for a health path gets the status only; one mistaken for another path
 * needs credentials: either way nothing is shown that should not be.
 */
final class ManagementGuard implements Handler<RoutingContext> {

    /** Before every handler Camel adds, its authentication included. */
    static final int ORDER = -10_000;

    enum Health { ALL, LIVE, READY }

    private final CamelContext camelContext;
    private final String healthPath;
    private final boolean operatorConfigured;

    ManagementGuard(CamelContext camelContext, String healthPath, boolean operatorConfigured) {
        this.camelContext = camelContext;
        this.healthPath = strip(healthPath == null ? "/observe/health" : healthPath);
        this.operatorConfigured = operatorConfigured;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Health health = healthOf(ctx.normalizedPath());
        if (health == null) {
            if (operatorConfigured) {
                ctx.next();
            } else {
                ctx.response().setStatusCode(404).end();
            }
            return;
        }
        ctx.request().params().remove("stackTrace");
        if (operatorConfigured && ctx.request().getHeader(HttpHeaders.AUTHORIZATION) != null) {
            if (ctx.request().getParam("exposureLevel") == null) {
                ctx.request().params().set("exposureLevel", "full");
            }
            ctx.next();
            return;
        }
        // health checks may block (database, Redis, HTTP probes): off the event loop
        ctx.vertx().<Boolean>executeBlocking(() -> isUp(health), false).onComplete(result -> {
            boolean up = result.succeeded() && result.result();
            ctx.response().setStatusCode(up ? 200 : 503)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
        });
    }

    Health healthOf(String path) {
        if (path == null) {
            return null;
        }
        String p = strip(path);
        if (p.equals(healthPath)) {
            return Health.ALL;
        }
        if (p.equals(healthPath + "/live")) {
            return Health.LIVE;
        }
        if (p.equals(healthPath + "/ready")) {
            return Health.READY;
        }
        return null;
    }

    private boolean isUp(Health health) {
        Collection<HealthCheck.Result> results = switch (health) {
            case ALL -> HealthCheckHelper.invoke(camelContext);
            case LIVE -> HealthCheckHelper.invokeLiveness(camelContext);
            case READY -> HealthCheckHelper.invokeReadiness(camelContext);
        };
        return HealthCheckHelper.isResultsUp(results, health == Health.READY);
    }

    private static String strip(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
