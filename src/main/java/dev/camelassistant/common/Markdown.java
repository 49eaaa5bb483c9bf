package dev.camelassistant.common;

/**
 * Markdown the bot writes itself (status texts, /audit, /usage, alerts) around values it did not
 * write: telegram/TelegramHtml turns it into Telegram's HTML like any of Claude's answers.
 */
public final class Markdown {

    private Markdown() {
    }

    /**
     * Text the bot writes itself (an error message, a service's answer) as Markdown that renders to
     * exactly that text: every ASCII punctuation character is backslash-escaped.
     */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 128 && isAsciiPunctuation(c)) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** A fenced Markdown code block holding {@code text} verbatim (the fence outlasts any backticks in it). */
    public static String codeBlock(String text) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            run = text.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(Math.max(3, longest + 1));
        return fence + "\n" + text + "\n" + fence;
    }

    private static boolean isAsciiPunctuation(char c) {
        return "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".indexOf(c) >= 0;
    }
}
