package dev.camelassistant.conversation;

import java.util.ArrayList;
import java.util.List;

import dev.camelassistant.llm.Turn;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ContextWindowTest {

    /** A text of exactly n estimated tokens (3.5 characters each: 7 characters are 2 tokens). */
    static String tokens(int n) {
        return "x".repeat(n / 2 * 7) + (n % 2 == 1 ? "xxx" : "");
    }

    static List<Turn> exchanges(int count, int tokensEach) {
        List<Turn> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            out.add(Turn.user("q" + i + " " + tokens(tokensEach - 1)));
            out.add(Turn.assistant("a" + i + " " + tokens(tokensEach - 1)));
        }
        return out;
    }

    @Test
    void estimateIsCharactersOverThreeAndAHalfRoundedUp() {
        assertThat(ContextWindow.estimate((String) null)).isZero();
        assertThat(ContextWindow.estimate("")).isZero();
        assertThat(ContextWindow.estimate("a")).isEqualTo(1);
        assertThat(ContextWindow.estimate("1234567")).isEqualTo(2);
        assertThat(ContextWindow.estimate("12345678")).isEqualTo(3);
        assertThat(ContextWindow.estimate(tokens(100))).isEqualTo(100);
        assertThat(ContextWindow.estimate(tokens(101))).isEqualTo(101);
        assertThat(ContextWindow.estimate(List.of(Turn.user("1234567"), Turn.assistant("a")))).isEqualTo(3);
    }

    @Test
    void everythingIsSentWhenItFits() {
        List<Turn> history = exchanges(3, 10);
        assertThat(ContextWindow.select(history, 20_000, "system", "new question", 1.0)).isEqualTo(history);
    }

    @Test
    void theOldestExchangesAreDroppedFirstAndNoTurnIsCutInHalf() {
        List<Turn> history = exchanges(5, 100); // each exchange about 200 tokens
        // 999 - 100 (system) - 100 (question) = 799: the newest 3 exchanges (600), not 4 (800)
        List<Turn> window = ContextWindow.select(history, 999, tokens(100), tokens(100), 1.0);
        // 800 left: without the oldest exchange the rest would fit exactly, but once the oldest must go the
        // window starts at the next quarter of the budget (offsets 0, 200, 400, ...; quarters of 250)
        assertThat(ContextWindow.select(history, 1000, tokens(100), tokens(100), 1.0)).hasSize(6);
        assertThat(ContextWindow.select(history, 1200, tokens(100), tokens(100), 1.0)).as("all fit").hasSize(10);
        assertThat(window).containsExactlyElementsOf(history.subList(4, 10));
        assertThat(window.get(0).text()).startsWith("q3");
        assertThat(window).allSatisfy(t -> assertThat(history).contains(t)); // whole turns, unchanged
    }

    @Test
    void theBudgetCountsTheSystemPromptAndTheQuestion() {
        List<Turn> history = exchanges(2, 100);
        assertThat(ContextWindow.select(history, 700, "", "", 1.0)).hasSize(4);
        assertThat(ContextWindow.select(history, 700, tokens(300), "", 1.0)).hasSize(4);
        assertThat(ContextWindow.select(history, 700, tokens(301), "", 1.0)).hasSize(2);
        assertThat(ContextWindow.select(history, 700, tokens(300), tokens(300), 1.0)).isEmpty();
        assertThat(ContextWindow.select(history, 100, tokens(300), tokens(300), 1.0)).as("budget already spent").isEmpty();
    }

    @Test
    void theRatioScalesTheEstimate() {
        List<Turn> history = exchanges(4, 100); // 800 estimated
        assertThat(ContextWindow.select(history, 800, "", "", 1.0)).hasSize(8);
        assertThat(ContextWindow.select(history, 800, "", "", 2.0)).as("counted twice the estimate").hasSize(4);
        assertThat(ContextWindow.select(history, 400, "", "", 0.5)).hasSize(8);
        assertThat(ContextWindow.select(history, 400, "", "", 0.01)).as("clamped to 0.5").hasSize(8);
        assertThat(ContextWindow.select(history, 400, "", "", 0.0001)).hasSize(8);
        assertThat(ContextWindow.select(history, 800, "", "", 100)).as("clamped to 4").hasSize(2);
        assertThat(ContextWindow.select(history, 800, "", "", Double.NaN)).as("NaN counts as 1").hasSize(8);
    }

    @Test
    void ratioIsCountedOverEstimatedWithinBounds() {
        assertThat(ContextWindow.ratio(150, 100)).isEqualTo(1.5);
        assertThat(ContextWindow.ratio(10, 100)).isEqualTo(0.5);
        assertThat(ContextWindow.ratio(1000, 100)).isEqualTo(4.0);
        assertThat(ContextWindow.ratio(0, 100)).isEqualTo(1.0);
        assertThat(ContextWindow.ratio(100, 0)).isEqualTo(1.0);
    }

    @Test
    void theResultAlternatesStartingWithUserAndEndingWithAssistant() {
        List<Turn> history = List.of(
                Turn.assistant("orphan answer at the start"),
                Turn.user("q1"), Turn.assistant("a1"),
                Turn.user("q2 without answer"),
                Turn.user("q3"), Turn.assistant("a3"),
                Turn.assistant("a second answer"),
                Turn.user("q4 without answer at the end"));
        List<Turn> window = ContextWindow.select(history, 20_000, "", "next", 1.0);
        assertThat(window).extracting(Turn::text).containsExactly("q1", "a1", "q3", "a3");
        for (int i = 0; i < window.size(); i++) {
            assertThat(window.get(i).role()).isEqualTo(i % 2 == 0 ? Turn.Role.USER : Turn.Role.ASSISTANT);
        }
    }

    @Test
    void aGrowingConversationKeepsItsFirstTurnForSeveralRequestsOnceTheBudgetIsReached() {
        int budget = 4000;
        List<Turn> history = new ArrayList<>();
        List<Turn> previousWindow = null;
        int requestsPastTheBudget = 0;
        int startChanges = 0;
        for (int i = 1; i <= 60; i++) {
            String question = "q" + i + " " + tokens(49);
            List<Turn> window = ContextWindow.select(history, budget, tokens(200), question, 1.0);
            long size = 200 + 50 + ContextWindow.estimate(window);
            assertThat(size).as("request %d fits", i).isLessThanOrEqualTo(budget);
            if (!history.isEmpty()) {
                assertThat(window).as("the newest exchange is always sent").endsWith(history.get(history.size() - 1));
            }
            if (window.size() < history.size()) {
                requestsPastTheBudget++;
                assertThat(size).as("never less than about half the budget").isGreaterThan(budget / 2);
                if (previousWindow != null && !previousWindow.isEmpty() && !window.get(0).equals(previousWindow.get(0))) {
                    startChanges++;
                }
            }
            previousWindow = window;
            history.add(Turn.user(question));
            history.add(Turn.assistant("a" + i + " " + tokens(149)));
        }
        assertThat(requestsPastTheBudget).isGreaterThan(40);
        // a quarter of the budget (1000 tokens) is five exchanges of 200: the start moves every fifth request
        assertThat(startChanges).isLessThanOrEqualTo(requestsPastTheBudget / 4 + 1);
    }

    @Test
    void anEmptyHistoryOrALoneQuestionGivesAnEmptyWindowAndOneExchangeDoesNot() {
        assertThat(ContextWindow.select(List.of(), 20_000, "s", "q", 1.0)).isEmpty();
        assertThat(ContextWindow.select(List.of(Turn.user("alone")), 20_000, "s", "q", 1.0)).isEmpty();
        // the control: a whole exchange is kept
        assertThat(ContextWindow.select(List.of(Turn.user("u"), Turn.assistant("a")), 20_000, "s", "q", 1.0)).hasSize(2);
    }
}
