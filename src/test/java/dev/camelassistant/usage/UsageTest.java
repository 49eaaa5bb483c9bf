package dev.camelassistant.usage;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.camelassistant.llm.ClaudeUsage;
import dev.camelassistant.metrics.BotMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Prices, the ledger, the budget and the /usage texts, with a clock the test moves. */
class UsageTest {

    static final Prices SONNET = new Prices(3, 15, 10);
    static final String OWNER = "1001";
    static final String FRIEND = "2002";

    final MutableClock clock = new MutableClock("2026-11-29T10:00:00Z");
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final BotMetrics metrics = new BotMetrics(registry, "claude-sonnet-4-6");
    final DefaultCamelContext context = new DefaultCamelContext();

    @Test
    void costUsesThePricesAndTheCacheMultipliers() {
        // 1M input at $3, 1M output at $15, 1M cache writes at 1.25 × $3, 1M cache reads at 0.1 × $3
        assertThat(SONNET.cost(new Tokens(1_000_000, 0, 0, 0))).isCloseTo(3.0, within(1e-9));
        assertThat(SONNET.cost(new Tokens(0, 1_000_000, 0, 0))).isCloseTo(15.0, within(1e-9));
        assertThat(SONNET.cost(new Tokens(0, 0, 1_000_000, 0))).isCloseTo(3.75, within(1e-9));
        assertThat(SONNET.cost(new Tokens(0, 0, 0, 1_000_000))).isCloseTo(0.30, within(1e-9));
        assertThat(SONNET.cost(new Tokens(21, 42, 0, 0))).isCloseTo((21 * 3 + 42 * 15) / 1e6, within(1e-12));
    }

    @Test
    void moneyAndCountsAreFormattedForPeople() {
        assertThat(Money.usd(4.2149)).isEqualTo("$4.21");
        assertThat(Money.usd(1234.5)).isEqualTo("$1,234.50");
        assertThat(Money.usd(0.0423)).isEqualTo("$0.042");
        assertThat(Money.usd(0.000314)).isEqualTo("$0.00031");
        assertThat(Money.usd(0.5)).isEqualTo("$0.50");
        assertThat(Money.usd(0)).isEqualTo("$0.00");
        assertThat(Money.count(1234567)).isEqualTo("1,234,567");
        assertThat(Money.count(12)).isEqualTo("12");
    }

    @Test
    void theLedgerSumsPerDayChatAndMonthAndStartsANewMonthFromZero() {
        UsageLedger ledger = new UsageLedger(SONNET, clock);
        ledger.record(2002, "m", new Tokens(100, 50, 0, 0));
        ledger.record(2002, "m", new Tokens(100, 50, 0, 0));
        ledger.record(1001, "m", new Tokens(10, 5, 0, 0));
        assertThat(ledger.tokensToday(2002)).isEqualTo(300);
        assertThat(ledger.tokensToday(1001)).isEqualTo(15);
        clock.set("2026-11-30T09:00:00Z");
        assertThat(ledger.tokensToday(2002)).as("a new day").isZero();
        assertThat(ledger.monthPerChat().get(2002L).tokens().total()).isEqualTo(300);
        double monthCost = ledger.monthCost();
        assertThat(monthCost).isGreaterThan(0);
        clock.set("2026-12-01T00:00:01Z");
        assertThat(ledger.monthCost()).as("a new month").isZero();
        assertThat(ledger.monthPerChat()).isEmpty();
    }

    @Test
    void drainedRowsAreSumsPerDayChatAndModelAndARefusedBatchIsPutBack() {
        UsageLedger ledger = new UsageLedger(SONNET, clock);
        ledger.record(2002, "m", new Tokens(100, 50, 1, 2));
        ledger.record(2002, "m", new Tokens(100, 50, 1, 2));
        ledger.record(2002, "other", new Tokens(1, 1, 0, 0));
        List<Map<String, Object>> rows = ledger.drain();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).containsEntry("inputTokens", 200L).containsEntry("cacheReadTokens", 4L)
                .containsEntry("answers", 2L).containsEntry("model", "m");
        assertThat(ledger.pendingRows()).isZero();
        ledger.restore(rows);
        ledger.record(2002, "m", new Tokens(1, 0, 0, 0));
        assertThat(ledger.drain()).hasSize(2).first().satisfies(r -> assertThat(r).containsEntry("inputTokens", 201L));
        // restoring changed nothing of the running totals: they counted each answer once
        assertThat(ledger.tokensToday(2002)).isEqualTo(2 * 153 + 2 + 1);
    }

    @Test
    void theMonthlyBudgetRefusesAtOneHundredPercentAndWarnsTheOwnerOnceAtEighty() {
        UsageLedger ledger = new UsageLedger(SONNET, clock);
        OnceAlerts alerts = new OnceAlerts();
        Budget budget = new Budget(ledger, 1.00, null, OWNER::equals, alerts.asUsageAlerts(), metrics, clock);

        // $0.75: below 80 %, no warning (the negative), then $0.06 more crosses 80 %: one warning
        assertThat(record(budget, FRIEND, new Tokens(0, 50_000, 0, 0)).getVariable(Budget.OWNER_ALERT)).isNull();
        Exchange crossing = record(budget, FRIEND, new Tokens(0, 4_000, 0, 0));
        assertThat(crossing.getVariable(Budget.OWNER_ALERT, String.class)).contains("81 %").contains("$1.00");
        assertThat(record(budget, FRIEND, new Tokens(0, 1_000, 0, 0)).getVariable(Budget.OWNER_ALERT)).as("only once").isNull();
        assertThat(check(budget, FRIEND).getVariable(Budget.REFUSAL)).as("still under the cap").isNull();

        // the answer that uses the budget up tells the owner at once
        Exchange exhausting = record(budget, OWNER, new Tokens(0, 20_000, 0, 0)); // now $1.125
        assertThat(exhausting.getVariable(Budget.OWNER_ALERT, String.class)).contains("⛔").contains("$1.00");
        Exchange refused = check(budget, OWNER);
        assertThat(refused.getVariable(Budget.REFUSAL, String.class)).contains("budget is used up").contains("1 December");
        assertThat(refused.getVariable(Budget.OWNER_ALERT)).as("already told").isNull();
        Exchange again = check(budget, FRIEND);
        assertThat(again.getVariable(Budget.REFUSAL)).isNotNull();
        assertThat(again.getVariable(Budget.OWNER_ALERT)).as("the owner hears it once").isNull();
        assertThat(registry.get(BotMetrics.BUDGET_REFUSALS).tag("kind", "monthly").counter().count()).isEqualTo(2);
        assertThat(registry.get(BotMetrics.CLAUDE_COST).tag("model", "claude-sonnet-4-6").counter().count())
                .isCloseTo(1.125, within(1e-9));
    }

    @Test
    void anAnswerThatJumpsFromUnderEightyPercentPastTheBudgetAlertsTheOwnerThatItIsUsedUp() {
        UsageLedger ledger = new UsageLedger(SONNET, clock);
        Budget budget = new Budget(ledger, 1.00, null, OWNER::equals, new OnceAlerts().asUsageAlerts(), metrics, clock);
        assertThat(record(budget, FRIEND, new Tokens(0, 10_000, 0, 0)).getVariable(Budget.OWNER_ALERT)).isNull(); // $0.15
        Exchange jump = record(budget, FRIEND, new Tokens(0, 100_000, 0, 0)); // $1.65
        assertThat(jump.getVariable(Budget.OWNER_ALERT, String.class)).startsWith("⛔");
        assertThat(jump.getVariable(Budget.OWNER_ALERT_KIND, String.class)).isEqualTo("exhausted");
    }

    @Test
    void aChatNameIsShownAsWrittenNotAsMarkdown() {
        UsageLedger ledger = new UsageLedger(SONNET, clock);
        Budget budget = new Budget(ledger, null, null, OWNER::equals, new OnceAlerts().asUsageAlerts(), metrics, clock);
        Exchange named = exchange("-100123");
        named.getMessage().setHeader("chatName", "**URGENT** [renew the key](https://evil.example)");
        budget.check(named);
        record(budget, "-100123", new Tokens(10, 10, 0, 0));
        String text = new UsageReport(ledger, budget).text(OWNER, true);
        String html = dev.camelassistant.telegram.TelegramHtml.render(text);
        assertThat(html).doesNotContain("<b>URGENT</b>").doesNotContain("<a href").contains("**URGENT**");
    }

    @Test
    void theDailyLimitHoldsForAllowedChatsButNotTheOwnerAndSaysWhenItResets() {
        UsageLedger ledger = new UsageLedger(SONNET, clock);
        Budget budget = new Budget(ledger, null, 1000L, OWNER::equals, new OnceAlerts().asUsageAlerts(), metrics, clock);
        record(budget, FRIEND, new Tokens(600, 400, 0, 0));
        record(budget, OWNER, new Tokens(6000, 4000, 0, 0));
        assertThat(check(budget, FRIEND).getVariable(Budget.REFUSAL, String.class))
                .isEqualTo("You've reached today's limit of 1,000 tokens. It resets at midnight UTC, in 14 h 0 min.");
        assertThat(check(budget, OWNER).getVariable(Budget.REFUSAL)).as("the owner has no daily limit").isNull();
        clock.set("2026-11-30T00:00:05Z");
        assertThat(check(budget, FRIEND).getVariable(Budget.REFUSAL)).as("reset at midnight UTC").isNull();
        assertThat(registry.get(BotMetrics.BUDGET_REFUSALS).tag("kind", "daily").counter().count()).isEqualTo(1);
    }

    @Test
    void usageTextsGiveTheOwnerEveryChatAndOthersTheirOwn() {
        UsageLedger ledger = new UsageLedger(SONNET, clock);
        Budget budget = new Budget(ledger, 10.0, 50_000L, OWNER::equals, new OnceAlerts().asUsageAlerts(), metrics, clock);
        Exchange named = exchange(FRIEND);
        named.getMessage().setHeader("chatName", "Alice");
        budget.check(named);
        record(budget, FRIEND, new Tokens(12_000, 3_000, 0, 0));
        record(budget, OWNER, new Tokens(1_000_000, 100_000, 0, 0));
        UsageReport report = new UsageReport(ledger, budget);

        String owner = report.text(OWNER, true);
        assertThat(owner).isEqualTo("""
                Claude usage (UTC)
                Today: 1,115,000 tokens, $4.58
                This month: 1,115,000 tokens, $4.58
                Budget: $4.58 of $10.00 used (46 %)

                Per chat, this month (today):
                • 1001 (you): 1,100,000 tokens, $4.50 (1,100,000 tokens, $4.50)
                • 2002 (Alice): 15,000 tokens, $0.081 (15,000 tokens, $0.081)""");
        String friend = report.text(FRIEND, false);
        assertThat(friend).isEqualTo("""
                Your Claude usage (UTC)
                Today: 15,000 tokens, $0.081
                This month: 15,000 tokens, $0.081
                Daily limit: 50,000 tokens, 35,000 left today""");
        assertThat(friend).doesNotContain("1001");
    }

    private Exchange exchange(String chat) {
        Exchange e = new DefaultExchange(context);
        e.getMessage().setHeader("chatId", chat);
        return e;
    }

    private Exchange check(Budget budget, String chat) {
        Exchange e = exchange(chat);
        budget.check(e);
        return e;
    }

    private Exchange record(Budget budget, String chat, Tokens tokens) {
        Exchange e = exchange(chat);
        e.setVariable(ClaudeUsage.VARIABLE, new ClaudeUsage("claude-sonnet-4-6", tokens.input(), tokens.output(),
                tokens.cacheWrite(), tokens.cacheRead()));
        budget.record(e);
        return e;
    }

    /** UsageAlerts without a database: its in-memory "once" alone (the database part is tested in the route test). */
    static final class OnceAlerts {
        UsageAlerts asUsageAlerts() {
            return new UsageAlerts(new FailingDataSource(), Clock.fixed(Instant.parse("2026-11-29T10:00:00Z"), ZoneOffset.UTC));
        }
    }

    static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        MutableClock(String instant) {
            now = new AtomicReference<>(Instant.parse(instant));
        }

        void set(String instant) {
            now.set(Instant.parse(instant));
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    /** A database that is away: UsageAlerts then sends (once per run). */
    static final class FailingDataSource extends org.postgresql.ds.PGSimpleDataSource {
        @Override
        public java.sql.Connection getConnection() throws java.sql.SQLException {
            throw new java.sql.SQLException("database away");
        }
    }
}
