package dev.camelassistant.conversation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import dev.camelassistant.llm.ClaudeClient;
import dev.camelassistant.llm.Turn;
import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Input tokens of a 10-turn conversation with a 1,500-token system prompt, with and without prompt
 * caching: the bot sends its real requests (system prompt and earlier turns marked with
 * cache_control) to a fake whose usage follows Anthropic's documented caching on a fake tokenizer
 * (3.5 characters a token), see FakeClaude.PromptCache. Without caching, every request's input is
 * billed in full; with it, what was written to the cache costs 1.25 times, what was read 0.1 times
 * the input price (Anthropic's 5-minute cache). Not part of the default suite (run with
 * -Dtest=ConversationCacheBenchmark).
 */
class ConversationCacheBenchmark extends BotRouteTestSupport {

    private static final int TURNS = 10;
    private static final String SYSTEM = "s".repeat(1500 * 7 / 2); // 5,250 characters: 1,500 estimated tokens
    private FakeClaude claude;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        claude.cachingEchoes(1050); // answers of about 300 tokens
        p.put("claude.system-prompt", SYSTEM);
    }


    @Test
    void tenTurnsWithAndWithoutCaching() {
        for (int i = 1; i <= TURNS; i++) {
            int n = i;
            telegram.sendText(FRIEND_CHAT, ("Question " + i + " of the benchmark conversation. ").repeat(4)); // about 50 tokens
            await().atMost(Duration.ofSeconds(15)).until(() -> telegram.sentTo(FRIEND_CHAT).size() >= n);
        }
        List<FakeClaude.Usage> usages = claude.usages();
        assertThat(usages).hasSize(TURNS);
        long total = 0;
        long input = 0;
        long written = 0;
        long read = 0;
        for (FakeClaude.Usage u : usages) {
            total += u.totalInput();
            input += u.input();
            written += u.cacheCreation();
            read += u.cacheRead();
        }
        double billedWith = input + 1.25 * written + 0.1 * read;
        System.out.printf("bench: %d-turn conversation, %d-token system prompt: input tokens sent %d in total%n",
                TURNS, 1500, total);
        System.out.printf("bench: without caching: %d input tokens billed in full%n", total);
        System.out.printf("bench: with caching: %d uncached + %d written to the cache + %d read from the cache"
                          + " = %.0f input-token equivalents (%.0f %% of the uncached cost)%n",
                input, written, read, billedWith, 100 * billedWith / total);
        for (int i = 0; i < usages.size(); i++) {
            FakeClaude.Usage u = usages.get(i);
            System.out.printf("bench:   turn %2d: input %5d = uncached %4d + written %4d + read %5d%n", i + 1,
                    u.totalInput(), u.input(), u.cacheCreation(), u.cacheRead());
        }
        assertThat(read).isPositive();
        assertThat(usages.get(TURNS - 1).cacheRead()).as("the last turn reads the conversation so far")
                .isGreaterThan(usages.get(TURNS - 1).totalInput() / 2);
    }

    /**
     * Past the budget: 60 turns with CONVERSATION_MAX_INPUT_TOKENS 8,000, from the same request builder
     * and window selection the bot uses, against the same cache model (no HTTP). The window drops a
     * quarter of the budget at a time, so most requests still read their prefix from the cache.
     */
    @Test
    void sixtyTurnsPastAnEightThousandTokenBudget() {
        int turns = 60;
        int budget = 8000;
        ClaudeClient client = new ClaudeClient("unused", FakeClaude.MODEL, 4096, SYSTEM, null, null, false);
        FakeClaude.PromptCache cache = new FakeClaude.PromptCache();
        List<Turn> history = new ArrayList<>();
        long total = 0;
        long input = 0;
        long written = 0;
        long read = 0;
        int full = 0;
        for (int i = 1; i <= turns; i++) {
            String question = ("Question " + i + " of the long conversation. ").repeat(4);
            List<Turn> window = ContextWindow.select(history, budget, SYSTEM, question, 1.0);
            full += window.size() < history.size() ? 1 : 0;
            FakeClaude.Usage u = cache.usage(client.requestBody(window, question));
            total += u.totalInput();
            input += u.input();
            written += u.cacheCreation();
            read += u.cacheRead();
            history.add(Turn.user(question));
            history.add(Turn.assistant(("Answer " + i + " with some detail. ").repeat(35)));
        }
        double billedWith = input + 1.25 * written + 0.1 * read;
        System.out.printf("bench: %d turns, budget %d tokens (%d requests past it): input tokens sent %d;"
                          + " with caching %d uncached + %d written + %d read = %.0f input-token equivalents"
                          + " (%.0f %% of the uncached cost)%n",
                turns, budget, full, total, input, written, read, billedWith, 100 * billedWith / total);
        assertThat(full).isGreaterThan(30);
        assertThat(billedWith).isLessThan(total * 0.6);
    }
}
