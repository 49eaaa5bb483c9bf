package dev.camelassistant.llm;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.camelassistant.common.Markdown;

/**
 * The text of an answer's content blocks as the Markdown the bot sends, with Claude's citations turned
 * into links. Text blocks that follow each other directly are one run of text (an answer with citations
 * comes as many blocks, cut where a citation starts or ends); a block of another kind between them (a
 * tool call, a search and its results) separates them by a blank line.
 * <p>
 * A cited block becomes {@code [its text](url)}, at most one link per sentence (a sentence that already
 * has one keeps its further cited parts as plain text). The url is the search result's
 * ({@code web_search_result_location}), or, for a page Claude fetched ({@code char_location} with the
 * document's title), the url of the {@code web_fetch_tool_result} with that title. Every distinct page
 * cited is a {@link Source}, for the short "Sources" list at the end of the reply ({@link #sourcesSection}).
 */
public final class CitedText {

    /** A page an answer cites. */
    public record Source(String title, String url) {
    }

    /** The Markdown text and the pages it cites (distinct, in the order first cited). */
    public record Rendered(String text, List<Source> sources) {
    }

    /** At most this many pages in the list (a long list is not "short"). */
    static final int MAX_SOURCES = 10;

    /** A sentence ends: . ! ? … (and closing quotes or brackets) before whitespace or the end, or a line break. */
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?…][\"'”’)\\]]*(\\s|$)|\\n");
    private static final Pattern ENDS_SENTENCE = Pattern.compile("(?s).*[.!?…][\"'”’)\\]]*\\s*$");

    private CitedText() {
    }

    /**
     * @param content the answer's content blocks
     * @param earlier the content of the earlier rounds of the same message (their fetched pages' urls)
     */
    public static Rendered render(JsonNode content, List<JsonNode> earlier) {
        Map<String, String> fetched = new HashMap<>();
        earlier.forEach(c -> fetchedPages(c, fetched));
        fetchedPages(content, fetched);
        Map<String, Source> sources = new LinkedHashMap<>();
        StringBuilder out = new StringBuilder();
        boolean apart = false;
        boolean linked = false;
        for (JsonNode block : content) {
            if (!"text".equals(block.path("type").asText())) {
                apart = true;
                continue;
            }
            String text = block.path("text").asText("");
            if (apart && !out.isEmpty() && !text.isEmpty()) {
                out.append("\n\n");
                text = text.stripLeading();
                linked = false;
            }
            apart = false;
            Source source = cited(block.path("citations"), fetched);
            if (source != null) {
                sources.putIfAbsent(source.url(), source);
            }
            String core = text.strip();
            if (source != null && !linked && !core.isEmpty() && !core.contains("\n")) {
                int start = text.indexOf(core);
                out.append(text, 0, start).append('[').append(linkText(core)).append("](").append(destination(source.url()))
                        .append(')').append(text.substring(start + core.length()));
                linked = !ENDS_SENTENCE.matcher(text).matches();
            } else {
                out.append(text);
                if (linked && SENTENCE_END.matcher(text).find()) {
                    linked = false;
                }
            }
        }
        return new Rendered(out.toString(), List.copyOf(sources.values()));
    }

    /** "Sources:" and one numbered link per page, or "" when there are none. */
    public static String sourcesSection(List<Source> sources) {
        if (sources.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("Sources:");
        int n = 0;
        for (Source s : sources) {
            if (++n > MAX_SOURCES) {
                break;
            }
            // a page's title is the page's words, never Markdown of ours
            sb.append('\n').append(n).append(". [").append(Markdown.escape(s.title())).append("](")
                    .append(destination(s.url())).append(')');
        }
        return sb.toString();
    }

    /** The first citation with an http(s) url: the page's title (its host when it has none) and url. */
    private static Source cited(JsonNode citations, Map<String, String> fetched) {
        for (JsonNode c : citations) {
            String url = c.path("url").asText("");
            String title = c.path("title").asText("");
            if (url.isEmpty() && c.hasNonNull("document_title")) {
                title = c.path("document_title").asText("");
                url = fetched.getOrDefault(title, "");
            }
            if (web(url)) {
                return new Source(title.isBlank() ? host(url) : title.strip(), url);
            }
        }
        return null;
    }

    /** The pages of {@code web_fetch_tool_result} blocks: their document's title → their url. */
    private static void fetchedPages(JsonNode content, Map<String, String> into) {
        for (JsonNode block : content) {
            if ("web_fetch_tool_result".equals(block.path("type").asText())) {
                JsonNode result = block.path("content");
                String title = result.path("content").path("title").asText("");
                String url = result.path("url").asText("");
                if (!title.isEmpty() && web(url)) {
                    into.putIfAbsent(title, url);
                }
            }
        }
    }

    private static boolean web(String url) {
        String u = url.toLowerCase(Locale.ROOT);
        return (u.startsWith("https://") || u.startsWith("http://")) && url.chars().noneMatch(Character::isISOControl);
    }

    private static String host(String url) {
        try {
            String host = URI.create(destination(url)).getHost();
            return host == null ? url : host;
        } catch (IllegalArgumentException e) {
            return url;
        }
    }

    /** Brackets in the cited words would end the link text early. */
    private static String linkText(String text) {
        return text.replace("[", "\\[").replace("]", "\\]");
    }

    /** A link destination Markdown reads whole: spaces, parentheses and angle brackets percent-encoded. */
    static String destination(String url) {
        StringBuilder sb = new StringBuilder(url.length());
        for (char c : url.toCharArray()) {
            switch (c) {
                case ' ' -> sb.append("%20");
                case '(' -> sb.append("%28");
                case ')' -> sb.append("%29");
                case '<' -> sb.append("%3C");
                case '>' -> sb.append("%3E");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The earlier assistant contents of a tool loop's follow-up turns. */
    static List<JsonNode> assistantContents(JsonNode followUp) {
        List<JsonNode> out = new ArrayList<>();
        if (followUp != null) {
            followUp.forEach(turn -> {
                if ("assistant".equals(turn.path("role").asText())) {
                    out.add(turn.path("content"));
                }
            });
        }
        return out;
    }
}
