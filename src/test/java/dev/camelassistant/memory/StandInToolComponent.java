package dev.camelassistant.memory;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.component.direct.DirectComponent;

/**
 * TEMPORARY, until the {@code tool:} component (dev.camelassistant.tools) is merged from main: a
 * {@code direct} component under the name {@code tool} that accepts and drops the tool options
 * ({@code description}, {@code parameter.*}), so that routes/memory.camel.yaml can start and a test
 * can call a tool route as the real component would (body: the input map, one header per argument).
 * Delete it, and bind nothing under "tool", once the real component is on the classpath.
 */
public class StandInToolComponent extends DirectComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        parameters.remove("description");
        parameters.keySet().removeIf(k -> k.startsWith("parameter."));
        return super.createEndpoint(uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri, remaining, parameters);
    }
}
