package dev.camelassistant.management;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which developer consoles the operator may open, and with which query parameters. Checked in
 * Camel 4.17.0's own code (camel-platform-http-main {@code ManagementHttpServer}, camel-console,
 * camel-main, camel-quartz, camel-micrometer, camel-platform-http):
 * <ul>
 *   <li>Camel picks the console from the <em>raw</em> request path ({@code request().path()}): the
 *       text after the first {@code /q/dev/}, up to the next {@code /}, compared ignoring case ("all"
 *       runs every console). {@link #consoleId} does exactly that, and {@link ManagementGuard} refuses
 *       every path that is not already in its normal form (no {@code %}, {@code ..}, {@code //}), so
 *       the console checked here is the console that answers.</li>
 *   <li>Camel hands every query parameter to the console. Some change state: {@code action}
 *       (route, route-group, processor: start, stop, suspend, resume), {@code reload} (reload),
 *       {@code enabled} (trace, receive), {@code endpoint}/{@code body} (send), {@code command}
 *       (debug). So each console accepts only the parameters it reads to filter or shape what it
 *       shows ({@link #CONSOLES}); any other parameter is refused (400), whatever its value.</li>
 * </ul>
 * The consoles kept only read state. What they show passes through {@link ConsoleMasker} first
 * (route errors, health details, properties hold secrets otherwise). Left out: bean, bean-model and
 * default-registry (every bean's properties, the DataSource's password), browse, send, receive,
 * debug, trace, message-history, variables, stub (message bodies, sending, or changing what routes
 * do), and "all".
 */
final class ConsolePolicy {

    static final String DEV = "/q/dev";

    private static final Set<String> NONE = Set.of();
    private static final Set<String> FILTER_LIMIT = Set.of("filter", "limit");

    /** Console id to the query parameters it may be given (each read-only: filters, limits, format). */
    static final Map<String, Set<String>> CONSOLES = Map.ofEntries(
            Map.entry("context", NONE),
            Map.entry("route", Set.of("filter", "limit", "processors")), // not "action"
            Map.entry("route-dump", Set.of("filter", "limit", "format", "uriAsParameters")),
            Map.entry("route-structure", Set.of("filter", "limit", "brief")),
            Map.entry("route-group", FILTER_LIMIT), // not "action"
            Map.entry("route-controller", Set.of("error", "stacktrace")),
            Map.entry("processor", FILTER_LIMIT), // not "action"
            Map.entry("health", Set.of("exposureLevel")),
            Map.entry("consumer", NONE),
            Map.entry("producer", NONE),
            Map.entry("endpoint", NONE),
            Map.entry("event", NONE),
            Map.entry("gc", NONE),
            Map.entry("jvm", NONE),
            Map.entry("memory", NONE),
            Map.entry("thread", Set.of("stackTrace")),
            Map.entry("top", FILTER_LIMIT),
            Map.entry("blocked", NONE),
            Map.entry("inflight", FILTER_LIMIT),
            Map.entry("internal-tasks", NONE),
            Map.entry("circuit-breaker", NONE),
            Map.entry("micrometer", Set.of("filter", "tags")),
            Map.entry("startup-recorder", NONE),
            Map.entry("service", NONE),
            Map.entry("reload", NONE), // not "reload" (reloads the routes) nor "wait"
            Map.entry("log", NONE),
            Map.entry("platform-http", NONE),
            Map.entry("main-http-server", NONE),
            Map.entry("type-converters", NONE),
            Map.entry("transformers", NONE),
            Map.entry("quartz", NONE),
            Map.entry("rest", NONE),
            Map.entry("java-security", NONE),
            Map.entry("source", FILTER_LIMIT),
            // values masked by ConsoleMasker: by the registered secret values and by secret key names
            Map.entry("properties", NONE),
            Map.entry("main-configuration", NONE),
            Map.entry("system-properties", NONE));

    /** The index (list of consoles) takes no parameter. */
    static final String INDEX = "index";

    private ConsolePolicy() {
    }

    /**
     * The console a dev console path reaches, as Camel reads it: {@link #INDEX} for {@code /q/dev}
     * and {@code /q/dev/}, else the text after the first {@code /q/dev/} up to the next {@code /},
     * lower-cased (Camel compares ignoring case). Null when the path is not under {@code /q/dev}.
     */
    static String consoleId(String rawPath) {
        if (rawPath == null || !(rawPath.equals(DEV) || rawPath.startsWith(DEV + "/"))) {
            return null;
        }
        String rest = rawPath.length() > DEV.length() ? rawPath.substring(DEV.length() + 1) : "";
        int slash = rest.indexOf('/');
        String id = slash >= 0 ? rest.substring(0, slash) : rest;
        return id.isEmpty() ? INDEX : id.toLowerCase(Locale.ROOT);
    }

    /** True when the console is one of {@link #CONSOLES} or the index. */
    static boolean allowed(String consoleId) {
        return INDEX.equals(consoleId) || consoleId != null && CONSOLES.containsKey(consoleId);
    }

    /**
     * The first query parameter this console does not accept (it may change state, or is simply
     * unknown), or null when every one is accepted. Names are compared exactly, as the consoles read them.
     */
    static String refusedParameter(String consoleId, Collection<String> parameterNames) {
        Set<String> accepted = INDEX.equals(consoleId) ? NONE : CONSOLES.getOrDefault(consoleId, NONE);
        for (String name : parameterNames) {
            if (!accepted.contains(name)) {
                return name;
            }
        }
        return null;
    }
}
