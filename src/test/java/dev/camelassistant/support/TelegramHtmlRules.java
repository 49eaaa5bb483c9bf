package dev.camelassistant.support;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Telegram's rules for a message sent with parse_mode HTML (core.telegram.org/bots/api#html-style),
 * written independently of the bot's renderer so that the fake Bot API can refuse what Telegram
 * refuses: only the supported tags (with their only attributes), properly nested and closed; no
 * tag inside {@code pre} or {@code code} (but {@code code} directly in {@code pre}); no
 * blockquote inside a blockquote, no link inside a link; only the entities {@code &lt; &gt; &amp;
 * &quot;} and numeric ones, and no bare {@code <}, {@code >} or {@code &}. The visible text (tags
 * removed, entities decoded) is what Telegram counts against its 4,096 limit.
 */
public final class TelegramHtmlRules {

    public static final int LIMIT = 4096;

    private static final Set<String> SIMPLE = Set.of("b", "strong", "i", "em", "u", "ins", "s", "strike", "del",
            "tg-spoiler", "pre", "code", "blockquote");
    private static final Map<String, String> NAMED = Map.of("lt", "<", "gt", ">", "amp", "&", "quot", "\"");
    private static final Pattern TAG = Pattern.compile("<(/?)([a-z][a-z0-9-]*)((?:\\s+[a-z-]+=\"[^\"<>]*\")*)\\s*>");
    private static final Pattern ATTRIBUTE = Pattern.compile("([a-z-]+)=\"([^\"]*)\"");

    private TelegramHtmlRules() {
    }

    /** The outcome of parsing: the visible text, or Telegram's description of the problem. */
    public record Parsed(String visibleText, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    public static Parsed parse(String html) {
        StringBuilder visible = new StringBuilder();
        Deque<String> open = new ArrayDeque<>();
        int i = 0;
        while (i < html.length()) {
            char c = html.charAt(i);
            if (c == '<') {
                Matcher m = TAG.matcher(html).region(i, html.length());
                if (!m.lookingAt()) {
                    return error("Unsupported start tag at byte offset " + i);
                }
                String name = m.group(2);
                if (m.group(1).isEmpty()) {
                    String problem = opening(name, m.group(3), open);
                    if (problem != null) {
                        return error(problem + " at byte offset " + i);
                    }
                    open.push(name);
                } else {
                    if (open.isEmpty() || !open.peek().equals(name)) {
                        return error("Unmatched end tag at byte offset " + i + ", expected \"</"
                                     + (open.isEmpty() ? "" : open.peek()) + ">\", found \"</" + name + ">\"");
                    }
                    open.pop();
                }
                i = m.end();
            } else if (c == '&') {
                int end = html.indexOf(';', i);
                String decoded = end < 0 ? null : entity(html.substring(i + 1, end));
                if (decoded == null) {
                    return error("Can't find end of the entity starting at byte offset " + i);
                }
                visible.append(decoded);
                i = end + 1;
            } else if (c == '>') {
                return error("Unexpected \">\" at byte offset " + i);
            } else {
                visible.append(c);
                i++;
            }
        }
        if (!open.isEmpty()) {
            return error("Can't find end tag corresponding to start tag \"" + open.peek() + "\"");
        }
        return new Parsed(visible.toString(), null);
    }

    private static String opening(String name, String attributes, Deque<String> open) {
        Map<String, String> attrs = new java.util.HashMap<>();
        Matcher a = ATTRIBUTE.matcher(attributes);
        while (a.find()) {
            attrs.put(a.group(1), a.group(2));
        }
        if (open.contains("pre") && !(name.equals("code") && "pre".equals(open.peek()))) {
            return "Tag \"" + name + "\" is not allowed inside \"pre\"";
        }
        if (open.contains("code")) {
            return "Tag \"" + name + "\" is not allowed inside \"code\"";
        }
        switch (name) {
            case "a" -> {
                if (open.contains("a")) {
                    return "Nested links are not allowed";
                }
                if (attrs.size() != 1 || !attrs.containsKey("href") || attrs.get("href").isBlank()) {
                    return "Tag \"a\" must have exactly one attribute \"href\"";
                }
                return validAttribute(attrs.get("href")) ? null : "Unsupported entity in attribute";
            }
            case "span" -> {
                return attrs.size() == 1 && "tg-spoiler".equals(attrs.get("class")) ? null : "Unsupported start tag \"span\"";
            }
            case "tg-emoji" -> {
                return attrs.size() == 1 && attrs.containsKey("emoji-id") ? null : "Tag \"tg-emoji\" needs \"emoji-id\"";
            }
            case "code" -> {
                if (attrs.isEmpty()) {
                    return null;
                }
                return "pre".equals(open.peek()) && attrs.size() == 1 && attrs.getOrDefault("class", "").startsWith("language-")
                        && validAttribute(attrs.get("class")) ? null : "Unsupported attribute of tag \"code\"";
            }
            case "blockquote" -> {
                if (open.contains("blockquote")) {
                    return "Blockquote entities can't be nested";
                }
                return attrs.isEmpty() || attrs.keySet().equals(Set.of("expandable")) ? null : "Unsupported attribute of \"blockquote\"";
            }
            default -> {
                if (!SIMPLE.contains(name)) {
                    return "Unsupported start tag \"" + name + "\"";
                }
                return attrs.isEmpty() ? null : "Unsupported attribute of tag \"" + name + "\"";
            }
        }
    }

    private static boolean validAttribute(String value) {
        for (int i = value.indexOf('&'); i >= 0; i = value.indexOf('&', i + 1)) {
            int end = value.indexOf(';', i);
            if (end < 0 || entity(value.substring(i + 1, end)) == null) {
                return false;
            }
        }
        return true;
    }

    private static String entity(String name) {
        if (NAMED.containsKey(name)) {
            return NAMED.get(name);
        }
        try {
            if (name.matches("#[0-9]{1,7}")) {
                return new String(Character.toChars(Integer.parseInt(name.substring(1))));
            }
            if (name.matches("#[xX][0-9a-fA-F]{1,6}")) {
                return new String(Character.toChars(Integer.parseInt(name.substring(2), 16)));
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    private static Parsed error(String description) {
        return new Parsed(null, description);
    }
}
