package dev.camelassistant.usage;

import java.time.Clock;
import java.util.Arrays;

import dev.camelassistant.llm.ClaudeUsage;
import dev.camelassistant.metrics.BotMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

/**
 * What the budget adds to the reply path: {@link Budget#check} before the Claude call plus
 * {@link Budget#record} after it, per message, with a monthly budget and a daily limit set (both
 * checks run). Printed as a median over a run of messages: right after start-up (the first 30
 * messages a personal bot answers, interpreted or barely compiled) and settled (after 20,000).
 * Run: java -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) dev.camelassistant.usage.BudgetBenchmark
 * (bench/run.sh builds target/test-classpath.txt), with the bot's JVM options (jvm.options) to match it.
 */
public final class BudgetBenchmark {

    public static void main(String[] args) throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            BotMetrics metrics = new BotMetrics(new SimpleMeterRegistry(), "claude-sonnet-4-6");
            UsageLedger ledger = new UsageLedger(new Prices(3, 15, 10), Clock.systemUTC());
            Budget budget = new Budget(ledger, 1_000_000.0, 1_000_000_000L, "1001"::equals,
                    new UsageAlerts(null, Clock.systemUTC()), metrics, Clock.systemUTC());
            long[] first = run(context, budget, 30);
            run(context, budget, 20_000);
            long[] settled = run(context, budget, 2_000);
            System.out.printf("bench: budget check + record per message, first 30 messages: median %.1f µs, max %.1f µs%n",
                    median(first) / 1000.0, Arrays.stream(first).max().orElse(0) / 1000.0);
            System.out.printf("bench: budget check + record per message, settled (after 20,000): median %.2f µs, p99 %.2f µs"
                              + " (goal: median < 200 µs)%n", median(settled) / 1000.0, percentile(settled, 0.99) / 1000.0);
        }
    }

    private static long[] run(DefaultCamelContext context, Budget budget, int n) {
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            Exchange e = new DefaultExchange(context);
            e.getMessage().setHeader("chatId", String.valueOf(2000 + i % 20));
            e.getMessage().setHeader("chatName", "Chat " + (i % 20));
            long t0 = System.nanoTime();
            budget.check(e);
            e.setVariable(ClaudeUsage.VARIABLE, new ClaudeUsage("claude-sonnet-4-6", 1200, 350, 0, 4000));
            budget.record(e);
            times[i] = System.nanoTime() - t0;
        }
        return times;
    }

    private static double median(long[] t) {
        return percentile(t, 0.5);
    }

    private static double percentile(long[] t, double p) {
        long[] s = t.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.floor(p * s.length))];
    }
}
