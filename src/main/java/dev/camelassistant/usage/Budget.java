package dev.camelassistant.usage;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import dev.camelassistant.llm.ClaudeUsage;
import dev.camelassistant.metrics.BotMetrics;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Spending under control. Before a Claude call, {@link #check} refuses kindly when this month's
 * budget (CLAUDE_MONTHLY_BUDGET_USD) is used up, or when a chat other than the owner's reached its
 * daily token limit (CHAT_DAILY_TOKEN_LIMIT); both read the in-memory {@link UsageLedger}, no
 * database. After an answer, {@link #record} adds its usage and cost. The owner hears once a month
 * when spending passes 80 % of the budget and once when it is used up ({@link UsageAlerts}).
 * <p>
 * Outputs are exchange variables read by the conversation route: {@value #REFUSAL} (the text for
 * the user, instead of asking Claude) and {@value #OWNER_ALERT} (a text for the owner). Commands
 * (/new) are never refused.
 */
public class Budget {

    public static final String REFUSAL = "budgetRefusal";
    public static final String OWNER_ALERT = "budgetAlert";
    public static final String OWNER_ALERT_KIND = "budgetAlertKind";
    public static final double WARNING_SHARE = 0.8;

    private static final Logger LOG = LoggerFactory.getLogger(Budget.class);

    private final UsageLedger ledger;
    private final Double monthlyBudgetUsd;
    private final Long chatDailyTokenLimit;
    private final Predicate<String> isOwner;
    private final UsageAlerts alerts;
    private final BotMetrics metrics;
    private final Clock clock;
    private final Map<Long, String> chatNames = new ConcurrentHashMap<>();

    public Budget(UsageLedger ledger, Double monthlyBudgetUsd, Long chatDailyTokenLimit, Predicate<String> isOwner,
                  UsageAlerts alerts, BotMetrics metrics, Clock clock) {
        this.ledger = ledger;
        this.monthlyBudgetUsd = monthlyBudgetUsd;
        this.chatDailyTokenLimit = chatDailyTokenLimit;
        this.isOwner = isOwner;
        this.alerts = alerts;
        this.metrics = metrics;
        this.clock = clock;
    }

    public Double monthlyBudgetUsd() {
        return monthlyBudgetUsd;
    }

    public Long chatDailyTokenLimit() {
        return chatDailyTokenLimit;
    }

    /** Names seen in this run (not stored): /usage shows them next to the chat ids. */
    public Map<Long, String> chatNames() {
        return chatNames;
    }

    public void check(Exchange exchange) {
        if (exchange.getMessage().getHeader("command") != null) {
            return; // /new and the like are never refused
        }
        String chat = exchange.getMessage().getHeader("chatId", String.class);
        long chatId = parse(chat);
        String name = exchange.getMessage().getHeader("chatName", String.class);
        if (name != null && !name.isBlank()) {
            chatNames.put(chatId, name);
        }
        if (monthlyBudgetUsd != null) {
            double spent = ledger.monthCost();
            if (spent >= monthlyBudgetUsd) {
                exchange.setVariable(REFUSAL, "This month's Claude budget is used up, so I can't ask Claude now. "
                                              + "It starts again on " + firstOfNextMonth() + ".");
                LOG.warn("budget_refused {} {} {}", kv("chatId", chat), kv("monthCostUsd", round(spent)),
                        kv("budgetUsd", monthlyBudgetUsd));
                metrics.budgetRefusal("monthly");
                if (alerts.firstThisMonth("exhausted")) {
                    ownerAlert(exchange, "exhausted", exhaustedText(spent));
                }
                return;
            }
        }
        if (chatDailyTokenLimit != null && !isOwner.test(chat)) {
            long used = ledger.tokensToday(chatId);
            if (used >= chatDailyTokenLimit) {
                exchange.setVariable(REFUSAL, "You've reached today's limit of " + Money.count(chatDailyTokenLimit)
                                              + " tokens. It resets at midnight UTC, in " + untilMidnight() + ".");
                LOG.info("budget_refused {} {} {}", kv("chatId", chat), kv("tokensToday", used),
                        kv("dailyLimit", chatDailyTokenLimit));
                metrics.budgetRefusal("daily");
            }
        }
    }

    /** After a successful answer (variable {@value ClaudeUsage#VARIABLE}): adds it to the ledger and the metrics. */
    public void record(Exchange exchange) {
        ClaudeUsage usage = exchange.getVariable(ClaudeUsage.VARIABLE, ClaudeUsage.class);
        if (usage == null) {
            return;
        }
        long chatId = parse(exchange.getMessage().getHeader("chatId", String.class));
        double cost = ledger.record(chatId, usage.model(),
                new Tokens(usage.input(), usage.output(), usage.cacheWrite(), usage.cacheRead(), usage.webSearches()));
        metrics.claudeCost(usage.model(), cost);
        if (monthlyBudgetUsd != null) {
            double spent = ledger.monthCost();
            if (spent >= monthlyBudgetUsd) {
                // this answer used the budget up (perhaps straight from under 80 %): the owner hears it now
                if (alerts.firstThisMonth("exhausted")) {
                    ownerAlert(exchange, "exhausted", exhaustedText(spent));
                }
            } else if (spent >= WARNING_SHARE * monthlyBudgetUsd && alerts.firstThisMonth("warning")) {
                ownerAlert(exchange, "warning", "⚠️ Claude spending this month is " + Money.usd(spent) + ", "
                        + Math.round(100 * spent / monthlyBudgetUsd) + " % of the " + Money.usd(monthlyBudgetUsd)
                        + " budget.");
            }
        }
    }

    private String exhaustedText(double spent) {
        return "⛔ This month's Claude budget of " + Money.usd(monthlyBudgetUsd) + " is used up (" + Money.usd(spent)
               + " spent): I'm refusing requests until " + firstOfNextMonth() + ". Raise CLAUDE_MONTHLY_BUDGET_USD to go on.";
    }

    private static void ownerAlert(Exchange exchange, String kind, String text) {
        exchange.setVariable(OWNER_ALERT, text);
        exchange.setVariable(OWNER_ALERT_KIND, kind);
    }

    private String firstOfNextMonth() {
        LocalDate first = LocalDate.now(clock.withZone(ZoneOffset.UTC)).withDayOfMonth(1).plusMonths(1);
        return first.getDayOfMonth() + " " + first.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
    }

    private String untilMidnight() {
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(ZoneOffset.UTC));
        Duration left = Duration.between(now, now.toLocalDate().plusDays(1).atStartOfDay(ZoneOffset.UTC));
        long h = left.toHours();
        long m = left.toMinutesPart();
        return h > 0 ? h + " h " + m + " min" : Math.max(1, m) + " min";
    }

    private static double round(double usd) {
        return Math.round(usd * 10_000) / 10_000d;
    }

    static long parse(String chatId) {
        try {
            return chatId == null ? 0 : Long.parseLong(chatId.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
