package dev.camelassistant.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.catalog.CamelCatalog;
import org.apache.camel.catalog.DefaultCamelCatalog;
import org.apache.camel.catalog.EndpointValidationResult;
import org.apache.camel.util.StringHelper;
import org.apache.camel.util.URISupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint of the route files, checked against Camel's catalog at build time (the YAML DSL
 * validator plugin is not available here): each {@code from} and each {@code to}, {@code toD},
 * {@code wireTap}, {@code enrich}, {@code pollEnrich} and {@code poll}, in routes, route templates
 * and route configurations, with its options as the YAML DSL puts them into the URI. A misspelled
 * option, an option of the wrong side (a consumer option on a {@code to}), a value of the wrong
 * type, an unknown component or a URI that cannot be parsed fails the build.
 *
 * <p>Placeholders are resolved the way the running bot resolves them when no environment variable
 * is set: {@code {{name}}} and {@code {{name:default}}} from application.properties, and
 * {@code {{env:NAME:default}}} to its default (the environment of the build machine is not read).
 * What stays a placeholder (an environment variable without a default, a property set in code, a
 * {@code ${...}} of a toD) the catalog accepts as any value: it skips the type check of an option
 * whose value starts with <code>{{</code> or <code>${</code>, but still checks the option's name.
 */
class RouteCatalogTest {

    private static final Path ROUTES = Path.of("src/main/resources/routes");
    private static final Path PROPERTIES = Path.of("src/main/resources/application.properties");
    /** The route files have 69 endpoints (30 from); a walker that finds far fewer has lost its way. */
    private static final int MIN_ENDPOINTS = 50;

    /** YAML keys whose value is an endpoint: a URI string, or {@code uri} with a {@code parameters} map. */
    private static final Set<String> CONSUMERS = Set.of("from", "pollEnrich", "poll");
    private static final Set<String> PRODUCERS = Set.of("to", "toD", "wireTap", "enrich");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}]+)}}");

    private static final CamelCatalog CATALOG = new DefaultCamelCatalog(true);
    private static Properties properties;

    record Endpoint(String where, String kind, String uri) {
        boolean consumer() {
            return CONSUMERS.contains(kind);
        }
    }

    @BeforeAll
    static void loadProperties() throws IOException {
        properties = new Properties();
        try (Reader in = Files.newBufferedReader(PROPERTIES)) {
            properties.load(in);
        }
    }

    @Test
    void everyEndpointOfTheRouteFilesIsValidForCamelsCatalog() throws IOException {
        List<Endpoint> endpoints = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(ROUTES)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        }
        for (Path file : files) {
            endpoints.addAll(endpoints(file.getFileName().toString(), Files.readString(file)));
        }

        assertThat(files).hasSizeGreaterThanOrEqualTo(10);
        assertThat(endpoints).as("endpoints found in %s", files).hasSizeGreaterThanOrEqualTo(MIN_ENDPOINTS);
        assertThat(endpoints).filteredOn(Endpoint::consumer).as("from endpoints").hasSizeGreaterThanOrEqualTo(20);

        List<String> invalid = endpoints.stream().map(RouteCatalogTest::problem).filter(p -> p != null).toList();
        assertThat(invalid).as("endpoints the catalog rejects (of %d checked)", endpoints.size()).isEmpty();
    }

    /** The positive control: the same walker and the same check, on endpoints that are wrong. */
    @Test
    void theCheckRejectsWhatCamelWouldReject() {
        String yaml = """
                - route:
                    id: broken
                    from:
                      uri: timer:t
                      parameters:
                        peroid: 1000
                      steps:
                        - to:
                            uri: seda:x
                            parameters:
                              concurentConsumers: 2
                        - to: seda:y?concurrentConsumers=2
                        - wireTap:
                            uri: seda:z
                            parameters:
                              waitForTaskToComplete: Sometimes
                        - to: sead:x
                        - toD: "{{claude.base-url}}/v1/messages?responseTimout=5000"
                        - to: "quartz:?cron=0+0+3+*+*+?"
                - route:
                    id: broken-tool
                    from:
                      uri: tool:shout
                      parameters:
                        description: Shouts
                        parameter.text: colour
                      steps:
                        - to: seda:ok
                - routeConfiguration:
                    onException:
                      - onException:
                          exception: [java.lang.Exception]
                          steps:
                            - to:
                                uri: timer:late
                                parameters:
                                  period: soon
                """;
        List<Endpoint> endpoints = endpoints("broken.camel.yaml", yaml);
        assertThat(endpoints).hasSize(10);

        Map<String, String> problems = new TreeMap<>();
        endpoints.forEach(e -> problems.put(e.uri(), problem(e)));
        assertThat(problems.remove("seda:ok")).as("positive control: a valid endpoint in the same file").isNull();
        assertThat(problems).allSatisfy((uri, problem) -> assertThat(problem).as(uri).isNotNull());
        assertThat(problems.get("tool:shout?description=Shouts&parameter.text=colour")).contains("colour");
        assertThat(problems.get("timer:t?peroid=1000")).contains("peroid");
        assertThat(problems.get("seda:x?concurentConsumers=2")).contains("concurentConsumers");
        // spelled right, but a consumer option on a producer
        assertThat(problems.get("seda:y?concurrentConsumers=2")).contains("concurrentConsumers");
        assertThat(problems.get("seda:z?waitForTaskToComplete=Sometimes")).contains("Sometimes");
        assertThat(problems.get("sead:x")).contains("sead");
        // camel-http takes unknown options as query parameters of the request (lenient): not here
        assertThat(problems.get("https://api.anthropic.com/v1/messages?responseTimout=5000")).contains("responseTimout");
        assertThat(problems.get("timer:late?period=soon")).contains("soon");
        // a required option that application.properties does not set on the component
        assertThat(problems.get("quartz:?cron=0+0+3+*+*+?")).contains("triggerName");
    }

    @Test
    void aRequiredOptionSetOnTheComponentInApplicationPropertiesIsTakenAsGiven() {
        List<Endpoint> endpoints = endpoints("telegram.camel.yaml", """
                - from:
                    uri: telegram:bots
                    parameters:
                      timeout: 30
                      timout: 30
                """);
        // the token is not asked for (application.properties sets it on the component), the typo still is
        assertThat(problem(endpoints.get(0))).contains("timout").doesNotContain("authorizationToken");
    }

    @Test
    void placeholdersThatStayPlaceholdersAreAcceptedButTheirOptionNamesAreChecked() {
        String yaml = """
                - from:
                    uri: timer:t
                    parameters:
                      period: "{{env:NO_SUCH_VARIABLE}}"
                      delay: "{{env:NO_SUCH_VARIABLE:5s}}"
                    steps:
                      - toD: seda:${header.lane}?size=${header.size}
                      - toD: seda:x?sise=${header.size}
                """;
        List<Endpoint> endpoints = endpoints("placeholders.camel.yaml", yaml);
        assertThat(endpoints).extracting(Endpoint::uri).containsExactly(
                "timer:t?delay=5s&period={{env:NO_SUCH_VARIABLE}}",
                "seda:${header.lane}?size=${header.size}",
                "seda:x?sise=${header.size}");
        assertThat(problem(endpoints.get(0))).isNull();
        assertThat(problem(endpoints.get(1))).isNull();
        assertThat(problem(endpoints.get(2))).contains("sise");
    }

    /** Null when the catalog accepts the endpoint, else the file, place, URI and the catalog's reasons. */
    static String problem(Endpoint endpoint) {
        if (endpoint.uri().startsWith("tool:")) {
            return toolProblem(endpoint);
        }
        EndpointValidationResult result = validate(endpoint.uri(), endpoint.consumer());
        // The catalog judges the URI alone, so it calls an option missing that the bot sets on the
        // component instead (telegram's authorizationToken: camel.component.telegram.authorization-token
        // in application.properties, so the token is in no URI). Only such a required option is taken
        // as given, as a placeholder that names the property; every other check stays as it was.
        if (result.getRequired() != null) {
            String scheme = endpoint.uri().substring(0, endpoint.uri().indexOf(':'));
            String given = result.getRequired().stream()
                    .filter(name -> componentProperty(scheme, name) != null)
                    .map(name -> name + "={{" + componentProperty(scheme, name) + "}}")
                    .reduce((a, b) -> a + "&" + b).orElse(null);
            if (given != null) {
                result = validate(endpoint.uri() + (endpoint.uri().contains("?") ? "&" : "?") + given, endpoint.consumer());
            }
        }
        // isSuccess() leaves out an unknown component and a URI the catalog cannot read (a
        // placeholder for the scheme): for this check both are failures, and so is a deprecated option
        boolean ok = result.isSuccess() && result.getUnknownComponent() == null && result.getIncapable() == null
                && result.getDeprecated() == null;
        if (ok) {
            return null;
        }
        String reasons = result.summaryErrorMessage(false, false, false);
        if (reasons == null || reasons.isBlank()) {
            reasons = result.getUnknownComponent() != null ? "unknown component: " + result.getUnknownComponent()
                    : "cannot be checked (placeholder for the component): " + result.getIncapable();
        }
        return endpoint.where() + " " + endpoint.kind() + " " + endpoint.uri() + "\n" + reasons.strip();
    }

    /**
     * The project's own tool: component is not in Camel's catalog: its endpoint is made by the component
     * itself, which refuses what the route would fail to start with (no description, an unknown type or option).
     */
    private static String toolProblem(Endpoint endpoint) {
        org.apache.camel.impl.DefaultCamelContext ctx = new org.apache.camel.impl.DefaultCamelContext();
        try {
            ctx.getEndpoint(endpoint.uri());
            return null;
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            return endpoint.where() + " " + endpoint.kind() + " " + endpoint.uri() + "\n" + cause.getMessage();
        } finally {
            ctx.stop();
        }
    }

    private static EndpointValidationResult validate(String uri, boolean consumer) {
        // ignoreLenientProperties: camel-http is lenient (an unknown option becomes a query parameter
        // of the request), which would let a misspelled option through
        return CATALOG.validateEndpointProperties(uri, true, consumer, !consumer);
    }

    /** The application.properties key that sets this option on the component, if any. */
    private static String componentProperty(String scheme, String option) {
        for (String key : List.of("camel.component." + scheme + "." + option,
                "camel.component." + scheme + "." + StringHelper.camelCaseToDash(option))) {
            if (properties.getProperty(key) != null) {
                return key;
            }
        }
        return null;
    }

    static List<Endpoint> endpoints(String file, String yaml) {
        Object tree = new Load(LoadSettings.builder().build()).loadFromString(yaml);
        List<Endpoint> found = new ArrayList<>();
        walk(tree, file, found);
        return found;
    }

    private static void walk(Object node, String where, List<Endpoint> found) {
        if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), where, found);
            }
        } else if (node instanceof Map<?, ?> map) {
            String here = map.get("id") instanceof String id ? where + " " + id : where;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                Object value = entry.getValue();
                if (CONSUMERS.contains(key) || PRODUCERS.contains(key)) {
                    String uri = uri(value);
                    if (uri != null) {
                        found.add(new Endpoint(here, key, resolve(uri)));
                    }
                }
                // a from's steps (and everything else) may hold more endpoints
                walk(value, here, found);
            }
        }
    }

    /**
     * The endpoint URI as the YAML DSL builds it: the uri, then the parameters sorted by name as a
     * query string without encoding (YamlSupport.createEndpointUri). Null for a node that is no
     * endpoint, such as an enrich with an expression.
     */
    private static String uri(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (!(value instanceof Map<?, ?> map) || !(map.get("uri") instanceof String uri)) {
            return null;
        }
        if (!(map.get("parameters") instanceof Map<?, ?> parameters) || parameters.isEmpty()) {
            return uri;
        }
        Map<String, Object> sorted = new TreeMap<>();
        parameters.forEach((k, v) -> sorted.put(String.valueOf(k), String.valueOf(v)));
        try {
            return uri + (uri.contains("?") ? "&" : "?") + URISupport.createQueryString(sorted, false);
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the query of " + uri + " from " + parameters, e);
        }
    }

    /** Replaces each placeholder that application.properties (or an env default) resolves; leaves the rest. */
    static String resolve(String text) {
        String current = text;
        for (int depth = 0; depth < 10; depth++) {
            Matcher m = PLACEHOLDER.matcher(current);
            StringBuilder out = new StringBuilder();
            boolean changed = false;
            while (m.find()) {
                String value = lookup(m.group(1));
                changed |= value != null;
                m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
            }
            m.appendTail(out);
            if (!changed) {
                return current;
            }
            current = out.toString();
        }
        throw new IllegalStateException("placeholders nested too deep (a cycle?) in " + text);
    }

    private static String lookup(String key) {
        if (key.startsWith("env:") || key.startsWith("sys:")) {
            // {{env:NAME:default}}: what the bot uses when NAME is unset; without a default it stays
            String rest = key.substring(4);
            int colon = rest.indexOf(':');
            String fallback = colon < 0 ? null : rest.substring(colon + 1);
            return fallback == null || fallback.isEmpty() ? null : fallback;
        }
        int colon = key.indexOf(':');
        String name = colon < 0 ? key : key.substring(0, colon);
        String value = properties.getProperty(name);
        return value != null ? value : colon < 0 ? null : key.substring(colon + 1);
    }

}
