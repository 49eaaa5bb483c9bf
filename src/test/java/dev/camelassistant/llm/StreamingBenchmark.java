package dev.camelassistant.llm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

import dev.camelassistant.support.BotRouteTestSupport;
import dev.camelassistant.support.FakeClaude;
import dev.camelassistant.support.FakeTelegram;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;

/**
 * Issue 13's figures: time from the user's message (the fake Bot API hands the update out) to the first
 * visible text and to the complete answer (the Telegram call after which the chat shows all of it), and
 * the Telegram calls per answer (sendMessage + editMessageText), with Claude faked at a 0.5 s first
 * token and 10 s in all (a 400-word answer in 20 deltas), Telegram's limits on (1 per second per chat).
 * <p>
 * Streamed: the fake sends the events over time. Not streamed: the same answer as one JSON body after
 * 10 s; the bot reads it on the branch CLAUDE_STREAMING=false uses (claude-ask chooses on the answer's
 * Content-Type), so both run in one context. Not run by default: {@code mvn test -Dtest=StreamingBenchmark}.
 */
class StreamingBenchmark extends BotRouteTestSupport {

    private static final int RUNS = 3;
    private FakeClaude claude;

    @Override
    protected void extraProperties(Properties p) {
        claude = fakeClaude(p);
        p.put("telegram.allowed-chat-ids", "80000,80001,80002,80003,80004,80005,80006,80007,80008,80009");
    }


    record Run(long firstMs, long completeMs, int sends, int edits) {
    }

    private Run once(long chat, String answer) {
        long update = telegram.sendText(chat, "write 400 words");
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(10)).until(() -> telegram.sentTo(chat).stream()
                .map(FakeTelegram.Sent::visible).collect(Collectors.joining("\n\n")).equals(answer));
        long handedOut = telegram.handedOutAt(update);
        List<Long> sends = telegram.receivedAt(chat);
        List<FakeTelegram.Edit> edits = telegram.editsTo(chat);
        long last = Math.max(sends.get(sends.size() - 1), edits.isEmpty() ? 0 : edits.get(edits.size() - 1).atNanos());
        return new Run((sends.get(0) - handedOut) / 1_000_000, (last - handedOut) / 1_000_000, sends.size(), edits.size());
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private void report(String label, List<Run> runs) {
        System.out.printf("bench: %s: first visible text median %d ms %s, complete answer median %d ms %s,"
                          + " Telegram calls per answer %s (sendMessage + editMessageText)%n", label,
                median(runs.stream().map(Run::firstMs).toList()), runs.stream().map(Run::firstMs).toList(),
                median(runs.stream().map(Run::completeMs).toList()), runs.stream().map(Run::completeMs).toList(),
                runs.stream().map(r -> r.sends() + "+" + r.edits()).toList());
    }

    @Test
    void streamedAndNotStreamed() throws Exception {
        String answer = ClaudeStreamingTest.answerOf(400);
        long chat = 80_000;
        // warm-up (JIT, connections)
        claude.streams(answer, 20, 50, 500);
        once(chat++, answer);

        List<Run> streamed = new ArrayList<>();
        claude.reset();
        claude.streams(answer, 20, 500, 10_000);
        for (int i = 0; i < RUNS; i++) {
            streamed.add(once(chat++, answer));
        }
        List<Run> whole = new ArrayList<>();
        claude.reset();
        claude.answersWhole(answer, 10_000);
        for (int i = 0; i < RUNS; i++) {
            whole.add(once(chat++, answer));
        }
        report("streamed, Claude 0.5 s first token / 10 s total, 400 words in 20 deltas", streamed);
        report("not streamed, Claude 10 s", whole);
    }
}
