package dev.camelassistant.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The bot's own meters, next to Camel's route metrics in the registry bound as {@code metricsRegistry}
 * (served as Prometheus text on {@code /observe/metrics}: {@code assistant.messages.received} becomes
 * {@code assistant_messages_received_total}, {@code assistant.claude.latency} becomes
 * {@code assistant_claude_latency_seconds_*}).
 * <p>
 * Every counter is registered with its known tag values when this is built, so the names are
 * scraped with 0 before the first event; the recording methods only increment counters resolved in
 * advance. Tag values that only the answer tells (the model Claude names, an alert's service and
 * kind) are resolved once each and kept.
 */
public final class BotMetrics {

    public static final String MESSAGES_RECEIVED = "assistant.messages.received";
    public static final String REPLIES_SENT = "assistant.replies.sent";
    public static final String CLAUDE_CALLS = "assistant.claude.calls";
    public static final String CLAUDE_LATENCY = "assistant.claude.latency";
    public static final String CLAUDE_TOKENS = "assistant.claude.tokens";
    public static final String ALERTS_SENT = "assistant.alerts.sent";
    public static final String AUDIT_QUEUE_DEPTH = "assistant.audit.queue.depth";
    public static final String AUDIT_DROPPED = "assistant.audit.dropped";
    public static final String INBOX_PENDING = "assistant.inbox.pending";
    public static final String CLAUDE_COST = "assistant.claude.cost.usd";
    public static final String BUDGET_REFUSALS = "assistant.budget.refusals";
    public static final String PLAIN_FALLBACK = "assistant.telegram.plain.fallback";
    public static final String UNDELIVERABLE = "assistant.telegram.undeliverable";
    public static final String OUTBOX_WAITING = "assistant.outbox.waiting";
    public static final String OUTBOX_REFUSED = "assistant.outbox.refused";
    public static final String INBOX_REFUSED = "assistant.inbox.refused";
    public static final String CONVERSATION_REFUSED = "assistant.conversation.refused";
    public static final String ROWS_UNREADABLE = "assistant.rows.unreadable";
    public static final String REMINDER_LATENESS = "assistant.reminders.lateness";

    /**
     * Bounds of the latency histogram's buckets. A Claude call ends at claude.timeout-seconds at the
     * latest (120 s by default); slower calls still count, in the +Inf bucket.
     */
    static final Duration LATENCY_MIN = Duration.ofMillis(10);
    static final Duration LATENCY_MAX = Duration.ofSeconds(180);

    /** Tag {@code kind} of {@link #MESSAGES_RECEIVED}. */
    public enum MessageKind {
        /** text from an allowed chat, handed to Claude */
        TEXT,
        /** a command from an allowed chat */
        COMMAND,
        /** anything from a chat that is not allowed */
        REFUSED,
        /** a message the bot does not read (voice, sticker, a file too big or of another type), answered without Claude */
        UNREADABLE;

        final String tag = name().toLowerCase(Locale.ROOT);
    }

    /** Tag {@code outcome} of {@link #CLAUDE_CALLS} and {@link #CLAUDE_LATENCY}; ClaudeFailure maps its kinds to these. */
    public enum ClaudeOutcome {
        OK, OVERLOADED, RATE_LIMITED, REJECTED_KEY, OTHER;

        final String tag = name().toLowerCase(Locale.ROOT);
    }

    /** Tag {@code type} of {@link #CLAUDE_TOKENS}. */
    private static final String INPUT = "input";
    private static final String OUTPUT = "output";
    private static final String CACHE_WRITE = "cache_write";
    private static final String CACHE_READ = "cache_read";

    private final MeterRegistry registry;
    private final Map<MessageKind, Counter> received = new EnumMap<>(MessageKind.class);
    private final Counter repliesSent;
    private final Counter plainFallbacks;
    private final Map<ClaudeOutcome, Counter> claudeCalls = new EnumMap<>(ClaudeOutcome.class);
    private final Map<ClaudeOutcome, Timer> claudeLatency = new EnumMap<>(ClaudeOutcome.class);
    /** model → {input, output, cache_write, cache_read} */
    private final Map<String, Counter[]> tokens = new ConcurrentHashMap<>();
    private final Map<AlertKey, Counter> alerts = new ConcurrentHashMap<>();
    private final Map<String, Counter> cost = new ConcurrentHashMap<>();
    private final Map<String, Counter> budgetRefusals = new ConcurrentHashMap<>();
    private final Map<Integer, Counter> undeliverable = new ConcurrentHashMap<>();
    private final Map<String, Counter> unreadable = new ConcurrentHashMap<>();
    private final Counter outboxRefused;
    private final Counter inboxRefused;
    private final Counter conversationRefused;
    private final Timer reminderLateness;

    /** @param expectedModel the configured model (claude.model), registered with 0 tokens at start */
    public BotMetrics(MeterRegistry registry, String expectedModel) {
        this.registry = registry;
        for (MessageKind kind : MessageKind.values()) {
            received.put(kind, Counter.builder(MESSAGES_RECEIVED).tag("kind", kind.tag)
                    .description("Telegram messages received, by how they were handled").register(registry));
        }
        repliesSent = Counter.builder(REPLIES_SENT).description("Message parts Telegram accepted").register(registry);
        outboxRefused = Counter.builder(OUTBOX_REFUSED)
                .description("Replies (or sent marks) refused because too much waits in memory for the database").register(registry);
        inboxRefused = Counter.builder(INBOX_REFUSED)
                .description("Inbox records not kept because too many wait in memory for the database").register(registry);
        conversationRefused = Counter.builder(CONVERSATION_REFUSED)
                .description("Messages not queued behind their chat's earlier ones (too many waiting); finished after a restart")
                .register(registry);
        plainFallbacks = Counter.builder(PLAIN_FALLBACK)
                .description("Message parts whose HTML Telegram could not parse, sent again as plain text").register(registry);
        for (ClaudeOutcome outcome : ClaudeOutcome.values()) {
            claudeCalls.put(outcome, Counter.builder(CLAUDE_CALLS).tag("outcome", outcome.tag)
                    .description("Claude Messages API calls, by outcome").register(registry));
            claudeLatency.put(outcome, Timer.builder(CLAUDE_LATENCY).tag("outcome", outcome.tag)
                    .description("Time from sending a Claude request to its answer or failure")
                    .publishPercentileHistogram().minimumExpectedValue(LATENCY_MIN).maximumExpectedValue(LATENCY_MAX)
                    .register(registry));
        }
        if (expectedModel != null && !expectedModel.isBlank()) {
            tokensOf(expectedModel);
            costOf(expectedModel);
        }
        budgetRefusal("monthly", 0);
        budgetRefusal("daily", 0);
        unreadableOf("telegram_outbox");
        unreadableOf("telegram_inbox");
        reminderLateness = Timer.builder(REMINDER_LATENESS)
                .description("How long after its time a reminder fired (claimed with its delivery)")
                .publishPercentileHistogram().minimumExpectedValue(LATENCY_MIN).maximumExpectedValue(LATENCY_MAX)
                .register(registry);
    }

    /** A reminder fired {@code latenessMs} after its time. */
    public void reminderFired(long latenessMs) {
        reminderLateness.record(latenessMs, TimeUnit.MILLISECONDS);
    }

    public void messageReceived(MessageKind kind) {
        received.get(kind).increment();
    }

    /** One message part Telegram confirmed. */
    public void replySent() {
        repliesSent.increment();
    }

    /** A message part Telegram refused for good (400, 403, ...: not sent again), by HTTP status (0: none). */
    public void undeliverable(int status) {
        undeliverable.computeIfAbsent(status, st -> Counter.builder(UNDELIVERABLE).tag("status", String.valueOf(st))
                .description("Message parts Telegram refused for good; closed in the outbox with the reason")
                .register(registry)).increment();
    }

    /**
     * A stored row that the configured keys cannot decrypt, set aside (kept, tried again at the next start),
     * by table.
     */
    public void unreadable(String table) {
        unreadableOf(table).increment();
    }

    private Counter unreadableOf(String table) {
        return unreadable.computeIfAbsent(table, t -> Counter.builder(ROWS_UNREADABLE).tag("table", t)
                .description("Stored rows the configured keys could not decrypt: set aside, kept, read again at the next start")
                .register(registry));
    }

    public void outboxRefused() {
        outboxRefused.increment();
    }

    public void inboxRefused() {
        inboxRefused.increment();
    }

    public void conversationRefused() {
        conversationRefused.increment();
    }

    /** Gauge {@value #OUTBOX_WAITING}: message parts waiting in the outbox's lines. */
    public <T> void watchOutbox(T outbox, ToDoubleFunction<T> waiting) {
        Gauge.builder(OUTBOX_WAITING, outbox, waiting).strongReference(true)
                .description("Message parts waiting to be sent (each chat's line)").register(registry);
    }

    /** One message part sent again as plain text after Telegram refused its HTML. */
    public void plainFallback() {
        plainFallbacks.increment();
    }

    /** @param latencyNanos from sending the request; negative when unknown (only the call is counted) */
    public void claudeCall(ClaudeOutcome outcome, long latencyNanos) {
        claudeCalls.get(outcome).increment();
        if (latencyNanos >= 0) {
            claudeLatency.get(outcome).record(latencyNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Tokens of one answer, tagged with the model that answered. */
    public void claudeTokens(String model, long inputTokens, long outputTokens) {
        Counter[] c = tokensOf(model == null || model.isBlank() ? "unknown" : model);
        if (inputTokens > 0) {
            c[0].increment(inputTokens);
        }
        if (outputTokens > 0) {
            c[1].increment(outputTokens);
        }
    }

    /** Prompt-cache tokens of one answer: written to the cache, read from it. */
    public void claudeCacheTokens(String model, long cacheWriteTokens, long cacheReadTokens) {
        Counter[] c = tokensOf(model == null || model.isBlank() ? "unknown" : model);
        if (cacheWriteTokens > 0) {
            c[2].increment(cacheWriteTokens);
        }
        if (cacheReadTokens > 0) {
            c[3].increment(cacheReadTokens);
        }
    }

    /** What one answer cost, in USD at the configured prices. */
    public void claudeCost(String model, double usd) {
        if (usd > 0) {
            costOf(model == null || model.isBlank() ? "unknown" : model).increment(usd);
        }
    }

    /** A request refused because a budget was used up ({@code monthly}) or a chat's daily limit reached ({@code daily}). */
    public void budgetRefusal(String kind) {
        budgetRefusal(kind, 1);
    }

    private void budgetRefusal(String kind, double amount) {
        budgetRefusals.computeIfAbsent(kind, k -> Counter.builder(BUDGET_REFUSALS).tag("kind", k)
                .description("Requests answered with a budget refusal instead of asking Claude").register(registry))
                .increment(amount);
    }

    private Counter costOf(String model) {
        return cost.computeIfAbsent(model, m -> Counter.builder(CLAUDE_COST).tag("model", m)
                .description("What Claude's answers cost, in USD at CLAUDE_PRICE_*_PER_MTOK").register(registry));
    }

    /** Registers the counter of an alert service and kind at 0 (the combinations known at start). */
    public void expectAlert(String service, String kind) {
        alertCounter(service, kind);
    }

    /** One alert or recovery message handed to the outbound queue for the owner. */
    public void alertSent(String service, String kind) {
        alertCounter(service, kind).increment();
    }

    /** Gauge {@value #AUDIT_QUEUE_DEPTH} and function counter {@value #AUDIT_DROPPED}, read from {@code trail} on each scrape. */
    public <T> void watchAuditQueue(T trail, ToDoubleFunction<T> depth, ToDoubleFunction<T> droppedTotal) {
        Gauge.builder(AUDIT_QUEUE_DEPTH, trail, depth).strongReference(true)
                .description("Audit entries waiting in memory to be written").register(registry);
        FunctionCounter.builder(AUDIT_DROPPED, trail, droppedTotal)
                .description("Audit entries lost: pushed out of the full queue or refused by the database").register(registry);
    }

    /** Gauge {@value #INBOX_PENDING}, read from {@code inbox} on each scrape. */
    public <T> void watchInbox(T inbox, ToDoubleFunction<T> pending) {
        Gauge.builder(INBOX_PENDING, inbox, pending).strongReference(true)
                .description("Messages recorded in the inbox and not yet answered").register(registry);
    }

    private Counter[] tokensOf(String model) {
        return tokens.computeIfAbsent(model, m -> new Counter[] {tokenCounter(m, INPUT), tokenCounter(m, OUTPUT),
                tokenCounter(m, CACHE_WRITE), tokenCounter(m, CACHE_READ)});
    }

    private Counter tokenCounter(String model, String type) {
        return Counter.builder(CLAUDE_TOKENS).tag("type", type).tag("model", model)
                .description("Tokens Claude counted in its answers' usage").register(registry);
    }

    private Counter alertCounter(String service, String kind) {
        return alerts.computeIfAbsent(new AlertKey(service, kind), k -> Counter.builder(ALERTS_SENT)
                .tag("service", k.service()).tag("kind", k.kind())
                .description("Alert and recovery messages sent to the owner").register(registry));
    }

    private record AlertKey(String service, String kind) {
    }
}
