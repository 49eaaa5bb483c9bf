package dev.camelassistant.telegram;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a text the bot sends (Markdown) into the Telegram messages that carry it: parts of at most
 * {@value #LIMIT} UTF-16 code units of visible text (Telegram's measure, after its HTML is parsed),
 * each rendered to balanced Telegram HTML on its own ({@link TelegramHtml}).
 * <p>
 * The Markdown is split before it is rendered, so that no tag spans two messages. A cut is made at
 * the last paragraph break that leaves the part at least half full, else at a line break, a
 * sentence end, a space, and only then between two characters (never inside a surrogate pair or
 * before a combining mark). A fenced code block cut in two is closed at the end of the part and
 * opened again, with its language, at the start of the next. Each rendered part is measured, and
 * cut further if its visible text is still too long. Parts keep their order; blank parts are dropped.
 */
public final class ReplySplitter {

    /** Telegram's limit of one message's text, in UTF-16 code units after entity parsing. */
    public static final int LIMIT = 4096;

    /** The smallest budget a part is cut to when rendering keeps exceeding the limit. */
    private static final int MIN_BUDGET = 256;

    /** A fence line: up to 3 spaces, 3+ backticks (info without backticks) or 3+ tildes, then the info string. */
    private static final Pattern FENCE = Pattern.compile("^( {0,3})(`{3,}(?=[^`]*$)|~{3,})(.*)$");

    private final int limit;

    public ReplySplitter() {
        this(LIMIT);
    }

    /** @param limit the longest visible text of one part (tests use small ones) */
    public ReplySplitter(int limit) {
        this.limit = limit;
    }

    /** The Telegram HTML messages of a Markdown text, in order (the outbound route's split). */
    public List<String> htmlParts(String markdown) {
        List<String> out = new ArrayList<>();
        for (String part : split(markdown, limit)) {
            addRendered(part, limit, out);
        }
        return out;
    }

    private void addRendered(String markdown, int budget, List<String> out) {
        String html = TelegramHtml.render(markdown);
        String visibleText = TelegramHtml.visibleText(html);
        int visible = visibleText.length();
        if (visibleText.isBlank()) {
            if (!markdown.isBlank()) {
                // Markdown that renders to nothing (only a link definition, an empty fence): send it as written
                addPlain(markdown.strip(), out);
            }
            return;
        }
        if (visible <= limit) {
            out.add(html);
            return;
        }
        if (budget <= MIN_BUDGET) {
            // rendering keeps outgrowing the limit (deeply nested lists): the visible text, plainly, in hard cuts
            addPlain(visibleText, out);
            return;
        }
        // rendering made it longer (list bullets, a reopened fence's language...): cut this part smaller
        int smaller = Math.max(MIN_BUDGET, Math.min(budget - 1, budget - (visible - limit) - 8));
        for (String part : split(markdown, smaller)) {
            addRendered(part, smaller, out);
        }
    }

    /** {@code text} as escaped plain-text parts of at most {@link #limit} units, never cutting a surrogate pair. */
    private void addPlain(String text, List<String> out) {
        String rest = text;
        while (!rest.isEmpty()) {
            int cut = Math.min(limit, rest.length());
            if (cut < rest.length() && Character.isHighSurrogate(rest.charAt(cut - 1))) {
                cut--;
            }
            String part = rest.substring(0, cut);
            if (!part.isBlank()) {
                out.add(TelegramHtml.escape(part));
            }
            rest = rest.substring(cut);
        }
    }

    /** The Markdown parts of a text, each at most {@code budget} UTF-16 units of Markdown. */
    public List<String> split(String markdown) {
        return split(markdown, limit);
    }

    static List<String> split(String markdown, int budget) {
        List<String> parts = new ArrayList<>();
        if (markdown == null) {
            return parts;
        }
        String rest = stripLeadingBlankLines(markdown).stripTrailing();
        while (rest.length() > budget) {
            int cut = cutPoint(rest, budget);
            OpenFence fence = openFenceAt(rest, cut);
            if (fence != null) {
                int reduced = budget - fence.closing().length() - 1;
                if (reduced < budget / 2) {
                    // fence lines about as long as a whole part: the block is cut like any text
                    fence = null;
                } else {
                    // leave room for the closing fence
                    cut = cutPoint(rest, reduced);
                    fence = openFenceAt(rest, cut);
                }
            }
            if (fence != null && fence.contentStart() >= cut) {
                if (fence.lineStart() > 0) {
                    // none of the block's content would be in this part: cut before its opening line
                    cut = fence.lineStart();
                }
                // (an opening line longer than a whole part is cut like any text)
                fence = null;
            }
            String head = rest.substring(0, cut);
            String tail = rest.substring(cut);
            if (fence != null) {
                head = stripTrailingNewlines(head) + "\n" + fence.closing();
                tail = fence.opening() + "\n" + (tail.startsWith("\n") ? tail.substring(1) : tail);
            } else {
                head = head.stripTrailing();
                tail = stripLeadingBlankLines(tail);
            }
            if (tail.length() >= rest.length()) {
                // no progress (a reopened fence as long as what it carried): a hard cut, never a loop
                int hard = Math.min(budget, rest.length());
                if (hard < rest.length() && Character.isHighSurrogate(rest.charAt(hard - 1))) {
                    hard--;
                }
                head = rest.substring(0, hard);
                tail = rest.substring(hard);
            }
            if (!head.isBlank()) {
                parts.add(head);
            }
            rest = tail;
        }
        if (!rest.isBlank()) {
            parts.add(rest);
        }
        return parts;
    }

    /**
     * Where to end a part of {@code s} (longer than {@code budget}): the preferred boundary that
     * leaves at most {@code budget} units before it once the whitespace at the cut is dropped.
     */
    static int cutPoint(String s, int budget) {
        budget = Math.max(2, Math.min(budget, s.length() - 1));
        int min = budget / 2;
        int at = s.lastIndexOf("\n\n", budget);
        if (at >= min) {
            return at + 2;
        }
        at = s.lastIndexOf('\n', budget);
        if (at >= min) {
            return at + 1;
        }
        int sentence = lastBoundary(BreakIterator.getSentenceInstance(Locale.ROOT), s, min, budget);
        if (sentence > min) {
            return sentence;
        }
        for (int i = budget; i >= min; i--) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i + 1;
            }
        }
        int character = lastBoundary(BreakIterator.getCharacterInstance(Locale.ROOT), s, Math.max(0, budget - 32), budget);
        int cut = character > Math.max(0, budget - 32) ? character : budget;
        if (Character.isLowSurrogate(s.charAt(cut)) && Character.isHighSurrogate(s.charAt(cut - 1))) {
            cut--;
        }
        return cut;
    }

    /**
     * The last boundary of {@code iterator} strictly inside {@code s[from, to)} that is followed by
     * the rest of the text (so the break is judged with what comes after {@code to}), or -1.
     */
    private static int lastBoundary(BreakIterator iterator, String s, int from, int to) {
        int end = Math.min(s.length(), to + 1);
        iterator.setText(s.substring(from, end));
        int b = iterator.preceding(to - from + 1);
        while (b != BreakIterator.DONE && b > 0) {
            if (b <= to - from) {
                return from + b;
            }
            b = iterator.previous();
        }
        return -1;
    }

    /** A fenced code block open at a cut: its opening line, the line that closes it, where it starts. */
    record OpenFence(String opening, String closing, int lineStart, int contentStart) {
    }

    /** {@code markdown} with a code block left open at its end closed, so that text appended after it is not code. */
    public static String closeOpenFence(String markdown) {
        OpenFence open = openFenceAt(markdown, markdown.length());
        return open == null ? markdown : markdown.stripTrailing() + "\n" + open.closing();
    }

    /** The fenced code block still open at position {@code cut} of {@code s}, or null. */
    static OpenFence openFenceAt(String s, int cut) {
        OpenFence open = null;
        char fenceChar = 0;
        int fenceLength = 0;
        int lineStart = 0;
        while (lineStart < cut) {
            int nl = s.indexOf('\n', lineStart);
            int lineEnd = nl < 0 ? s.length() : nl;
            if (lineEnd > cut) {
                break; // the line at the cut does not end before it: it changes nothing before the cut
            }
            String line = s.substring(lineStart, lineEnd);
            Matcher m = FENCE.matcher(line);
            if (open == null) {
                if (m.matches()) {
                    String fence = m.group(2);
                    fenceChar = fence.charAt(0);
                    fenceLength = fence.length();
                    open = new OpenFence(line.strip(), fence, lineStart, Math.min(s.length(), lineEnd + 1));
                }
            } else if (m.matches() && m.group(2).charAt(0) == fenceChar && m.group(2).length() >= fenceLength
                       && m.group(3).isBlank()) {
                open = null;
            }
            lineStart = lineEnd + 1;
        }
        return open;
    }

    private static String stripLeadingBlankLines(String s) {
        int i = 0;
        int keepFrom = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            if (s.charAt(i) == '\n') {
                keepFrom = i + 1;
            }
            i++;
        }
        return i == s.length() ? "" : s.substring(keepFrom);
    }

    private static String stripTrailingNewlines(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        return s.substring(0, end);
    }
}
