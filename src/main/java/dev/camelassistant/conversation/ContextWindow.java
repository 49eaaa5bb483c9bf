package dev.camelassistant.conversation;

import java.util.ArrayList;
import java.util.List;

import dev.camelassistant.llm.Turn;
import dev.camelassistant.llm.Turn.Role;

/**
 * Which earlier turns of a conversation go with the next request: the newest that fit the input
 * token budget (CONVERSATION_MAX_INPUT_TOKENS), as whole exchanges (a user turn and the answer to
 * it), so the history alternates user and assistant, starts with user and ends with assistant, as
 * the Messages API requires before the new user message. A turn without its partner (an orphan) is
 * dropped rather than sending two turns of the same role.
 * <p>
 * Tokens are estimated from text length ({@link #estimate}: characters / 3.5, rounded up) and
 * scaled by the chat's ratio of the tokens the API counted to the tokens estimated for its last
 * request, which corrects the estimate for the language and content of that chat.
 * <p>
 * Once the history outgrows the budget, the oldest exchanges go a quarter of the budget at a time
 * ({@link #stableStart}), so that consecutive requests share their first turns and the prompt cache.
 */
public final class ContextWindow {

    /** Characters per token of the estimate (English prose is about 4; code, other scripts less). */
    static final double CHARS_PER_TOKEN = 3.5;
    /** The ratio of counted to estimated tokens is kept within these bounds (one odd answer must not empty the history). */
    static final double MIN_RATIO = 0.5;
    static final double MAX_RATIO = 4.0;

    private ContextWindow() {
    }

    /** Estimated tokens of a text: characters / 3.5, rounded up. */
    public static int estimate(String text) {
        return text == null ? 0 : (int) Math.ceil(text.length() / CHARS_PER_TOKEN);
    }

    /** Estimated tokens of turns (unscaled): their text, and their attachments as counted when stored. */
    public static int estimate(List<Turn> turns) {
        int sum = 0;
        for (Turn t : turns) {
            sum += estimate(t);
        }
        return sum;
    }

    /** Estimated tokens of one turn: its text and its attachments. */
    public static int estimate(Turn turn) {
        return estimate(turn.text()) + turn.attachmentTokens();
    }

    /** counted / estimated, within [0.5, 4]; 1 when either is unknown. */
    public static double ratio(int countedTokens, int estimatedTokens) {
        if (countedTokens <= 0 || estimatedTokens <= 0) {
            return 1.0;
        }
        return clampRatio((double) countedTokens / estimatedTokens);
    }

    static double clampRatio(double ratio) {
        return Double.isNaN(ratio) ? 1.0 : Math.max(MIN_RATIO, Math.min(MAX_RATIO, ratio));
    }

    /**
     * @param history        the conversation's turns, oldest first
     * @param maxInputTokens the budget of the whole request's input
     * @param systemPrompt   the system prompt every request carries
     * @param userText       the new user message
     * @param ratio          the chat's counted / estimated tokens (1 when unknown)
     * @return the newest whole exchanges that fit, oldest first
     */
    public static List<Turn> select(List<Turn> history, int maxInputTokens, String systemPrompt, String userText,
                                    double ratio) {
        return select(history, maxInputTokens, systemPrompt, Turn.user(userText), ratio);
    }

    /**
     * As {@link #select(List, int, String, String, double)}, for a question that may carry attachments. An
     * earlier exchange whose photos or documents no longer fit goes on without them (its text says so)
     * rather than being dropped whole, as long as its text fits.
     */
    public static List<Turn> select(List<Turn> history, int maxInputTokens, String systemPrompt, Turn question,
                                    double ratio) {
        double r = clampRatio(ratio);
        long budget = maxInputTokens - scaled(estimate(systemPrompt), r) - scaled(estimate(question), r);
        List<Turn[]> exchanges = new ArrayList<>(exchanges(history));
        // the oldest exchange that may stay: the newest exchanges are kept, none skipped over to fill a gap
        int first = exchanges.size();
        long used = 0;
        while (first > 0) {
            Turn[] e = exchanges.get(first - 1);
            long cost = scaled(estimate(e[0]), r) + scaled(estimate(e[1]), r);
            if (used + cost > budget && !e[0].attachments().isEmpty()) {
                Turn[] lighter = {e[0].withoutAttachments(), e[1]};
                long lighterCost = scaled(estimate(lighter[0]), r) + scaled(estimate(lighter[1]), r);
                if (used + lighterCost <= budget) {
                    exchanges.set(first - 1, lighter);
                    cost = lighterCost;
                }
            }
            if (used + cost > budget) {
                break;
            }
            used += cost;
            first--;
        }
        int start = stableStart(exchanges, first, maxInputTokens);
        List<Turn> picked = new ArrayList<>();
        for (Turn[] e : exchanges.subList(start, exchanges.size())) {
            picked.add(e[0]);
            picked.add(e[1]);
        }
        return picked;
    }

    /**
     * Where the window starts once the history no longer fits: not just past the oldest exchange that
     * had to go, but at the next of the conversation's fixed starting points, one in every quarter of
     * the budget (by estimated tokens from the start of the conversation, which never change as it
     * grows). The window then drops a quarter of the budget at a time and keeps the same first turn for
     * the next few requests, so they can read it from the prompt cache; sliding by one exchange per
     * request would change the prefix every time and write the whole history to the cache again.
     */
    static int stableStart(List<Turn[]> exchanges, int first, int maxInputTokens) {
        if (first == 0) {
            return 0;
        }
        long step = Math.max(1, maxInputTokens / 4);
        long offset = 0;
        long band = -1;
        for (int i = 0; i < exchanges.size(); i++) {
            long b = offset / step;
            if (b > band) {
                band = b;
                if (i >= first) {
                    return i;
                }
            }
            Turn[] e = exchanges.get(i);
            offset += estimate(e[0]) + estimate(e[1]);
        }
        return first;
    }

    /** The question-and-answer pairs of the history, oldest first; a turn without its partner is left out. */
    static List<Turn[]> exchanges(List<Turn> history) {
        List<Turn[]> out = new ArrayList<>();
        for (int i = 0; i + 1 < history.size(); i++) {
            if (history.get(i).role() == Role.USER && history.get(i + 1).role() == Role.ASSISTANT) {
                out.add(new Turn[] {history.get(i), history.get(i + 1)});
                i++;
            }
        }
        return out;
    }

    private static long scaled(int tokens, double ratio) {
        return (long) Math.ceil(tokens * ratio);
    }
}
