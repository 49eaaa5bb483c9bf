package dev.camelassistant.config;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ROUTES_DIR: an operator's YAML route with a built-in route's id replaces it; others are added. */
class OperatorRoutesTest {

    @TempDir
    Path dir;

    @Test
    void aRouteWithTheSameIdReplacesTheBuiltInOneAndNewRoutesAreAdded() throws Exception {
        Files.writeString(dir.resolve("greeting.camel.yaml"), """
                - route:
                    id: greeting
                    from:
                      uri: direct:greeting
                      steps:
                        - setBody:
                            constant: "edited by the operator"
                - route:
                    id: extra
                    from:
                      uri: direct:extra
                      steps:
                        - setBody:
                            constant: "new route"
                """);
        Files.writeString(dir.resolve("notes.txt"), "not a route file");
        try (CamelContext context = new DefaultCamelContext()) {
            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("builtin.camel.yaml", """
                    - route:
                        id: greeting
                        from:
                          uri: direct:greeting
                          steps:
                            - setBody:
                                constant: "built in"
                    - route:
                        id: untouched
                        from:
                          uri: direct:untouched
                          steps:
                            - setBody:
                                constant: "still built in"
                    """));
            OperatorRoutes.load(context, dir);
            context.start();

            ProducerTemplate template = context.createProducerTemplate();
            assertThat(template.requestBody("direct:greeting", "", String.class)).isEqualTo("edited by the operator");
            assertThat(template.requestBody("direct:extra", "", String.class)).isEqualTo("new route");
            assertThat(template.requestBody("direct:untouched", "", String.class)).isEqualTo("still built in");
            assertThat(context.getRoutes()).hasSize(3);
        }
    }

    @Test
    void aMissingFolderIsAClearError() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            assertThatThrownBy(() -> OperatorRoutes.load(context, dir.resolve("nope")))
                    .hasMessageStartingWith("ROUTES_DIR: ").hasMessageContaining("is not a directory");
        }
    }

    @Test
    void roleDecidesTheRouteFiles() {
        assertThat(RouteFiles.namesFor(Settings.Role.BOT)).contains("telegram-inbound", "health", "audit")
                .doesNotContain("audit-cleanup", "conversation-cleanup");
        assertThat(RouteFiles.namesFor(Settings.Role.WORKER)).contains("audit-cleanup", "conversation-cleanup", "audit")
                .doesNotContain("telegram-inbound", "claude");
        assertThat(RouteFiles.includePattern(Settings.Role.ALL)).contains("classpath:routes/audit-cleanup.camel.yaml")
                .contains("classpath:routes/telegram-inbound.camel.yaml");
        for (String name : RouteFiles.namesFor(Settings.Role.ALL)) {
            assertThat(getClass().getResource("/routes/" + name + ".camel.yaml")).as(name).isNotNull();
        }
    }
}
