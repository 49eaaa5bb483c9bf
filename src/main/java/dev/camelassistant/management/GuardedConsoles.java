package dev.camelassistant.management;

import java.util.HashMap;
import java.util.Map;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.console.DevConsole;
import org.apache.camel.console.DevConsoleRegistry;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;

/**
 * The developer console ({@code /q/dev}), served here instead of by Camel's handler, behind the
 * operator's authentication: only the consoles and query parameters of {@link ConsolePolicy}, the
 * console chosen from the path exactly as Camel chooses it, and every answer masked by
 * {@link ConsoleMasker} (Camel's handler writes what the consoles return, secrets included). Camel's
 * handler stays mounted after this one and is never reached: this handler ends every request.
 * <p>
 * Media type as Camel picks it: JSON when {@code Accept} names json (before any html), else text.
 */
final class GuardedConsoles implements Handler<RoutingContext> {

    /** Camel's option with the path after {@code /q/dev/}, read by some consoles as a filter. */
    private static final String HTTP_PATH = "CamelHttpPath";

    private final CamelContext camelContext;

    GuardedConsoles(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpMethod method = ctx.request().method();
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            ctx.response().setStatusCode(405).putHeader(HttpHeaders.ALLOW, "GET, HEAD").end();
            return;
        }
        String path = ctx.request().path();
        String id = ConsolePolicy.consoleId(path);
        if (!ConsolePolicy.allowed(id)) {
            ctx.response().setStatusCode(404).end();
            return;
        }
        String refused = ConsolePolicy.refusedParameter(id, ctx.queryParams().names());
        if (refused != null) {
            // the name only: a value may be anything the caller chose
            ctx.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                    .end("the " + id + " console does not accept the parameter '" + refused.replaceAll("[^A-Za-z0-9_.-]", "?")
                         + "': consoles here only read\n");
            return;
        }
        DevConsoleRegistry registry = DevConsoleRegistry.get(camelContext);
        if (!Boolean.TRUE.equals(camelContext.isDevConsole()) || registry == null || !registry.isEnabled()) {
            ctx.response().setStatusCode(404).end();
            return;
        }
        boolean json = wantsJson(ctx.request().getHeader(HttpHeaders.ACCEPT));
        Map<String, Object> options = new HashMap<>();
        ctx.queryParams().forEach(options::put);
        options.put(HTTP_PATH, path.length() > ConsolePolicy.DEV.length() ? path.substring(ConsolePolicy.DEV.length() + 1) : "");
        // consoles read JMX, the database-backed health checks, thread dumps: off the event loop
        ctx.vertx().<String>executeBlocking(() -> ConsolePolicy.INDEX.equals(id)
                ? index(registry, json) : call(registry, id, json, options), false).onComplete(result -> {
                    if (result.failed()) {
                        ctx.response().setStatusCode(500).end();
                    } else if (result.result() == null) {
                        ctx.response().setStatusCode(404).end();
                    } else {
                        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, json ? "application/json" : "text/plain")
                                .end(result.result());
                    }
                });
    }

    static boolean wantsJson(String accept) {
        if (accept == null) {
            return false;
        }
        int json = accept.indexOf("json");
        int html = accept.indexOf("html");
        return json >= 0 && (html < 0 || json < html);
    }

    private static String call(DevConsoleRegistry registry, String id, boolean json, Map<String, Object> options) {
        DevConsole console = registry.stream().filter(c -> c.getId().equalsIgnoreCase(id)).findFirst().orElse(null);
        DevConsole.MediaType type = json ? DevConsole.MediaType.JSON : DevConsole.MediaType.TEXT;
        if (console == null || !console.supportMediaType(type)) {
            return null;
        }
        Object out = console.call(type, options);
        if (json) {
            JsonObject root = new JsonObject();
            root.put(console.getId(), out == null ? new JsonObject() : ConsoleMasker.maskJson(out));
            return Jsoner.serialize(root);
        }
        return console.getDisplayName() + ":\n\n" + ConsoleMasker.maskText(out == null ? "" : out.toString()) + "\n\n";
    }

    /** The consoles this server serves (not every console Camel has). */
    private static String index(DevConsoleRegistry registry, boolean json) {
        JsonObject root = new JsonObject();
        StringBuilder text = new StringBuilder();
        registry.stream().filter(c -> ConsolePolicy.CONSOLES.containsKey(c.getId())).sorted(
                java.util.Comparator.comparing(DevConsole::getId)).forEach(c -> {
                    JsonObject entry = new JsonObject();
                    entry.put("id", c.getId());
                    entry.put("displayName", c.getDisplayName());
                    entry.put("description", c.getDescription());
                    root.put(c.getId(), entry);
                    text.append(c.getId()).append('\n');
                });
        return json ? Jsoner.serialize(root) : text.toString();
    }
}
