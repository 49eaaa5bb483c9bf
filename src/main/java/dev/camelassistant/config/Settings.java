package dev.camelassistant.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.quartz.CronExpression;

/**
 * The environment contract of the bot (README, "Configuration"): which variables exist, which are
 * required for which role, and what a well-formed value looks like.
 * <p>
 * {@link #validate(Map)} runs before Camel starts so that a bad setting stops the process with
 * exit code 2 and one line per problem, naming the variable and never echoing a secret value.
 * application.properties maps each variable that Camel and the beans read to a property with
 * {@code {{env:NAME:default}}}; the few read before Camel starts have no property (APP_ROLE,
 * ROUTES_DIR and ROUTES_RELOAD by {@code CamelAssistant}, LOG_FORMAT and LOG_LEVEL by logback.xml).
 * {@code SettingsTest} checks that the two lists agree.
 */
public final class Settings {

    public enum Role {
        BOT, WORKER, ALL;

        public boolean runsBot() {
            return this != WORKER;
        }

        public boolean runsWorker() {
            return this != BOT;
        }

        public static Role parse(String value) {
            return value == null || value.isBlank() ? ALL : valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
    }

    /**
     * One variable of the contract: its property key in application.properties (null: read straight
     * from the environment before Camel starts) and whether it is secret.
     */
    public record Variable(String env, String property, boolean secret) {
    }

    public static final List<Variable> VARIABLES = List.of(
            new Variable("TELEGRAM_BOT_TOKEN", "telegram.bot-token", true),
            new Variable("TELEGRAM_API_URL", "telegram.api-url", false),
            new Variable("TELEGRAM_ADMIN_CHAT_ID", "telegram.admin-chat-id", false),
            new Variable("TELEGRAM_ALLOWED_CHAT_IDS", "telegram.allowed-chat-ids", false),
            new Variable("ANTHROPIC_API_KEY", "claude.api-key", true),
            new Variable("ANTHROPIC_BASE_URL", "claude.base-url", false),
            new Variable("CLAUDE_MODEL", "claude.model", false),
            new Variable("CLAUDE_MAX_TOKENS", "claude.max-tokens", false),
            new Variable("CLAUDE_TIMEOUT_SECONDS", "claude.timeout-seconds", false),
            new Variable("CLAUDE_SYSTEM_PROMPT", "claude.system-prompt", false),
            new Variable("CLAUDE_STREAMING", "claude.streaming", false),
            new Variable("ENCRYPTION_KEY", "crypto.encryption-key", true),
            new Variable("ENCRYPTION_KEYS_PREVIOUS", "crypto.previous-keys", true),
            new Variable("DATABASE_URL", "database.url", false),
            new Variable("DATABASE_USER", "database.user", false),
            new Variable("DATABASE_PASSWORD", "database.password", true),
            new Variable("REDIS_URL", "redis.url", false),
            new Variable("QDRANT_URL", "qdrant.url", false),
            new Variable("DATA_DIR", "app.data-dir", false),
            new Variable("HEALTH_CHECK_INTERVAL_SECONDS", "health.interval-seconds", false),
            new Variable("ALERT_COOLDOWN_SECONDS", "alert.cooldown-seconds", false),
            new Variable("CONVERSATION_MAX_INPUT_TOKENS", "conversation.max-input-tokens", false),
            new Variable("CONVERSATION_RETENTION_DAYS", "conversation.retention-days", false),
            new Variable("AUDIT_RETENTION_DAYS", "audit.retention-days", false),
            new Variable("AUDIT_CLEANUP_CRON", "audit.cleanup-cron", false),
            new Variable("LOG_FORMAT", null, false),
            new Variable("LOG_LEVEL", null, false),
            new Variable("HTTP_PORT", "app.http-port", false),
            new Variable("CLAUDE_PRICE_INPUT_PER_MTOK", "usage.price-input-per-mtok", false),
            new Variable("CLAUDE_PRICE_OUTPUT_PER_MTOK", "usage.price-output-per-mtok", false),
            new Variable("CLAUDE_PRICE_WEB_SEARCH_PER_1000", "usage.price-web-search-per-1000", false),
            new Variable("WEB_SEARCH", "web.search", false),
            new Variable("WEB_SEARCH_MAX_USES", "web.search-max-uses", false),
            new Variable("WEB_ALLOWED_DOMAINS", "web.allowed-domains", false),
            new Variable("WEB_BLOCKED_DOMAINS", "web.blocked-domains", false),
            new Variable("CLAUDE_MONTHLY_BUDGET_USD", "usage.monthly-budget-usd", false),
            new Variable("CHAT_DAILY_TOKEN_LIMIT", "usage.chat-daily-token-limit", false),
            new Variable("CHAT_MAX_WAITING", "conversation.chat-max-waiting", false),
            new Variable("TOOL_MAX_ROUNDS", "tools.max-rounds", false),
            new Variable("TOOL_TIMEOUT_SECONDS", "tools.timeout-seconds", false),
            new Variable("MEMORY_MAX_TOKENS", "memory.max-tokens", false),
            new Variable("ASSISTANT_TIMEZONE", "assistant.timezone", false),
            new Variable("RETRY_WITHIN_HOURS", "claude.retry-within-hours", false),
            new Variable("EDIT_REANSWER_MINUTES", "telegram.edit-reanswer-minutes", false),
            new Variable("MANAGEMENT_HOST", "management.host", false),
            new Variable("MANAGEMENT_USER", "management.user", false),
            new Variable("MANAGEMENT_PASSWORD", "management.password", true),
            new Variable("DEV_CONSOLE", "management.dev-console", false),
            new Variable("APP_ROLE", null, false),
            new Variable("ROUTES_DIR", null, false),
            new Variable("ROUTES_RELOAD", null, false));

    private static final Pattern BOT_TOKEN = Pattern.compile("\\d{3,}:[A-Za-z0-9_-]{20,}");
    private static final Pattern CHAT_ID = Pattern.compile("-?\\d{1,20}");
    private static final Pattern HEX_KEY = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern REDIS = Pattern.compile("rediss?://([^@/]+@)?[^:/]+(:\\d{1,5})?(/\\d+)?/?");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,253}");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern DOMAIN = Pattern.compile("(?i)[a-z0-9]([a-z0-9.-]*[a-z0-9])?\\.[a-z]{2,63}(/[^\\s,]*)?");
    private static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    private Settings() {
    }

    /** Problems of these variables, one line each ("NAME: what is wrong"); empty when all is well. */
    public static List<String> validate(Map<String, String> env) {
        Checker c = new Checker(name -> {
            String v = env.get(name);
            return v == null || v.isBlank() ? null : v.trim();
        });

        Role role = null;
        String roleValue = c.get("APP_ROLE");
        try {
            role = Role.parse(roleValue);
        } catch (IllegalArgumentException e) {
            c.problem("APP_ROLE", "must be bot, worker or all (got '" + roleValue + "')");
        }

        boolean bot = role == null || role.runsBot();
        if (bot) {
            c.required("TELEGRAM_BOT_TOKEN", "the token BotFather gave the bot");
            c.required("TELEGRAM_ADMIN_CHAT_ID", "the owner's numeric chat id");
            c.required("ANTHROPIC_API_KEY", "the Claude API key");
        }
        c.check("TELEGRAM_BOT_TOKEN", v -> BOT_TOKEN.matcher(v).matches(),
                "is not shaped like a bot token (<digits>:<letters, digits, _ or ->)");
        c.check("TELEGRAM_ADMIN_CHAT_ID", v -> CHAT_ID.matcher(v).matches(), "must be a numeric chat id");
        c.check("TELEGRAM_ALLOWED_CHAT_IDS", v -> splitList(v).stream().allMatch(id -> CHAT_ID.matcher(id).matches()),
                "must be a comma-separated list of numeric chat ids");
        c.check("TELEGRAM_API_URL", Settings::isHttpUrl, "must be an http(s) URL");
        c.check("ANTHROPIC_BASE_URL", Settings::isHttpUrl, "must be an http(s) URL");
        c.check("QDRANT_URL", Settings::isHttpUrl, "must be an http(s) URL such as http://qdrant:6333");
        c.check("REDIS_URL", v -> REDIS.matcher(v).matches(), "must look like redis://host:port");
        c.check("DATABASE_URL", v -> v.startsWith("jdbc:postgresql://") && v.length() > "jdbc:postgresql://".length(),
                "must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database)");
        c.check("ENCRYPTION_KEY", v -> HEX_KEY.matcher(v).matches(), "must be 64 hexadecimal characters (32 bytes)");
        c.check("ENCRYPTION_KEYS_PREVIOUS", v -> splitList(v).stream().allMatch(k -> HEX_KEY.matcher(k).matches()),
                "must be a comma-separated list of 64-hex-character keys");
        c.positiveInt("CLAUDE_MAX_TOKENS", 1_000_000);
        c.positiveInt("CLAUDE_TIMEOUT_SECONDS", 3600);
        c.positiveInt("HEALTH_CHECK_INTERVAL_SECONDS", 86_400);
        c.positiveInt("ALERT_COOLDOWN_SECONDS", 86_400 * 7);
        c.positiveInt("CONVERSATION_MAX_INPUT_TOKENS", 1_000_000);
        c.positiveInt("CONVERSATION_RETENTION_DAYS", 36_500);
        c.positiveInt("AUDIT_RETENTION_DAYS", 36_500);
        c.positiveInt("HTTP_PORT", 65_535);
        c.check("AUDIT_CLEANUP_CRON", CronExpression::isValidExpression,
                "is not a valid Quartz cron expression (for example '0 0 3 * * ?')");
        c.check("LOG_FORMAT", v -> v.equals("json") || v.equals("text"), "must be json or text");
        c.check("LOG_LEVEL", v -> LEVELS.contains(v.toUpperCase(Locale.ROOT)), "must be one of " + LEVELS);
        c.check("ROUTES_RELOAD", v -> v.equals("true") || v.equals("false"), "must be true or false");
        c.check("CLAUDE_PRICE_INPUT_PER_MTOK", v -> isAmount(v, 0), "must be a number of USD, 0 or more (e.g. 3)");
        c.check("CLAUDE_PRICE_OUTPUT_PER_MTOK", v -> isAmount(v, 0), "must be a number of USD, 0 or more (e.g. 15)");
        c.check("CLAUDE_PRICE_WEB_SEARCH_PER_1000", v -> isAmount(v, 0), "must be a number of USD, 0 or more (e.g. 10)");
        c.check("WEB_SEARCH", v -> v.equals("true") || v.equals("false"), "must be true or false");
        c.positiveInt("WEB_SEARCH_MAX_USES", 100);
        c.check("WEB_ALLOWED_DOMAINS", Settings::isDomainList, "must be a comma-separated list of domains such as example.com");
        c.check("WEB_BLOCKED_DOMAINS", Settings::isDomainList, "must be a comma-separated list of domains such as example.com");
        if (c.get("WEB_ALLOWED_DOMAINS") != null && c.get("WEB_BLOCKED_DOMAINS") != null) {
            c.problem("WEB_BLOCKED_DOMAINS", "cannot be set together with WEB_ALLOWED_DOMAINS (Anthropic takes one or the other)");
        }
        c.check("CLAUDE_MONTHLY_BUDGET_USD", v -> isAmount(v, Double.MIN_VALUE), "must be a number of USD above 0 (e.g. 20)");
        c.positiveInt("CHAT_DAILY_TOKEN_LIMIT", 1_000_000_000);
        c.positiveInt("CHAT_MAX_WAITING", 100_000);
        c.positiveInt("TOOL_MAX_ROUNDS", 100);
        c.positiveInt("TOOL_TIMEOUT_SECONDS", 3600);
        c.positiveInt("MEMORY_MAX_TOKENS", 100_000);
        c.positiveInt("RETRY_WITHIN_HOURS", 24 * 7);
        c.check("EDIT_REANSWER_MINUTES", v -> v.matches("\\d{1,5}") && Integer.parseInt(v) <= 1440,
                "must be a whole number of minutes from 0 (edits of answered messages ignored) to 1440");
        c.check("ASSISTANT_TIMEZONE", Settings::isZone, "must be an IANA time zone name such as Europe/Berlin or UTC");
        c.check("CLAUDE_STREAMING", v -> v.equals("true") || v.equals("false"), "must be true or false");
        c.check("DEV_CONSOLE", v -> v.equals("true") || v.equals("false"), "must be true or false");
        c.check("MANAGEMENT_HOST", v -> HOST.matcher(v).matches(),
                "must be an interface address or host name, such as 127.0.0.1 or 0.0.0.0");
        c.check("MANAGEMENT_USER", v -> USER.matcher(v).matches(),
                "must be 1 to 64 letters, digits, '.', '_' or '-'");
        // the password goes into a Vert.x properties file line: user.NAME=PASSWORD,ROLE
        c.check("MANAGEMENT_PASSWORD", v -> v.length() >= 12 && !v.contains(",") && v.chars().noneMatch(Character::isISOControl),
                "must be at least 12 characters, without commas or line breaks");
        return c.problems;
    }

    public static List<String> splitList(String value) {
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    static boolean isSecret(String env) {
        return VARIABLES.stream().anyMatch(v -> v.env().equals(env) && v.secret());
    }

    private static boolean isAmount(String value, double min) {
        try {
            double d = Double.parseDouble(value);
            return Double.isFinite(d) && d >= min && d < 1e9;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Domains as Anthropic's web tools take them: no scheme, optionally a path (example.com, docs.example.com/api). */
    private static boolean isDomainList(String value) {
        List<String> domains = splitList(value);
        return !domains.isEmpty() && domains.stream().allMatch(d -> DOMAIN.matcher(d).matches());
    }

    private static boolean isZone(String value) {
        // region ids only (Europe/Berlin, UTC), as the tz database names them; no fixed offsets like +02:00
        return java.time.ZoneId.getAvailableZoneIds().contains(value);
    }

    private static boolean isHttpUrl(String value) {
        try {
            URI uri = URI.create(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static final class Checker {
        private final Function<String, String> lookup;
        private final List<String> problems = new ArrayList<>();

        Checker(Function<String, String> lookup) {
            this.lookup = lookup;
        }

        String get(String name) {
            return lookup.apply(name);
        }

        void problem(String name, String message) {
            problems.add(name + ": " + message);
        }

        void required(String name, String what) {
            if (get(name) == null) {
                problem(name, "is required (" + what + ")");
            }
        }

        void check(String name, java.util.function.Predicate<String> ok, String message) {
            String value = get(name);
            if (value != null && !ok.test(value)) {
                boolean hide = isSecret(name) || name.endsWith("_URL") && value.contains("@")
                        || name.equals("DATABASE_URL") && value.toLowerCase(Locale.ROOT).contains("password");
                problem(name, hide ? message : message + " (got '" + printable(value) + "')");
            }
        }

        void positiveInt(String name, int max) {
            check(name, v -> {
                try {
                    int n = Integer.parseInt(v);
                    return n > 0 && n <= max;
                } catch (NumberFormatException e) {
                    return false;
                }
            }, "must be a whole number from 1 to " + max);
        }

        private static String printable(String value) {
            String shown = value.length() > 60 ? value.substring(0, 60) + "…" : value;
            return shown.replaceAll("\\p{Cntrl}", "?");
        }
    }
}
