package dev.camelassistant.management;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConsolePolicyTest {

    @Test
    void theConsoleIsReadFromThePathAsCamelReadsIt() {
        assertThat(ConsolePolicy.consoleId("/q/dev")).isEqualTo(ConsolePolicy.INDEX);
        assertThat(ConsolePolicy.consoleId("/q/dev/")).isEqualTo(ConsolePolicy.INDEX);
        assertThat(ConsolePolicy.consoleId("/q/dev/index")).isEqualTo(ConsolePolicy.INDEX);
        assertThat(ConsolePolicy.consoleId("/q/dev/context")).isEqualTo("context");
        assertThat(ConsolePolicy.consoleId("/q/dev/route/conversation")).isEqualTo("route");
        // Camel compares ignoring case: BEAN is the bean console
        assertThat(ConsolePolicy.consoleId("/q/dev/BEAN")).isEqualTo("bean");
        // the raw first segment, whatever follows it: this is the console Camel runs
        assertThat(ConsolePolicy.consoleId("/q/dev/bean/%2e%2e/context")).isEqualTo("bean");
        assertThat(ConsolePolicy.consoleId("/observe/metrics")).isNull();
        assertThat(ConsolePolicy.consoleId("/q/devx")).isNull();
        assertThat(ConsolePolicy.consoleId(null)).isNull();
    }

    @Test
    void onlyReadOnlyConsolesAreServed() {
        assertThat(ConsolePolicy.allowed(ConsolePolicy.INDEX)).isTrue();
        assertThat(ConsolePolicy.allowed("context")).isTrue();
        assertThat(ConsolePolicy.allowed("route")).isTrue();
        assertThat(ConsolePolicy.allowed("properties")).isTrue();
        for (String refused : List.of("bean", "bean-model", "default-registry", "browse", "send", "receive", "debug",
                "trace", "message-history", "variables", "stub", "all")) {
            assertThat(ConsolePolicy.allowed(refused)).as(refused).isFalse();
            assertThat(ConsolePolicy.allowed(ConsolePolicy.consoleId("/q/dev/" + refused.toUpperCase()))).as(refused).isFalse();
        }
        assertThat(ConsolePolicy.allowed(null)).isFalse();
    }

    @Test
    void aConsoleTakesOnlyTheParametersItReadsAndNeverOneThatChangesState() {
        // the controls: filters and limits
        assertThat(ConsolePolicy.refusedParameter("route", List.of("filter", "limit", "processors"))).isNull();
        assertThat(ConsolePolicy.refusedParameter("health", List.of("exposureLevel"))).isNull();
        assertThat(ConsolePolicy.refusedParameter("context", List.of())).isNull();
        // what changes state
        assertThat(ConsolePolicy.refusedParameter("route", List.of("filter", "action"))).isEqualTo("action");
        assertThat(ConsolePolicy.refusedParameter("route-group", List.of("action"))).isEqualTo("action");
        assertThat(ConsolePolicy.refusedParameter("processor", List.of("action"))).isEqualTo("action");
        assertThat(ConsolePolicy.refusedParameter("reload", List.of("reload"))).isEqualTo("reload");
        assertThat(ConsolePolicy.refusedParameter("context", List.of("endpoint", "body"))).isEqualTo("endpoint");
        // a name is compared exactly, as the console reads it
        assertThat(ConsolePolicy.refusedParameter("route", List.of("Action"))).isEqualTo("Action");
        assertThat(ConsolePolicy.refusedParameter(ConsolePolicy.INDEX, List.of("filter"))).isEqualTo("filter");
        assertThat(ConsolePolicy.refusedParameter("bean", List.of("filter"))).as("not a console served").isEqualTo("filter");
    }

    @Test
    void noServedConsoleAcceptsAParameterKnownToChangeState() {
        for (var e : ConsolePolicy.CONSOLES.entrySet()) {
            assertThat(e.getValue()).as(e.getKey()).doesNotContain("action", "reload", "enabled", "endpoint", "body",
                    "command", "wait", "dump", "breakpoint");
        }
    }
}
