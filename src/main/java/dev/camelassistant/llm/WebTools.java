package dev.camelassistant.llm;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Anthropic's server tools {@code web_search} and {@code web_fetch}, offered with every request
 * (WEB_SEARCH): Anthropic runs them, the answer carries their {@code server_tool_use} and
 * {@code *_tool_result} blocks, and Claude cites the pages it used.
 * <p>
 * Tool versions: the newest ones the API documents ({@code web_search_20260318},
 * {@code web_fetch_20260318}: dynamic filtering, Claude filtering results with code before reading them)
 * for the models they were released for, Claude Opus and Sonnet from 4.6 on; every other model gets the
 * basic versions every current model supports ({@code web_search_20250305}, {@code web_fetch_20250910}),
 * which need the beta header {@value #FETCH_BETA}. Both tools get the same {@code max_uses} and domain list
 * (allowed or blocked: the API refuses both at once, and Settings refuses them at start).
 */
public final class WebTools {

    public static final String SEARCH_BASIC = "web_search_20250305";
    public static final String FETCH_BASIC = "web_fetch_20250910";
    public static final String SEARCH_NEWEST = "web_search_20260318";
    public static final String FETCH_NEWEST = "web_fetch_20260318";
    /** The beta the basic web fetch version was documented under. */
    public static final String FETCH_BETA = "web-fetch-2025-09-10";
    /** What the chat shows while Claude searches or reads a page (Markdown). */
    public static final String SEARCHING = "_Searching the web…_";
    public static final String READING = "_Reading a web page…_";

    /** No server tools (WEB_SEARCH=false, and until the configuration sets them). */
    public static final WebTools NONE = new WebTools(null, null, 0, List.of(), List.of());

    private static final ObjectMapper JSON = new ObjectMapper();
    /** claude-opus-4-6, claude-sonnet-5, claude-opus-4-20250514 (the second number a date: minor 0). */
    private static final Pattern FAMILY = Pattern.compile("claude-(opus|sonnet)-(\\d+)(?:-(\\d{1,2}))?(?:\\D.*)?");

    private final String searchType;
    private final String fetchType;
    private final int maxUses;
    private final List<String> allowedDomains;
    private final List<String> blockedDomains;

    private WebTools(String searchType, String fetchType, int maxUses, List<String> allowedDomains, List<String> blockedDomains) {
        this.searchType = searchType;
        this.fetchType = fetchType;
        this.maxUses = maxUses;
        this.allowedDomains = List.copyOf(allowedDomains);
        this.blockedDomains = List.copyOf(blockedDomains);
    }

    /** The server tools for this model; {@link #NONE} when not enabled. */
    public static WebTools of(boolean enabled, String model, int maxUses, List<String> allowedDomains, List<String> blockedDomains) {
        if (!enabled) {
            return NONE;
        }
        if (!allowedDomains.isEmpty() && !blockedDomains.isEmpty()) {
            throw new IllegalArgumentException("allowed_domains and blocked_domains cannot both be set");
        }
        boolean newest = dynamicFiltering(model);
        return new WebTools(newest ? SEARCH_NEWEST : SEARCH_BASIC, newest ? FETCH_NEWEST : FETCH_BASIC, maxUses,
                allowedDomains, blockedDomains);
    }

    /** Whether the model is one the dynamic-filtering versions were released for: Opus or Sonnet, 4.6 or later. */
    static boolean dynamicFiltering(String model) {
        Matcher m = FAMILY.matcher(model == null ? "" : model);
        if (!m.matches()) {
            return false;
        }
        int major = Integer.parseInt(m.group(2));
        int minor = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        return major > 4 || major == 4 && minor >= 6;
    }

    public boolean enabled() {
        return searchType != null;
    }

    /** The tool definitions to append to the request's {@code tools} (none when disabled). */
    public void appendTo(ArrayNode tools) {
        if (!enabled()) {
            return;
        }
        options(tools.addObject().put("type", searchType).put("name", "web_search"));
        // citations are off by default for fetched pages: on, so that what Claude read becomes a link
        options(tools.addObject().put("type", fetchType).put("name", "web_fetch")).putObject("citations").put("enabled", true);
    }

    private ObjectNode options(ObjectNode tool) {
        tool.put("max_uses", maxUses);
        if (!allowedDomains.isEmpty()) {
            allowedDomains.forEach(tool.putArray("allowed_domains")::add);
        }
        if (!blockedDomains.isEmpty()) {
            blockedDomains.forEach(tool.putArray("blocked_domains")::add);
        }
        return tool;
    }

    /** The {@code anthropic-beta} header the tools need, or null. */
    public String betaHeader() {
        return FETCH_BASIC.equals(fetchType) ? FETCH_BETA : null;
    }

    /** The tool definitions alone (for tests and logs). */
    public ArrayNode definitions() {
        ArrayNode tools = JSON.createArrayNode();
        appendTo(tools);
        return tools;
    }
}
