package dev.camelassistant.telegram;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a reply into Telegram messages of at most {@value #LIMIT} characters (UTF-16 units, as
 * Telegram counts), preferring a paragraph break, then a line break, then a space, and never
 * cutting a surrogate pair. Parts keep their order; blank parts are dropped.
 */
public final class ReplySplitter {

    public static final int LIMIT = 4096;

    private final int limit;

    public ReplySplitter() {
        this(LIMIT);
    }

    public ReplySplitter(int limit) {
        this.limit = limit;
    }

    public List<String> split(String text) {
        List<String> parts = new ArrayList<>();
        if (text == null) {
            return parts;
        }
        String rest = text.strip();
        while (rest.length() > limit) {
            int cut = cutPoint(rest);
            String part = rest.substring(0, cut).stripTrailing();
            if (!part.isBlank()) {
                parts.add(part);
            }
            rest = rest.substring(cut).stripLeading();
        }
        if (!rest.isBlank()) {
            parts.add(rest);
        }
        return parts;
    }

    private int cutPoint(String s) {
        int min = limit / 2;
        int at = s.lastIndexOf("\n\n", limit - 2);
        if (at >= min) {
            return at + 2;
        }
        at = s.lastIndexOf('\n', limit - 1);
        if (at >= min) {
            return at + 1;
        }
        at = s.lastIndexOf(' ', limit - 1);
        if (at >= min) {
            return at + 1;
        }
        int cut = limit;
        if (Character.isHighSurrogate(s.charAt(cut - 1)) && Character.isLowSurrogate(s.charAt(cut))) {
            cut--;
        }
        return cut;
    }
}
