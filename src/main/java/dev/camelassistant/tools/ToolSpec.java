package dev.camelassistant.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What Claude is told about one tool, as a {@code tool:} endpoint declares it: its name, its
 * description and its arguments ({@code parameter.<arg>=<type>}: required; {@code optional.<arg>=<type>}:
 * may be left out), each of type string, integer, number or boolean. {@link #definition()} is the
 * entry of the Messages API's {@code tools} list; {@link #check} tells whether an input matches it.
 */
public record ToolSpec(String name, String description, Map<String, Type> required, Map<String, Type> optional) {

    /** Claude's rule for a tool name. */
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final Pattern ARG = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The JSON Schema types an argument may have. */
    public enum Type {
        STRING, INTEGER, NUMBER, BOOLEAN;

        String schemaName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Type parse(String arg, String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("argument '" + arg + "' has type '" + value
                                                   + "': must be string, integer, number or boolean");
            }
        }

        boolean accepts(JsonNode value) {
            return switch (this) {
                case STRING -> value.isTextual();
                case INTEGER -> value.isIntegralNumber() || value.isNumber() && value.asDouble() == Math.rint(value.asDouble());
                case NUMBER -> value.isNumber();
                case BOOLEAN -> value.isBoolean();
            };
        }
    }

    public ToolSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("tool name '" + name + "' must be 1 to 64 letters, digits, '_' or '-'");
        }
        if (description == null || description.isBlank()) {
            throw new IllegalArgumentException("tool:" + name + " needs a description (what Claude reads to choose it)");
        }
        required = Map.copyOf(new LinkedHashMap<>(required));
        optional = Map.copyOf(new LinkedHashMap<>(optional));
        for (String arg : concat(required.keySet(), optional.keySet())) {
            if (!ARG.matcher(arg).matches()) {
                throw new IllegalArgumentException("tool:" + name + " argument '" + arg + "' is not a valid name");
            }
            if (required.containsKey(arg) && optional.containsKey(arg)) {
                throw new IllegalArgumentException("tool:" + name + " argument '" + arg + "' is both required and optional");
            }
        }
    }

    /** From the endpoint's options: {@code parameter.<arg>} and {@code optional.<arg>} values are type names. */
    static ToolSpec of(String name, String description, Map<String, Object> parameters, Map<String, Object> optionals) {
        Map<String, Type> required = new LinkedHashMap<>();
        parameters.forEach((arg, type) -> required.put(arg, Type.parse(arg, String.valueOf(type))));
        Map<String, Type> optional = new LinkedHashMap<>();
        optionals.forEach((arg, type) -> optional.put(arg, Type.parse(arg, String.valueOf(type))));
        return new ToolSpec(name, description, required, optional);
    }

    /** The entry of the request's {@code tools}: name, description and {@code input_schema} (arguments sorted by name). */
    public ObjectNode definition() {
        ObjectNode tool = JSON.createObjectNode().put("name", name).put("description", description.strip());
        ObjectNode schema = tool.putObject("input_schema").put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        concat(required.keySet(), optional.keySet()).stream().sorted().forEach(arg -> properties.putObject(arg)
                .put("type", (required.containsKey(arg) ? required.get(arg) : optional.get(arg)).schemaName()));
        ArrayNode list = schema.putArray("required");
        required.keySet().stream().sorted().forEach(list::add);
        schema.put("additionalProperties", false);
        return tool;
    }

    /** Why {@code input} does not match the declared arguments (one line for Claude), or null when it does. */
    public String check(JsonNode input) {
        if (input == null || !input.isObject()) {
            return "the input must be an object with the tool's arguments";
        }
        for (Map.Entry<String, Type> arg : required.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
            JsonNode value = input.get(arg.getKey());
            if (value == null || value.isNull()) {
                return "missing argument '" + arg.getKey() + "' (" + arg.getValue().schemaName() + ")";
            }
        }
        List<String> names = new ArrayList<>();
        input.fieldNames().forEachRemaining(names::add);
        for (String arg : names.stream().sorted().toList()) {
            Type type = required.containsKey(arg) ? required.get(arg) : optional.get(arg);
            JsonNode value = input.get(arg);
            if (type == null) {
                return "unknown argument '" + arg + "'";
            }
            if (!value.isNull() && !type.accepts(value)) {
                return "argument '" + arg + "' must be " + (type == Type.INTEGER ? "an " : "a ") + type.schemaName();
            }
        }
        return null;
    }

    private static List<String> concat(java.util.Collection<String> a, java.util.Collection<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
