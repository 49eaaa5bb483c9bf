package dev.camelassistant.usage;

/**
 * The token counts of one answer or of a sum of answers, as the Messages API reports them, and the web
 * searches Anthropic ran for them ({@code server_tool_use.web_search_requests}: billed per search, not tokens).
 */
public record Tokens(long input, long output, long cacheWrite, long cacheRead, long webSearches) {

    public static final Tokens NONE = new Tokens(0, 0, 0, 0, 0);

    /** Tokens without web searches. */
    public Tokens(long input, long output, long cacheWrite, long cacheRead) {
        this(input, output, cacheWrite, cacheRead, 0);
    }

    public Tokens plus(Tokens o) {
        return new Tokens(input + o.input, output + o.output, cacheWrite + o.cacheWrite, cacheRead + o.cacheRead,
                webSearches + o.webSearches);
    }

    /** Everything Claude read and wrote: what a daily token limit counts (searches are not tokens). */
    public long total() {
        return input + output + cacheWrite + cacheRead;
    }
}
