package dev.camelassistant.config;

import java.nio.file.Path;
import java.time.Clock;

import dev.camelassistant.audit.AuditCommand;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.audit.AuditQuery;
import dev.camelassistant.audit.AuditRetention;
import dev.camelassistant.audit.AuditTrail;
import dev.camelassistant.conversation.ConversationRetention;
import dev.camelassistant.conversation.ConversationStore;
import dev.camelassistant.conversation.Conversations;
import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.crypto.CredentialRepository;
import dev.camelassistant.crypto.KeyRing;
import dev.camelassistant.health.HealthConfiguration;
import dev.camelassistant.health.MaskedHealthResults;
import dev.camelassistant.llm.ClaudeClient;
import dev.camelassistant.llm.ClaudeErrors;
import dev.camelassistant.llm.ClaudeStream;
import dev.camelassistant.llm.ClaudeHeaderFilter;
import dev.camelassistant.logging.CorrelationId;
import dev.camelassistant.logging.LogMasker;
import dev.camelassistant.management.ManagementServerFactory;
import dev.camelassistant.metrics.BotMetrics;
import dev.camelassistant.telegram.AccessControl;
import dev.camelassistant.usage.Budget;
import dev.camelassistant.usage.Prices;
import dev.camelassistant.usage.UsageAlerts;
import dev.camelassistant.usage.UsageLedger;
import dev.camelassistant.usage.UsageReport;
import dev.camelassistant.telegram.Commands;
import dev.camelassistant.telegram.InboundMessages;
import dev.camelassistant.telegram.LiveReplies;
import dev.camelassistant.telegram.Outbox;
import dev.camelassistant.telegram.ChatTurns;
import dev.camelassistant.telegram.MessageRetention;
import dev.camelassistant.telegram.ReplySplitter;
import dev.camelassistant.telegram.TelegramInbox;
import dev.camelassistant.telegram.TelegramSender;
import dev.camelassistant.telegram.TypingIndicator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The beans the YAML routes call, built once from the resolved properties. Camel stops the
 * database (pool and embedded server) when the context shuts down.
 */
public class AppConfiguration implements CamelConfiguration {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AppConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent props = context.getPropertiesComponent();
        var registry = context.getRegistry();

        String model = prop(props, "claude.model", "claude-sonnet-4-6");
        BotMetrics metrics = new BotMetrics(meterRegistry(registry), model);
        registry.bind("botMetrics", metrics);

        Path dataDir = Path.of(prop(props, "app.data-dir", "./data"));
        Database database = DatabaseStartup.take();
        if (database == null) {
            database = Database.open(prop(props, "database.url", ""), prop(props, "database.user", "postgres"),
                    prop(props, "database.password", ""), dataDir, Integer.parseInt(prop(props, "database.pool-size", "8")));
            database.migrate();
        }
        context.addService(new DatabaseService(database), true, true);
        registry.bind("dataSource", database.dataSource());

        int auditCapacity = Integer.parseInt(prop(props, "audit.queue-capacity", "10000"));
        AuditTrail auditTrail = new AuditTrail(auditCapacity, Integer.parseInt(prop(props, "audit.batch-size", "100")));
        auditTrail.setBatchTimeoutMs(Long.parseLong(prop(props, "audit.batch-timeout-ms", "200")));
        // added after the database: Camel stops services in reverse, so the audit queue flushes first
        context.addService(auditTrail, true, true);
        registry.bind("auditTrail", auditTrail);
        metrics.watchAuditQueue(auditTrail, AuditTrail::pending, AuditTrail::droppedTotal);
        registry.bind("auditCommand", new AuditCommand(new AuditQuery(database.dataSource())));
        registry.bind("auditRetention", new AuditRetention(auditTrail,
                Integer.parseInt(prop(props, "audit.retention-days", "30")),
                Integer.parseInt(prop(props, "audit.cleanup-batch-size", "10000")), Clock.systemUTC()));

        KeyRing keyRing = KeyRing.load(prop(props, "crypto.encryption-key", ""), prop(props, "crypto.previous-keys", ""),
                dataDir);
        keyRing.secretsForMasking().forEach(LogMasker::registerSecret);
        CredentialCipher cipher = new CredentialCipher(keyRing);
        registry.bind("credentialRepository", new CredentialRepository(database.dataSource(), cipher, auditTrail));

        AuditEvents audit = new AuditEvents(auditTrail, metrics);
        registry.bind("audit", audit);

        String token = prop(props, "telegram.bot-token", "");
        LogMasker.registerSecret(token);
        String apiKey = prop(props, "claude.api-key", "");
        LogMasker.registerSecret(apiKey);
        LogMasker.registerSecret(prop(props, "database.password", ""));

        AccessControl access = new AccessControl(prop(props, "telegram.admin-chat-id", ""),
                prop(props, "telegram.allowed-chat-ids", ""));
        registry.bind("inboundMessages", new InboundMessages(access));
        // chats refused today (one refusal each per day), bounded: the least recent are forgotten first
        registry.bind("strangerRefusals", org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository
                .memoryIdempotentRepository(10_000));
        registry.bind("commands", new Commands());
        registry.bind("correlationId", new CorrelationId());
        ReplySplitter replySplitter = new ReplySplitter();
        // Telegram's limits, applied by the throttles of routes/telegram-outbound.camel.yaml ("0 = off" becomes a
        // limit no bot reaches: a throttle needs a positive period and rate)
        long chatInterval = Long.parseLong(prop(props, "telegram.chat-interval-ms", "1000"));
        long perSecond = Math.round(Double.parseDouble(prop(props, "telegram.max-messages-per-second", "30")));
        props.addOverrideProperty("telegram.pace.chat-period-ms", String.valueOf(chatInterval > 0 ? chatInterval : 1));
        props.addOverrideProperty("telegram.pace.per-second", String.valueOf(perSecond > 0 ? perSecond : 10_000));
        TelegramSender sender = new TelegramSender(context, metrics);
        onStop(context, sender::close);
        registry.bind("telegramSender", sender);

        TelegramInbox inbox = new TelegramInbox(database.fastFailPool("inbox", 2, 250), cipher,
                Integer.parseInt(prop(props, "inbox.memory-limit", "10000")), metrics);
        // written once more after every route has stopped (answered marks of the last replies)
        onStop(context, inbox::flush);
        registry.bind("inbox", inbox);
        metrics.watchInbox(inbox, TelegramInbox::pending);
        registry.bind("chatTurns", new ChatTurns(context.createProducerTemplate(), "seda:conversation?waitForTaskToComplete=Never",
                Integer.parseInt(prop(props, "conversation.max-waiting", "10000")), metrics));
        Outbox outbox = new Outbox(database.fastFailPool("outbox", 6, 1000), cipher, inbox, replySplitter, metrics, audit,
                context.createProducerTemplate(), "seda:outbox-dispatch?waitForTaskToComplete=Never",
                Long.parseLong(prop(props, "outbox.memory-limit-mb", "64")) * 1024 * 1024,
                java.time.Duration.ofHours(Long.parseLong(prop(props, "telegram.retry-hours", "24"))),
                Long.parseLong(prop(props, "telegram.max-backoff-ms", "300000")));
        onStop(context, () -> {
            outbox.flush();
            outbox.close();
        });
        registry.bind("outbox", outbox);
        metrics.watchOutbox(outbox, Outbox::waiting);
        int retentionDays = Integer.parseInt(prop(props, "audit.retention-days", "30"));
        registry.bind("inboxRetention", new MessageRetention(auditTrail, retentionDays, "inbox_cleanup"));
        registry.bind("outboxRetention", new MessageRetention(auditTrail, retentionDays, "outbox_cleanup"));
        TypingIndicator typing = new TypingIndicator(prop(props, "telegram.api-url", "https://api.telegram.org"), token,
                Long.parseLong(prop(props, "telegram.typing-interval-ms", "4000")));
        onStop(context, typing::close);
        registry.bind("typingIndicator", typing);

        ClaudeClient claudeClient = new ClaudeClient(apiKey, model,
                Integer.parseInt(prop(props, "claude.max-tokens", "4096")), prop(props, "claude.system-prompt", ""), audit, metrics,
                Boolean.parseBoolean(prop(props, "claude.streaming", "true")));
        registry.bind("claudeClient", claudeClient);
        registry.bind("claudeStream", new ClaudeStream(claudeClient));
        registry.bind("liveReplies", new LiveReplies(outbox, replySplitter, typing,
                Long.parseLong(prop(props, "claude.stream-first-text-ms", "1000")),
                Long.parseLong(prop(props, "telegram.edit-interval-ms", "1000"))));
        // its own small pool with a short connection timeout: no reply waits long on a database that is away
        registry.bind("conversations", new Conversations(
                new ConversationStore(database.fastFailPool("conversations", 4, 1000), cipher),
                Integer.parseInt(prop(props, "conversation.max-input-tokens", "20000")), claudeClient.systemPrompt()));
        registry.bind("conversationRetention", new ConversationRetention(auditTrail,
                Integer.parseInt(prop(props, "conversation.retention-days", "30")),
                Integer.parseInt(prop(props, "conversation.cleanup-batch-size", "1000")), Clock.systemUTC()));
        registry.bind("claudeErrors", new ClaudeErrors(model, audit, metrics));

        // usage and budgets: running totals in memory (loaded now), written through by routes/usage.camel.yaml
        UsageLedger ledger = new UsageLedger(new Prices(Double.parseDouble(prop(props, "usage.price-input-per-mtok", "3")),
                Double.parseDouble(prop(props, "usage.price-output-per-mtok", "15"))), Clock.systemUTC());
        try {
            ledger.load(database.dataSource());
        } catch (java.sql.SQLException e) {
            LOG.warn("Could not load this month's Claude usage ({}): until the next start, budgets and /usage count only this run's answers",
                    e.getClass().getSimpleName());
        }
        registry.bind("usageLedger", ledger);
        String budgetUsd = prop(props, "usage.monthly-budget-usd", "");
        String dailyLimit = prop(props, "usage.chat-daily-token-limit", "");
        Budget budget = new Budget(ledger, budgetUsd.isEmpty() ? null : Double.valueOf(budgetUsd),
                dailyLimit.isEmpty() ? null : Long.valueOf(dailyLimit), access::isAdmin,
                new UsageAlerts(database.dataSource(), Clock.systemUTC()), metrics, Clock.systemUTC());
        registry.bind("budget", budget);
        registry.bind("usageReport", new UsageReport(ledger, budget));
        registry.bind("claudeHeaderFilter", new ClaudeHeaderFilter());

        new HealthConfiguration().configure(context);
        // every health result is masked (the console, JMX, Jolokia, /health)
        registry.bind("maskedHealthResults", new MaskedHealthResults());

        ManagementServerFactory.requireGuarded(context);
    }

    /**
     * The one meter registry, bound as {@code metricsRegistry}: camel-micrometer-prometheus serves it on
     * /observe/metrics, so Camel's route metrics and the bot's share it. With camel.metrics.enabled,
     * camel-main has already created and bound it before it runs configuration classes (its
     * MicrometerPrometheus service looks that name up, else creates one): the bot's meters join that
     * one. Otherwise it is created here, and a MicrometerPrometheus started later finds it.
     */
    static MeterRegistry meterRegistry(Registry registry) {
        MeterRegistry existing = registry.lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
        if (existing != null) {
            return existing;
        }
        PrometheusMeterRegistry created = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, created);
        return created;
    }

    static String prop(PropertiesComponent props, String key, String fallback) {
        return props.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty()).orElse(fallback);
    }

    /**
     * Runs {@code action} when the context stops, after its routes. (Beans called from routes are not
     * Camel services themselves: Camel would stop such a bean as soon as the first route using it
     * stops, while other routes still need it during a graceful shutdown.)
     */
    static void onStop(CamelContext context, Runnable action) throws Exception {
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                action.run();
            }
        }, true, true);
    }

    /** Ties the database to Camel's lifecycle: closed after the routes have stopped. */
    static final class DatabaseService extends ServiceSupport {
        private final Database database;

        DatabaseService(Database database) {
            this.database = database;
        }

        @Override
        protected void doStop() {
            database.close();
        }
    }
}
