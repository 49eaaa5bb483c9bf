package dev.camelassistant.health;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/** Beans of the health package: checks, alert cooldown, /health formatting. Called by AppConfiguration. */
public class HealthConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        // filled in by the health feature
    }
}
