package dev.camelassistant.usage;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Running totals of Claude's usage, kept in memory so that the budget check before every Claude call
 * costs no database round trip: loaded from {@code claude_usage} at start (this month), updated by
 * {@link #record}, and written through by the {@code usage-writer} route, which drains the changes
 * ({@link #drain}) into one upsert per day, chat and model. Changes the database refused are put back
 * ({@link #restore}) and written with the next batch: they are sums per day, chat and model, so the
 * memory they take is bounded by the chats and models, however long the database is away.
 * Days and months are UTC.
 */
public class UsageLedger {

    private static final Logger LOG = LoggerFactory.getLogger(UsageLedger.class);

    /** One row of claude_usage: a day, a chat, a model. */
    public record Row(LocalDate day, long chatId, String model) {
    }

    /** Tokens (and web searches), cost and number of answers. */
    public record Amount(Tokens tokens, double costUsd, long answers) {
        public static final Amount ZERO = new Amount(Tokens.NONE, 0, 0);

        public Amount plus(Amount o) {
            return new Amount(tokens.plus(o.tokens), costUsd + o.costUsd, answers + o.answers);
        }
    }

    private final Prices prices;
    private final Clock clock;
    private YearMonth month;
    /** This month's totals per day and chat (all models). */
    private final Map<LocalDate, Map<Long, Amount>> days = new TreeMap<>();
    /** Not yet written to the database. */
    private final Map<Row, Amount> pending = new LinkedHashMap<>();

    public UsageLedger(Prices prices, Clock clock) {
        this.prices = prices;
        this.clock = clock;
        this.month = YearMonth.now(clock.withZone(ZoneOffset.UTC));
    }

    public Prices prices() {
        return prices;
    }

    /** Adds one answer; returns its cost in USD. */
    public synchronized double record(long chatId, String model, Tokens tokens) {
        LocalDate today = today();
        rollOver(today);
        double cost = prices.cost(tokens);
        Amount amount = new Amount(tokens, cost, 1);
        days.computeIfAbsent(today, d -> new HashMap<>()).merge(chatId, amount, Amount::plus);
        pending.merge(new Row(today, chatId, model), amount, Amount::plus);
        return cost;
    }

    /** This month's cost, all chats. */
    public synchronized double monthCost() {
        rollOver(today());
        double sum = 0;
        for (Map<Long, Amount> perChat : days.values()) {
            for (Amount a : perChat.values()) {
                sum += a.costUsd();
            }
        }
        return sum;
    }

    /** Tokens a chat used today (what CHAT_DAILY_TOKEN_LIMIT counts). */
    public synchronized long tokensToday(long chatId) {
        LocalDate today = today();
        rollOver(today);
        Map<Long, Amount> perChat = days.get(today);
        Amount a = perChat == null ? null : perChat.get(chatId);
        return a == null ? 0 : a.tokens().total();
    }

    /** Today's totals per chat. */
    public synchronized Map<Long, Amount> todayPerChat() {
        LocalDate today = today();
        rollOver(today);
        return new TreeMap<>(days.getOrDefault(today, Map.of()));
    }

    /** This month's totals per chat. */
    public synchronized Map<Long, Amount> monthPerChat() {
        rollOver(today());
        Map<Long, Amount> sum = new TreeMap<>();
        days.values().forEach(perChat -> perChat.forEach((chat, a) -> sum.merge(chat, a, Amount::plus)));
        return sum;
    }

    public YearMonth month() {
        return YearMonth.from(today());
    }

    /** The changes since the last drain, as camel-sql batch parameters; the ledger forgets them. */
    public synchronized List<Map<String, Object>> drain() {
        List<Map<String, Object>> rows = new ArrayList<>(pending.size());
        pending.forEach((row, a) -> {
            Map<String, Object> p = new HashMap<>();
            p.put("day", Date.valueOf(row.day()));
            p.put("chatId", row.chatId());
            p.put("model", row.model());
            p.put("inputTokens", a.tokens().input());
            p.put("outputTokens", a.tokens().output());
            p.put("cacheWriteTokens", a.tokens().cacheWrite());
            p.put("cacheReadTokens", a.tokens().cacheRead());
            p.put("webSearches", a.tokens().webSearches());
            p.put("costUsd", a.costUsd());
            p.put("answers", a.answers());
            rows.add(p);
        });
        pending.clear();
        return rows;
    }

    /** Puts back rows {@link #drain} gave out that could not be written. */
    public synchronized void restore(List<Map<String, Object>> rows) {
        for (Map<String, Object> p : rows) {
            Row row = new Row(((Date) p.get("day")).toLocalDate(), (Long) p.get("chatId"), (String) p.get("model"));
            Amount a = new Amount(new Tokens((Long) p.get("inputTokens"), (Long) p.get("outputTokens"),
                    (Long) p.get("cacheWriteTokens"), (Long) p.get("cacheReadTokens"), (Long) p.get("webSearches")),
                    (Double) p.get("costUsd"),
                    (Long) p.get("answers"));
            pending.merge(row, a, Amount::plus);
        }
    }

    public synchronized int pendingRows() {
        return pending.size();
    }

    /** Loads this month's totals (at start, before any answer). */
    public synchronized void load(DataSource dataSource) throws SQLException {
        LocalDate first = today().withDayOfMonth(1);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT day, chat_id, input_tokens, output_tokens, cache_write_tokens,"
                                                       + " cache_read_tokens, web_search_requests, cost_usd, answers FROM claude_usage"
                                                       + " WHERE day >= ?")) {
            ps.setDate(1, Date.valueOf(first));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Amount a = new Amount(new Tokens(rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7)),
                            rs.getDouble(8), rs.getLong(9));
                    days.computeIfAbsent(rs.getDate(1).toLocalDate(), d -> new HashMap<>()).merge(rs.getLong(2), a, Amount::plus);
                }
            }
        }
        LOG.info("Claude usage this month so far: {} USD", String.format(java.util.Locale.ROOT, "%.4f", monthCost()));
    }

    private LocalDate today() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }

    /** A new month starts from zero (last month's rows stay in the database). */
    private void rollOver(LocalDate today) {
        YearMonth now = YearMonth.from(today);
        if (!now.equals(month)) {
            month = now;
            days.keySet().removeIf(d -> !YearMonth.from(d).equals(now));
        }
    }
}
