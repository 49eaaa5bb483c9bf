package dev.camelassistant.tools;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * The tools that are up: one started {@code tool:} consumer per name. The request's {@code tools}
 * list is built in name order, so that the same tools give the same bytes (the list is the start of
 * the prompt cache's prefix) and is rebuilt only when a tool comes or goes.
 */
public class ToolRegistry {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, ToolConsumer> tools = new ConcurrentSkipListMap<>();
    private volatile ArrayNode definitions = JSON.createArrayNode();

    void add(ToolConsumer consumer) {
        String name = consumer.spec().name();
        ToolConsumer earlier = tools.putIfAbsent(name, consumer);
        if (earlier != null && earlier != consumer) {
            throw new IllegalStateException("tool:" + name + " is declared twice (routes " + routeOf(earlier) + " and "
                                            + routeOf(consumer) + "): a tool name must be unique");
        }
        rebuild();
    }

    void remove(ToolConsumer consumer) {
        if (tools.remove(consumer.spec().name(), consumer)) {
            rebuild();
        }
    }

    /** The running route of a tool, or null when there is none by that name. */
    public ToolConsumer get(String name) {
        return name == null ? null : tools.get(name);
    }

    /** The {@code tools} of a request, in name order (empty when no tool is up); not to be modified. */
    public ArrayNode definitions() {
        return definitions;
    }

    public int size() {
        return tools.size();
    }

    private synchronized void rebuild() {
        ArrayNode list = JSON.createArrayNode();
        tools.values().forEach(t -> list.add(t.spec().definition()));
        definitions = list;
    }

    private static String routeOf(ToolConsumer consumer) {
        return consumer.getRouteId() == null ? "?" : consumer.getRouteId();
    }
}
