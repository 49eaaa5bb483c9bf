package dev.camelassistant.telegram;

import java.util.regex.Matcher;
import java.util.regex.Pattern;


/**
 * Reads camel-telegram's send failures, which carry no typed status: the message is
 * {@code "<url> responded: <status><body>"} (and the URL holds the bot token, so it is only ever
 * logged through the masking encoder). The outbox reads the status to decide between waiting
 * ({@code retry_after} of a 429), trying again (5xx, network) and closing the part (other 4xx).
 */
public final class TelegramErrors {

    private TelegramErrors() {
    }
    private static final Pattern STATUS = Pattern.compile("responded: (\\d{3})");
    private static final Pattern RETRY_AFTER = Pattern.compile("\"retry_after\"\\s*:\\s*(\\d+)");
    private static final long MAX_WAIT_SECONDS = 60;

    public static int status(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                Matcher m = STATUS.matcher(t.getMessage());
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
        }
        return 0;
    }

    /**
     * Telegram refused a message's HTML: 400 "Bad Request: can't parse entities: ...". Such a part is
     * sent again as plain text (see TelegramSender).
     */
    public static boolean isUnparsableHtml(Throwable e) {
        return isBadRequestSaying(e, "can't parse entities");
    }

    /** An edit with the text the message already shows: 400 "Bad Request: message is not modified". */
    public static boolean isNotModified(Throwable e) {
        return isBadRequestSaying(e, "message is not modified");
    }

    /** A 400 whose description (in the exception or one of its causes) contains {@code phrase}. */
    private static boolean isBadRequestSaying(Throwable e, String phrase) {
        if (status(e) != 400) {
            return false;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(phrase)) {
                return true;
            }
        }
        return false;
    }

    public static long retryAfterSeconds(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                Matcher m = RETRY_AFTER.matcher(t.getMessage());
                if (m.find()) {
                    return Math.min(MAX_WAIT_SECONDS, Long.parseLong(m.group(1)));
                }
            }
        }
        return 1;
    }

    /** A one-line, secret-free description for the log and the audit trail. */
    public static String describe(Throwable e) {
        if (e instanceof TelegramSender.TelegramSendException && e.getMessage() != null) {
            return e.getMessage(); // described already, from camel-telegram's exception (its cause)
        }
        int status = status(e);
        if (status > 0) {
            String msg = e.getMessage();
            int at = msg.indexOf("responded: ");
            return "Telegram answered HTTP " + status + (at >= 0 ? ": " + msg.substring(at + "responded: ".length() + 3) : "");
        }
        return e == null ? "unknown" : e.getClass().getSimpleName();
    }
}
