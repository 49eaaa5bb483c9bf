package dev.camelassistant.tools;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** One {@code tool:<name>} endpoint: its {@link ToolSpec}; only a consumer (the route that is the tool). */
public class ToolEndpoint extends DefaultEndpoint {

    private final ToolSpec spec;

    ToolEndpoint(String uri, ToolComponent component, ToolSpec spec) {
        super(uri, component);
        this.spec = spec;
    }

    public ToolSpec spec() {
        return spec;
    }

    @Override
    public ToolComponent getComponent() {
        return (ToolComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("tool:" + spec.name() + " is a consumer only: Claude calls it");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        ToolConsumer consumer = new ToolConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public boolean isRemote() {
        return false;
    }
}
