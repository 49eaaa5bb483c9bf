package dev.camelassistant.tools;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tool: component and its spec, without the bot: declaration, schema, input checks, registry. */
class ToolComponentTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static Map<String, Object> options(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void theDefinitionIsTheMessagesApisToolEntryWithArgumentsInNameOrder() {
        ToolSpec spec = ToolSpec.parse("remind", options("description", " Sets a reminder ", "parameter.text", "string",
                "parameter.at", "String", "optional.repeat", "string", "optional.ask_claude", "boolean"));
        assertThat(spec.definition().toString()).isEqualTo("{\"name\":\"remind\",\"description\":\"Sets a reminder\","
                + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"ask_claude\":{\"type\":\"boolean\"},\"at\":{\"type\":\"string\"},"
                + "\"repeat\":{\"type\":\"string\"},\"text\":{\"type\":\"string\"}},\"required\":[\"at\",\"text\"],"
                + "\"additionalProperties\":false}}");
    }

    @Test
    void parseTakesOnlyItsOwnOptionsAndRefusesBadDeclarations() {
        Map<String, Object> options = options("description", "d", "parameter.n", "integer", "bridgeErrorHandler", "true");
        ToolSpec.parse("t", options);
        assertThat(options).containsOnlyKeys("bridgeErrorHandler");
        assertThatThrownBy(() -> ToolSpec.parse("t", options("parameter.n", "integer")))
                .hasMessage("tool:t needs a description (what Claude reads to choose it)");
        assertThatThrownBy(() -> ToolSpec.parse("t", options("description", "d", "parameter.n", "int")))
                .hasMessageContaining("argument 'n' has type 'int'");
        assertThatThrownBy(() -> ToolSpec.parse("bad name", options("description", "d")))
                .hasMessageContaining("must be 1 to 64 letters");
        assertThatThrownBy(() -> ToolSpec.parse("t", options("description", "d", "parameter.n", "string", "optional.n", "string")))
                .hasMessageContaining("both required and optional");
    }

    @Test
    void inputIsCheckedAgainstTheDeclaredArguments() throws Exception {
        ToolSpec spec = ToolSpec.parse("t", options("description", "d", "parameter.id", "integer", "parameter.ok", "boolean",
                "optional.note", "string", "optional.weight", "number"));
        assertThat(spec.check(JSON.readTree("{\"id\":3,\"ok\":true}"))).isNull();
        assertThat(spec.check(JSON.readTree("{\"id\":3.0,\"ok\":false,\"note\":\"n\",\"weight\":2}"))).isNull();
        assertThat(spec.check(JSON.readTree("{\"id\":3,\"ok\":true,\"note\":null}"))).as("null is leaving it out").isNull();
        assertThat(spec.check(JSON.readTree("{\"ok\":true}"))).isEqualTo("missing argument 'id' (integer)");
        assertThat(spec.check(JSON.readTree("{\"id\":3.5,\"ok\":true}"))).isEqualTo("argument 'id' must be an integer");
        assertThat(spec.check(JSON.readTree("{\"id\":\"3\",\"ok\":true}"))).isEqualTo("argument 'id' must be an integer");
        assertThat(spec.check(JSON.readTree("{\"id\":3,\"ok\":\"yes\"}"))).isEqualTo("argument 'ok' must be a boolean");
        assertThat(spec.check(JSON.readTree("{\"id\":3,\"ok\":true,\"weight\":\"heavy\"}"))).isEqualTo("argument 'weight' must be a number");
        assertThat(spec.check(JSON.readTree("{\"id\":3,\"ok\":true,\"extra\":1}"))).isEqualTo("unknown argument 'extra'");
        assertThat(spec.check(JSON.readTree("[1]"))).isEqualTo("the input must be an object with the tool's arguments");
    }

    @Test
    void aResultIsTextAsItIsAndAnythingElseAsJson() {
        assertThat(ToolRunner.resultText("plain")).isEqualTo("plain");
        assertThat(ToolRunner.resultText(Map.of("a", 1))).isEqualTo("{\"a\":1}");
        assertThat(ToolRunner.resultText(java.util.List.of(1, 2))).isEqualTo("[1,2]");
        assertThat(ToolRunner.resultText(null)).isEqualTo("(done, no result)");
    }

    @Test
    void toolsComeAndGoWithTheirRoutesAndANameIsUnique() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            context.start();
            load(context, "one.camel.yaml", "tool-a", "a", "First");
            ToolRegistry registry = context.getComponent("tool", ToolComponent.class).registry();
            assertThat(registry.definitions()).hasSize(1);
            assertThat(registry.get("a").getRouteId()).isEqualTo("tool-a");

            // a reloaded route file: the route is replaced, and so is what Claude is told
            context.getRouteController().stopRoute("tool-a");
            assertThat(registry.definitions()).isEmpty();
            context.removeRoute("tool-a");
            load(context, "one.camel.yaml", "tool-a", "a", "Second");
            assertThat(registry.definitions().get(0).path("description").asText()).isEqualTo("Second");

            // a second route declaring the same tool does not start
            assertThatThrownBy(() -> load(context, "two.camel.yaml", "tool-a2", "a", "Other"))
                    .hasStackTraceContaining("tool:a is declared twice (routes tool-a and tool-a2)");
            assertThat(registry.get("a").getRouteId()).isEqualTo("tool-a");
        }
    }

    @Test
    void anUnknownOptionStopsTheRouteWithItsName() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            context.start();
            assertThatThrownBy(() -> PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("x.camel.yaml", """
                    - route:
                        id: tool-x
                        from:
                          uri: tool:x
                          parameters:
                            description: X
                            paramter.name: string
                          steps:
                            - log: x
                    """))).hasStackTraceContaining("paramter.name");
        }
    }

    static void load(CamelContext context, String file, String routeId, String tool, String description) throws Exception {
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString(file, """
                - route:
                    id: %s
                    from:
                      uri: tool:%s
                      parameters:
                        description: %s
                        parameter.text: string
                      steps:
                        - setBody:
                            simple: "${header.text}"
                """.formatted(routeId, tool, description)));
    }
}
