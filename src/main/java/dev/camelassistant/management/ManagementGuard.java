package dev.camelassistant.management;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

/**
 * The first handler of the management server, for every path.
 * <ul>
 *   <li>Health ({@code /observe/health}, {@code /live}, {@code /ready}, GET or HEAD) without
 *       credentials: answered here with the status only, {@code {"status":"UP"}} (200) or
 *       {@code DOWN} (503), whatever the query asks for.</li>
 *   <li>Health with Basic credentials: passed on to Camel's authentication and then Camel's health
 *       console, in full detail unless the operator asks for less; never with stack traces.</li>
 *   <li>Anything else, without an operator password: 404 (there is nothing else to serve).</li>
 *   <li>Jolokia: POST only (405 otherwise).</li>
 *   <li>Anything else, with one: refused when a browser sends it from another site (the operator's
 *       saved credentials must not work for someone else's page: cross-site request forgery); then
 *       Camel's authentication; then, for the dev console, {@link GuardedConsoles}.</li>
 * </ul>
 * Before all of this, a path that is not in its normal form ({@link #canonical}) is refused (400),
 * for everyone: handlers that read the raw path and handlers that read the decoded one would
 * otherwise see two different requests.
 * A path that is mistaken for a health path gets the status only; one mistaken for another path
 * needs credentials: either way nothing is shown that should not be.
 */
final class ManagementGuard implements Handler<RoutingContext> {

    /** Before every handler Camel adds, its authentication included. */
    static final int ORDER = -10_000;


    enum Health { ALL, LIVE, READY }

    private final CamelContext camelContext;
    private final String healthPath;
    private final String jolokiaPath;
    private final boolean operatorConfigured;

    ManagementGuard(CamelContext camelContext, String healthPath, String jolokiaPath, boolean operatorConfigured) {
        this.camelContext = camelContext;
        this.healthPath = strip(healthPath == null ? "/observe/health" : healthPath);
        this.jolokiaPath = strip(jolokiaPath == null ? "/observe/jolokia" : jolokiaPath);
        this.operatorConfigured = operatorConfigured;
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (!canonical(ctx.request().path())) {
            // Vert.x routes by the normalised path, Camel's dev console picks its console from the raw
            // one: only a path that is the same either way is served (no %-escapes, "..", "//")
            ctx.response().setStatusCode(400).end();
            return;
        }
        String path = ctx.normalizedPath();
        Health health = healthOf(path);
        if (health != null) {
            health(ctx, health);
            return;
        }
        if (!operatorConfigured) {
            ctx.response().setStatusCode(404).end();
            return;
        }
        if (crossSite(ctx.request().getHeader("Sec-Fetch-Site"), ctx.request().getHeader(HttpHeaders.ORIGIN),
                ctx.request().getHeader(HttpHeaders.REFERER), ctx.request().getHeader(HttpHeaders.HOST))) {
            ctx.response().setStatusCode(403).end("cross-site requests are refused");
            return;
        }
        if (isJolokia(path) && !HttpMethod.POST.equals(ctx.request().method())) {
            // Jolokia answers GET too (exec included); Camel's Jolokia handler does not apply the
            // access policy's <http> methods, so a link or an image could otherwise run an operation
            ctx.response().setStatusCode(405).putHeader(HttpHeaders.ALLOW, "POST").end();
            return;
        }
        String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && !isBasic(authorization)) {
            // Vert.x would answer 400 and log a stack trace for a malformed header
            ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Basic realm=\"vertx-web\"").end();
            return;
        }
        ctx.next();
    }

    private void health(RoutingContext ctx, Health health) {
        HttpMethod method = ctx.request().method();
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            ctx.response().setStatusCode(405).putHeader(HttpHeaders.ALLOW, "GET, HEAD").end();
            return;
        }
        ctx.request().params().remove("stackTrace");
        if (operatorConfigured && isBasic(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
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

    boolean isJolokia(String path) {
        String p = strip(path == null ? "" : path);
        return p.equals(jolokiaPath) || p.startsWith(jolokiaPath + "/");
    }

    /**
     * True when a browser sent the request from a page of another site. Browsers say so in
     * Sec-Fetch-Site; older ones are judged by Origin, then Referer, against the Host they asked.
     * A request without any of these (curl, Prometheus, Hawtio's server-side proxy) is not cross-site.
     */
    static boolean crossSite(String secFetchSite, String origin, String referer, String host) {
        if (secFetchSite != null) {
            return !secFetchSite.equalsIgnoreCase("same-origin") && !secFetchSite.equalsIgnoreCase("none");
        }
        if (origin != null) {
            return !sameHost(origin, host);
        }
        if (referer != null) {
            return !sameHost(referer, host);
        }
        return false;
    }

    private static boolean sameHost(String url, String host) {
        if (host == null) {
            return false;
        }
        try {
            URI uri = URI.create(url.trim());
            if (uri.getHost() == null) {
                return false; // "null" (sandboxed frames, file: pages) and anything unparsable
            }
            String authority = uri.getPort() >= 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost();
            return authority.equalsIgnoreCase(host.trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A well-formed "Basic base64(user:password)" header. */
    static boolean isBasic(String authorization) {
        if (authorization == null || authorization.length() < 7 || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        try {
            return new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8)
                    .indexOf(':') > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * True for a path already in its normal form, which every handler reads the same way: starts
     * with "/", no percent-escape (an encoded dot, slash or backslash would be decoded by some readers
     * and not by others), no backslash, no empty segment ("//") and no "." or ".." segment.
     */
    static boolean canonical(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/") || rawPath.indexOf('%') >= 0 || rawPath.indexOf('\\') >= 0
            || rawPath.contains("//")) {
            return false;
        }
        for (String segment : rawPath.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
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
