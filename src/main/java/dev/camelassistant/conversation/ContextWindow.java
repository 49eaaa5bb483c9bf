package dev.camelassistant.conversation;

import java.util.ArrayList;
import java.util.Collections;
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

    /** Estimated tokens of turns (unscaled). */
    public static int estimate(List<Turn> turns) {
        int sum = 0;
        for (Turn t : turns) {
            sum += estimate(t.text());
        }
        return sum;
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
        double r = clampRatio(ratio);
        long budget = maxInputTokens - scaled(estimate(systemPrompt), r) - scaled(estimate(userText), r);
        List<Turn> picked = new ArrayList<>();
        long used = 0;
        int i = history.size() - 1;
        while (i >= 0) {
            Turn answer = history.get(i);
            if (answer.role() != Role.ASSISTANT) {
                i--; // a question without its answer: dropped
                continue;
            }
            if (i == 0 || history.get(i - 1).role() != Role.USER) {
                i--; // an answer without its question: dropped
                continue;
            }
            Turn question = history.get(i - 1);
            long cost = scaled(estimate(question.text()), r) + scaled(estimate(answer.text()), r);
            if (used + cost > budget) {
                break; // the newest exchanges are kept; older ones are not skipped over to fill the gap
            }
            used += cost;
            picked.add(answer);
            picked.add(question);
            i -= 2;
        }
        Collections.reverse(picked);
        return picked;
    }

    private static long scaled(int tokens, double ratio) {
        return (long) Math.ceil(tokens * ratio);
    }
}
