package dev.camelassistant.usage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeTelegram;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Usage and budgets in the booted application. Claude's fake reports 21 input and 42 output tokens
 * per answer; at the test's prices (1000 and 10000 USD per million tokens) an answer costs
 * 0.021 + 0.42 = 0.441 USD, so a budget of 1 USD is at 88 % after two answers and used up after three.
 * A friend's daily limit of 100 tokens is reached after two answers (126 tokens).
 */
class BudgetRouteTest extends BotRouteTestSupport {

    static final double ANSWER_COST = (21 * 1000 + 42 * 10_000) / 1e6;
    static final long OTHER_FRIEND = 3003;

    private FakeClaude claude;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        p.put("telegram.allowed-chat-ids", FRIEND_CHAT + "," + OTHER_FRIEND);
        p.put("telegram.chat-interval-ms", "0");
        p.put("usage.price-input-per-mtok", "1000");
        p.put("usage.price-output-per-mtok", "10000");
        p.put("usage.monthly-budget-usd", "1.00");
        p.put("usage.chat-daily-token-limit", "100");
    }


    @Test
    void answersAreCountedWarnedAtEightyPercentRefusedAtTheLimitsAndReportedByUsage() throws Exception {
        claude.answers("an answer", 0);

        ask(FRIEND_CHAT, "one");
        assertThat(replies(FRIEND_CHAT, 1)).containsExactly("an answer");
        assertThat(owner()).as("no warning below 80 %").isEmpty();

        ask(FRIEND_CHAT, "two");
        assertThat(replies(FRIEND_CHAT, 2)).containsExactly("an answer", "an answer");
        await().atMost(Duration.ofSeconds(10)).until(() -> owner().size() == 1);
        assertThat(owner().get(0)).contains("88 %").contains("$1.00");

        // the friend's daily limit: refused without asking Claude, told when it resets
        ask(FRIEND_CHAT, "three");
        assertThat(replies(FRIEND_CHAT, 3).get(2)).startsWith("You've reached today's limit of 100 tokens. It resets at midnight UTC");
        // the owner has no daily limit, and the month is still under budget
        ask(ADMIN_CHAT, "owner's question");
        await().atMost(Duration.ofSeconds(10)).until(() -> replies(ADMIN_CHAT).contains("an answer"));
        assertThat(claudeRequests()).isEqualTo(3);

        // now $1.32 of $1.00: everyone is refused, and the owner hears it once
        ask(OTHER_FRIEND, "anyone there?");
        assertThat(replies(OTHER_FRIEND, 1).get(0)).startsWith("This month's Claude budget is used up");
        await().atMost(Duration.ofSeconds(10)).until(() -> owner().stream().anyMatch(t -> t.startsWith("⛔")));
        ask(ADMIN_CHAT, "and me?");
        await().atMost(Duration.ofSeconds(10)).until(() -> replies(ADMIN_CHAT).stream()
                .anyMatch(t -> t.startsWith("This month's Claude budget is used up")));
        Thread.sleep(500);
        assertThat(owner().stream().filter(t -> t.startsWith("⛔"))).as("one alert").hasSize(1);
        assertThat(owner().stream().filter(t -> t.startsWith("⚠️"))).as("one warning").hasSize(1);
        assertThat(claudeRequests()).as("no Claude call for a refused request").isEqualTo(3);

        // /usage: the owner sees every chat, a friend only itself
        ask(ADMIN_CHAT, "/usage");
        String ownerUsage = await().atMost(Duration.ofSeconds(10)).until(
                () -> replies(ADMIN_CHAT).stream().filter(t -> t.startsWith("Claude usage")).findFirst().orElse(null),
                java.util.Objects::nonNull);
        assertThat(ownerUsage).contains("This month: 189 tokens, $1.32").contains("$1.32 of $1.00 used (132 %)")
                .contains("• " + ADMIN_CHAT + " (you): 63 tokens, $0.44")
                .contains("• " + FRIEND_CHAT + " (Tester): 126 tokens, $0.88");
        ask(FRIEND_CHAT, "/usage");
        String friendUsage = await().atMost(Duration.ofSeconds(10)).until(
                () -> replies(FRIEND_CHAT).stream().filter(t -> t.startsWith("Your Claude usage")).findFirst().orElse(null),
                java.util.Objects::nonNull);
        assertThat(friendUsage).contains("Today: 126 tokens, $0.88").contains("Daily limit: 100 tokens, 0 left today")
                .doesNotContain(String.valueOf(ADMIN_CHAT));

        // the rows, written off the reply path, and the totals a restart loads from them
        await().atMost(Duration.ofSeconds(10)).until(() -> sumAnswers() == 3);
        assertThat(queryDouble("SELECT sum(cost_usd) FROM claude_usage")).isCloseTo(3 * ANSWER_COST, within(1e-6));
        assertThat(queryDouble("SELECT sum(input_tokens) FROM claude_usage WHERE chat_id = " + FRIEND_CHAT)).isEqualTo(42);
        UsageLedger afterRestart = new UsageLedger(new Prices(1000, 10_000, 10), Clock.systemUTC());
        afterRestart.load(db.dataSource());
        assertThat(afterRestart.monthCost()).isCloseTo(3 * ANSWER_COST, within(1e-6));
        assertThat(afterRestart.tokensToday(FRIEND_CHAT)).isEqualTo(126);
    }

    private void ask(long chat, String text) {
        telegram.sendText(chat, text);
    }

    private List<String> replies(long chat) {
        return telegram.sentTo(chat).stream().map(FakeTelegram.Sent::text).toList();
    }

    private List<String> replies(long chat, int atLeast) {
        await().atMost(Duration.ofSeconds(15)).until(() -> telegram.sentTo(chat).size() >= atLeast);
        return replies(chat);
    }

    /** The owner's chat also gets answers; budget messages start with ⚠️ or ⛔. */
    private List<String> owner() {
        return replies(ADMIN_CHAT).stream().filter(t -> t.startsWith("⚠️") || t.startsWith("⛔")).toList();
    }

    private int claudeRequests() {
        return claude.server().findAll(postRequestedFor(urlEqualTo("/v1/messages"))).size();
    }

    private long sumAnswers() throws Exception {
        Double d = queryDouble("SELECT coalesce(sum(answers), 0) FROM claude_usage");
        return d == null ? 0 : d.longValue();
    }

    private Double queryDouble(String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            return rs.next() ? rs.getDouble(1) : null;
        }
    }
}
