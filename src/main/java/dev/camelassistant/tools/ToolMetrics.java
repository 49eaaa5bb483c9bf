package dev.camelassistant.tools;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Tool calls in the metrics: {@code assistant_tool_calls_total{tool,outcome}} (outcome ok or error)
 * and the latency histogram {@code assistant_tool_duration_seconds{tool}}.
 */
public class ToolMetrics {

    public static final String CALLS = "assistant.tool.calls";
    public static final String DURATION = "assistant.tool.duration";

    private final MeterRegistry registry;
    private final Map<String, Counter> calls = new ConcurrentHashMap<>();
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();

    public ToolMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void call(String tool, boolean ok, long nanos) {
        String outcome = ok ? "ok" : "error";
        calls.computeIfAbsent(tool + '\n' + outcome, k -> Counter.builder(CALLS).tag("tool", tool).tag("outcome", outcome)
                .description("Tool calls Claude asked for, by tool and outcome").register(registry)).increment();
        durations.computeIfAbsent(tool, k -> Timer.builder(DURATION).tag("tool", tool)
                .description("Time a tool's route took, from Claude's request to its result")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(120)).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }
}
