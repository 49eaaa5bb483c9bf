package dev.camelassistant.support;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.component.direct.DirectComponent;

/**
 * Stands in for the {@code tool:} component until it is on this branch: a {@code tool:<name>} consumer
 * is a direct endpoint (its description and parameter declarations are ignored), so a test calls a tool
 * route as the tool loop would, with the input as the body and each argument as a header.
 */
public final class StubToolComponent extends DirectComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        parameters.clear();
        return super.createEndpoint(uri, remaining, parameters);
    }
}
