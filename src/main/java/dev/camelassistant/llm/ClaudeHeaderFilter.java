package dev.camelassistant.llm;

import java.util.Locale;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultHeaderFilterStrategy;

/**
 * Only the Messages API's own headers go out to Claude: x-api-key, anthropic-version,
 * anthropic-beta (a beta the request's tools need) and content-type. Every other header of the
 * exchange (chat ids, correlation id, Camel's) stays home.
 * Response headers come in as usual (retry-after, request-id).
 */
public class ClaudeHeaderFilter extends DefaultHeaderFilterStrategy {

    private static final Set<String> OUT = Set.of("x-api-key", "anthropic-version", "anthropic-beta", "content-type");

    public ClaudeHeaderFilter() {
        setLowerCase(true);
        setInFilterStartsWith("Camel", "camel", "org.apache.camel.");
    }

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !OUT.contains(headerName.toLowerCase(Locale.ROOT));
    }
}
