package dev.camelassistant.logging;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides secrets in text that is about to be logged, sent to a user or stored: Telegram bot tokens
 * (also inside {@code /bot<token>/} URL segments), Anthropic keys, and the exact secret values the
 * application registered at startup (API key, bot token, encryption keys, database password).
 * Used by the logback converters and value masker, and by every error path that forwards an
 * exception's text.
 */
public final class LogMasker {

    public static final String MASK = "****";

    private static final Pattern BOT_URL = Pattern.compile("/bot\\d+:[^/\\s?#\"']+");
    private static final Pattern BOT_TOKEN = Pattern.compile("\\b\\d{5,}:[A-Za-z0-9_-]{30,}");
    private static final Pattern ANTHROPIC_KEY = Pattern.compile("sk-ant-[A-Za-z0-9_-]+");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]+");
    private static final Pattern HEADER_SECRET = Pattern.compile(
            "(?i)((?:x-api-key|authorization|password|token|apiKey|secret)\\s*[=:]\\s*\"?)([^\\s\",;&}]+)");

    /** Longest first, so that a secret containing another is masked whole. */
    private static final List<String> SECRETS = new CopyOnWriteArrayList<>();

    private LogMasker() {
    }

    /** Registers a configured secret value: from now on it is masked wherever it appears. */
    public static void registerSecret(String value) {
        if (value == null || value.isBlank() || value.length() < 6 || SECRETS.contains(value)) {
            return;
        }
        SECRETS.add(value);
        SECRETS.sort(Comparator.comparingInt(String::length).reversed());
    }

    /** For tests: forgets the registered values. */
    public static void clearSecrets() {
        SECRETS.clear();
    }

    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : SECRETS) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        if (out.indexOf("/bot") >= 0) {
            out = BOT_URL.matcher(out).replaceAll("/bot" + MASK);
        }
        if (out.indexOf(':') >= 0) {
            out = BOT_TOKEN.matcher(out).replaceAll(MASK);
        }
        if (out.contains("sk-ant-")) {
            out = ANTHROPIC_KEY.matcher(out).replaceAll(MASK);
        }
        Matcher b = BEARER.matcher(out);
        if (b.find()) {
            out = b.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + " " + MASK));
        }
        Matcher m = HEADER_SECRET.matcher(out);
        if (m.find()) {
            out = m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + MASK));
        }
        return out;
    }

    /** Masks and folds line breaks, so that user text cannot forge a log line in a plain-text log. */
    public static String maskSingleLine(String text) {
        String masked = mask(text);
        if (masked == null) {
            return null;
        }
        return masked.replace("\r", "\\r").replace("\n", "\\n");
    }
}
