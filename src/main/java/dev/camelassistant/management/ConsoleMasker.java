package dev.camelassistant.management;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.camelassistant.config.Settings;
import dev.camelassistant.logging.LogMasker;
import org.apache.camel.util.SensitiveUtils;

/**
 * Hides secrets in what a developer console answers, in both its forms. Three nets, each enough
 * for the secrets this project configures:
 * <ul>
 *   <li>every string goes through {@link LogMasker#mask}: the configured secret values registered
 *       at start (the one list the log masking uses: {@link Settings#VARIABLES} marked secret, the
 *       key ring, the Redis and database passwords) and the token/key/password shapes;</li>
 *   <li>a value whose key names a secret property ({@link Settings#VARIABLES} marked secret, e.g.
 *       {@code telegram.bot-token}, or a key Camel's {@link SensitiveUtils} knows, e.g.
 *       {@code camel.component.telegram.authorization-token}) is replaced whole, whatever it holds;</li>
 *   <li>the user-info part of a URL ({@code redis://:password@host}) is replaced.</li>
 * </ul>
 * The JSON form is masked as a tree, before it is written: a secret with characters that JSON
 * escapes ({@code "}, {@code \}, {@code /}) would not be found in the written text.
 */
final class ConsoleMasker {

    /** The property keys marked secret in the contract (telegram.bot-token, claude.api-key, ...). */
    static final Set<String> SECRET_KEYS = Settings.VARIABLES.stream()
            .filter(v -> v.secret() && v.property() != null).map(Settings.Variable::property)
            .collect(Collectors.toUnmodifiableSet());

    /** Fields that name the property whose value sits beside them (properties console: key, value). */
    private static final List<String> NAME_FIELDS = List.of("key", "name");
    private static final List<String> VALUE_FIELDS = List.of("value", "defaultValue");

    private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s\"']*@");
    /** A text line {@code <anything> key = value} or {@code key: value}, as the consoles write them. */
    private static final Pattern KEY_VALUE_LINE = Pattern.compile("(?m)^(.*?)([A-Za-z0-9_.\\-\\[\\]]+)(\\s*[=:]\\s*)(.*)$");

    private ConsoleMasker() {
    }

    /** True when a value stored under this key is secret by its name alone. */
    static boolean secretKey(String key) {
        if (key == null || key.isBlank()) {
            return false;
        }
        String k = key.trim();
        for (String secret : SECRET_KEYS) {
            if (k.equalsIgnoreCase(secret) || k.toLowerCase(java.util.Locale.ROOT).endsWith("." + secret)) {
                return true;
            }
        }
        return SensitiveUtils.containsSensitive(k);
    }

    /** Masks a string: registered secret values, secret shapes, URL user-info. */
    static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = LogMasker.mask(text);
        Matcher m = USER_INFO.matcher(out);
        return m.find() ? m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + LogMasker.MASK + "@")) : out;
    }

    /** The text form: {@link #mask} line by line, and lines {@code key = value} with a secret key emptied. */
    static String maskText(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        Matcher m = KEY_VALUE_LINE.matcher(mask(text));
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String replacement = secretKey(m.group(2)) && !m.group(4).isEmpty()
                    ? m.group(1) + m.group(2) + m.group(3) + LogMasker.MASK : m.group();
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /**
     * The JSON form: a copy of the tree (maps, collections, strings, numbers) with every string
     * masked, a value under a secret key replaced, and in an object naming a secret property
     * ({@code {"key": "telegram.bot-token", "value": ...}}) its value replaced.
     */
    static Object maskJson(Object node) {
        if (node instanceof Map<?, ?> map) {
            boolean namesSecret = NAME_FIELDS.stream().anyMatch(f -> map.get(f) instanceof String s && secretKey(s));
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                Object value = e.getValue();
                boolean hide = value != null && !(value instanceof Map) && !(value instanceof Collection)
                               && (secretKey(key) || namesSecret && VALUE_FIELDS.contains(key));
                out.put(mask(key), hide ? LogMasker.MASK : maskJson(value));
            }
            return out;
        }
        if (node instanceof Collection<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(maskJson(v)));
            return out;
        }
        if (node instanceof String s) {
            return mask(s);
        }
        if (node == null || node instanceof Number || node instanceof Boolean) {
            return node;
        }
        // anything else is written with its toString(): mask that
        return mask(String.valueOf(node));
    }
}
