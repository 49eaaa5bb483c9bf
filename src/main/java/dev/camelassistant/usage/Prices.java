package dev.camelassistant.usage;

/**
 * What Claude's tokens cost, in USD per million tokens (CLAUDE_PRICE_INPUT_PER_MTOK,
 * CLAUDE_PRICE_OUTPUT_PER_MTOK), with Anthropic's published prompt-caching multipliers: writing the
 * cache costs 1.25 times the input price, reading it 0.1 times; and what web searches cost, in USD per
 * 1,000 searches (CLAUDE_PRICE_WEB_SEARCH_PER_1000). Fetching a page costs only the tokens it adds.
 */
public record Prices(double inputPerMTok, double outputPerMTok, double webSearchPer1000) {

    public static final double CACHE_WRITE_MULTIPLIER = 1.25;
    public static final double CACHE_READ_MULTIPLIER = 0.1;

    public Prices {
        if (inputPerMTok < 0 || outputPerMTok < 0 || webSearchPer1000 < 0
            || Double.isNaN(inputPerMTok) || Double.isNaN(outputPerMTok) || Double.isNaN(webSearchPer1000)) {
            throw new IllegalArgumentException("prices must be zero or more");
        }
    }

    /** USD of one answer; {@code input} is the uncached input (the API's input_tokens). */
    public double cost(Tokens t) {
        return (t.input() * inputPerMTok
                + t.cacheWrite() * inputPerMTok * CACHE_WRITE_MULTIPLIER
                + t.cacheRead() * inputPerMTok * CACHE_READ_MULTIPLIER
                + t.output() * outputPerMTok) / 1_000_000d
               + t.webSearches() * webSearchPer1000 / 1_000d;
    }
}
