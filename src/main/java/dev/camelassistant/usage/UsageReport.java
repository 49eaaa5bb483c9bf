package dev.camelassistant.usage;

import java.util.Map;

import dev.camelassistant.common.Markdown;
import dev.camelassistant.usage.UsageLedger.Amount;

/**
 * The text of {@code /usage}: for the owner, tokens (and web searches, when there were any) and cost
 * today and this month, the budget and
 * how much of it is used, and one line per chat; for any other chat, its own figures only.
 */
public class UsageReport {

    private final UsageLedger ledger;
    private final Budget budget;

    public UsageReport(UsageLedger ledger, Budget budget) {
        this.ledger = ledger;
        this.budget = budget;
    }

    public String text(String chatId, boolean owner) {
        return owner ? forOwner(Budget.parse(chatId)) : forChat(Budget.parse(chatId));
    }

    String forOwner(long ownerChat) {
        Map<Long, Amount> today = ledger.todayPerChat();
        Map<Long, Amount> month = ledger.monthPerChat();
        Amount todayTotal = sum(today);
        Amount monthTotal = sum(month);
        StringBuilder sb = new StringBuilder("Claude usage (UTC)\n");
        sb.append("Today: ").append(figures(todayTotal)).append('\n');
        sb.append("This month: ").append(figures(monthTotal));
        Double cap = budget.monthlyBudgetUsd();
        if (cap != null) {
            sb.append("\nBudget: ").append(Money.usd(monthTotal.costUsd())).append(" of ").append(Money.usd(cap))
                    .append(" used (").append(Math.round(100 * monthTotal.costUsd() / cap)).append(" %)");
        } else {
            sb.append("\nBudget: none set (CLAUDE_MONTHLY_BUDGET_USD)");
        }
        if (!month.isEmpty()) {
            sb.append("\n\nPer chat, this month (today):");
            month.forEach((chat, a) -> {
                sb.append("\n• ").append(chat);
                // a group title or a person's name is theirs to choose: shown as written, never as Markdown
                String name = chat == ownerChat ? "you" : Markdown.escape(budget.chatNames().get(chat));
                if (name != null) {
                    sb.append(" (").append(name).append(')');
                }
                sb.append(": ").append(figures(a)).append(" (").append(figures(today.getOrDefault(chat, Amount.ZERO)))
                        .append(')');
            });
        }
        return sb.toString();
    }

    String forChat(long chat) {
        Amount today = ledger.todayPerChat().getOrDefault(chat, Amount.ZERO);
        Amount month = ledger.monthPerChat().getOrDefault(chat, Amount.ZERO);
        StringBuilder sb = new StringBuilder("Your Claude usage (UTC)\n");
        sb.append("Today: ").append(figures(today)).append('\n');
        sb.append("This month: ").append(figures(month));
        Long limit = budget.chatDailyTokenLimit();
        if (limit != null) {
            sb.append("\nDaily limit: ").append(Money.count(limit)).append(" tokens, ")
                    .append(Money.count(Math.max(0, limit - today.tokens().total()))).append(" left today");
        }
        return sb.toString();
    }

    private static String figures(Amount a) {
        long searches = a.tokens().webSearches();
        return Money.count(a.tokens().total()) + " tokens, "
               + (searches == 0 ? "" : Money.count(searches) + (searches == 1 ? " web search, " : " web searches, "))
               + Money.usd(a.costUsd());
    }

    private static Amount sum(Map<Long, Amount> perChat) {
        Amount total = Amount.ZERO;
        for (Amount a : perChat.values()) {
            total = total.plus(a);
        }
        return total;
    }
}
