package dev.camelassistant.config;

import java.sql.SQLException;
import java.time.Clock;

import javax.sql.DataSource;

import dev.camelassistant.metrics.BotMetrics;
import dev.camelassistant.telegram.AccessControl;
import dev.camelassistant.usage.Budget;
import dev.camelassistant.usage.Prices;
import dev.camelassistant.usage.UsageAlerts;
import dev.camelassistant.usage.UsageLedger;
import dev.camelassistant.usage.UsageReport;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.PropertyInject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Claude's usage and the budgets: running totals in memory (loaded now), written through by routes/usage.camel.yaml. */
public class UsageConfiguration extends FeatureConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(UsageConfiguration.class);

    @PropertyInject("usage.price-input-per-mtok")
    double priceInput;
    @PropertyInject("usage.price-output-per-mtok")
    double priceOutput;
    @PropertyInject("usage.price-web-search-per-1000")
    double priceWebSearch;
    // empty: no budget, no limit
    @PropertyInject("usage.monthly-budget-usd")
    String monthlyBudgetUsd;
    @PropertyInject("usage.chat-daily-token-limit")
    String chatDailyTokenLimit;
    @BeanInject("dataSource")
    DataSource dataSource;
    @BeanInject("accessControl")
    AccessControl access;
    @BeanInject("botMetrics")
    BotMetrics metrics;

    @BindToRegistry("usageLedger")
    public UsageLedger usageLedger() {
        UsageLedger ledger = new UsageLedger(new Prices(priceInput, priceOutput, priceWebSearch), Clock.systemUTC());
        try {
            ledger.load(dataSource);
        } catch (SQLException e) {
            LOG.warn("Could not load this month's Claude usage ({}): until the next start, budgets and /usage count only this run's answers",
                    e.getClass().getSimpleName());
        }
        return ledger;
    }

    @BindToRegistry("budget")
    public Budget budget(UsageLedger ledger) {
        return new Budget(ledger, blank(monthlyBudgetUsd) ? null : Double.valueOf(monthlyBudgetUsd.trim()),
                blank(chatDailyTokenLimit) ? null : Long.valueOf(chatDailyTokenLimit.trim()), access::isAdmin,
                new UsageAlerts(dataSource, Clock.systemUTC()), metrics, Clock.systemUTC());
    }

    @BindToRegistry("usageReport")
    public UsageReport usageReport(UsageLedger ledger, Budget budget) {
        return new UsageReport(ledger, budget);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
