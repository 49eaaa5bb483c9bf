package dev.camelassistant.retries;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The promise to answer once Claude is back, in the metrics: {@code assistant_claude_retries_total{outcome}}
 * with outcome promised, sent (the question went to Claude again), expired, cancelled (by /new, the
 * budget, a newer question of the chat, a chat no longer allowed) or not_stored (the database refused
 * the promise).
 */
public class ClaudeRetryMetrics {

    public static final String RETRIES = "assistant.claude.retries";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public ClaudeRetryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void count(String outcome) {
        counters.computeIfAbsent(outcome, o -> Counter.builder(RETRIES).tag("outcome", o)
                .description("Questions Claude could not answer, kept for when it is back, by outcome").register(registry))
                .increment();
    }
}
