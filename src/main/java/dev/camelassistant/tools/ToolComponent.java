package dev.camelassistant.tools;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.util.PropertiesHelper;

/**
 * The {@code tool:} component: a route whose consumer is {@code tool:<name>} is something Claude can
 * do, in the manner of camel-langchain4j-tools. Options: {@code description} (required: what Claude
 * reads to choose the tool), {@code parameter.<arg>=<type>} (a required argument) and
 * {@code optional.<arg>=<type>} (one that may be left out); types are string, integer, number and
 * boolean. The consumers that are started form the {@link ToolRegistry}: a tool comes and goes with
 * its route (a reloaded route file changes the list). Found by Camel through
 * {@code META-INF/services/org/apache/camel/component/tool}.
 */
public class ToolComponent extends DefaultComponent {

    private final ToolRegistry registry = new ToolRegistry();

    public ToolRegistry registry() {
        return registry;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        Object description = parameters.remove("description");
        Map<String, Object> required = PropertiesHelper.extractProperties(parameters, "parameter.");
        Map<String, Object> optional = PropertiesHelper.extractProperties(parameters, "optional.");
        ToolSpec spec = ToolSpec.of(remaining, description == null ? null : description.toString(), required, optional);
        // anything left is an option the component does not know: Camel fails the route with its name
        return new ToolEndpoint(uri, this, spec);
    }
}
