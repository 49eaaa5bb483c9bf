package dev.camelassistant.tools;

import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;

/** The route behind a tool: registered while it runs, so that Claude is offered exactly the tools that are up. */
public class ToolConsumer extends DefaultConsumer {

    public ToolConsumer(ToolEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    public ToolEndpoint getEndpoint() {
        return (ToolEndpoint) super.getEndpoint();
    }

    public ToolSpec spec() {
        return getEndpoint().spec();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        getEndpoint().getComponent().registry().add(this);
    }

    @Override
    protected void doStop() throws Exception {
        getEndpoint().getComponent().registry().remove(this);
        super.doStop();
    }
}
