package dev.camelassistant.llm;

/**
 * The usage of one Claude answer as the Messages API reported it: {@code input} is the uncached
 * input ({@code input_tokens}), {@code cacheWrite} and {@code cacheRead} the prompt cache's
 * ({@code cache_creation_input_tokens}, {@code cache_read_input_tokens}), {@code webSearches} the
 * searches Anthropic ran for it ({@code server_tool_use.web_search_requests}, billed per search). Set by
 * {@link ClaudeClient} as the exchange variable {@value #VARIABLE} after every answer.
 */
public record ClaudeUsage(String model, long input, long output, long cacheWrite, long cacheRead, long webSearches) {

    public static final String VARIABLE = "claudeUsage";

    /** An answer without web searches. */
    public ClaudeUsage(String model, long input, long output, long cacheWrite, long cacheRead) {
        this(model, input, output, cacheWrite, cacheRead, 0);
    }
}
