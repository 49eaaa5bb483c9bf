package dev.camelassistant.telegram;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.camelassistant.common.Headers;
import dev.camelassistant.metrics.BotMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.SynchronizationAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One turn per chat at a time without a waiting thread per message; the messages that wait while a
 * turn runs go on as one turn. A turn whose text is a key of {@link #gates} stays "with Claude" until
 * its gate opens, so the tests decide what waits instead of guessing at times.
 */
class ChatTurnsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BotMetrics metrics = new BotMetrics(registry, "m");
    private final CamelContext context = new DefaultCamelContext();
    /** chat → the texts of its turns, in the order they ran */
    private final Map<String, List<String>> turns = new ConcurrentHashMap<>();
    /** text of a turn → its variables (message ids, count) as the conversation route sees them */
    private final Map<String, List<Object>> variables = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    private final AtomicInteger mostRunningForOneChat = new AtomicInteger();
    /** chat → its turns completed (after the chat's next turn was handed on) */
    private final Map<String, AtomicInteger> completed = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final List<String> notices = new CopyOnWriteArrayList<>();
    private ChatTurns chatTurns;

    @AfterEach
    void stop() {
        gates.values().forEach(CountDownLatch::countDown);
        context.stop();
    }

    private ProducerTemplate start(int maxWaiting) throws Exception {
        ChatTurns turns = new ChatTurns(context.createProducerTemplate(), "seda:conversation?waitForTaskToComplete=Never",
                maxWaiting, metrics);
        chatTurns = turns;
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // as telegram-inbound and conversation-submit use it
                from("direct:submit")
                        .choice().when(method(turns, "isFull"))
                            .filter(method(turns, "firstRefusal")).process(e -> notices.add(e.getMessage().getHeader(Headers.CHAT_ID, String.class))).end()
                            .stop()
                        .end()
                        .filter().method(turns, "mustWait").stop().end()
                        .to("seda:conversation?waitForTaskToComplete=Never");
                from("seda:conversation?concurrentConsumers=4").bean(turns, "hold").process(ChatTurnsTest.this::work);
            }
        });
        context.start();
        return context.createProducerTemplate();
    }

    private void work(Exchange e) throws InterruptedException {
        String chat = e.getMessage().getHeader(Headers.CHAT_ID, String.class);
        // ordered last (Camel runs completions newest first, then by order): after hold's has handed the chat on
        e.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public int getOrder() {
                return LOWEST;
            }

            @Override
            public void onDone(Exchange done) {
                completed.computeIfAbsent(chat, k -> new AtomicInteger()).incrementAndGet();
            }
        });
        String text = e.getMessage().getBody(String.class);
        int now = running.computeIfAbsent(chat, k -> new AtomicInteger()).incrementAndGet();
        mostRunningForOneChat.accumulateAndGet(now, Math::max);
        try {
            variables.put(text, java.util.Arrays.asList(e.getVariable(Bursts.MESSAGE_IDS), e.getVariable(Bursts.COMBINED)));
            CountDownLatch gate = gates.get(text);
            if (gate != null) {
                assertThat(gate.await(10, TimeUnit.SECONDS)).isTrue();
            }
            turns.computeIfAbsent(chat, k -> new CopyOnWriteArrayList<>()).add(text);
        } finally {
            running.get(chat).decrementAndGet();
        }
        if (text.startsWith("fail")) {
            throw new IllegalStateException("a failed turn hands the chat on too");
        }
    }

    private CountDownLatch gate(String text) {
        CountDownLatch gate = new CountDownLatch(1);
        gates.put(text, gate);
        return gate;
    }

    private static void send(ProducerTemplate submit, String chat, long messageId, String text) {
        submit.sendBodyAndHeaders("direct:submit", text, Map.of(Headers.CHAT_ID, chat, Headers.MESSAGE_ID, messageId));
    }

    private static void command(ProducerTemplate submit, String chat, String command) {
        submit.sendBodyAndHeaders("direct:submit", command, Map.of(Headers.CHAT_ID, chat, Headers.COMMAND, command));
    }

    private List<String> turnsOf(String chat) {
        return turns.getOrDefault(chat, List.of());
    }

    @Test
    void theMessagesThatWaitWhileAChatsTurnRunsGoOnAsOneTurnInOrderWhileAnotherChatIsNotHeldUp() throws Exception {
        ProducerTemplate submit = start(1000);
        CountDownLatch first = gate("hold 0");
        send(submit, "busy", 1, "hold 0");
        for (int i = 1; i < 30; i++) {
            send(submit, "busy", i + 1, "m " + i);
        }
        // the other chat is answered while the busy one's turn is still with Claude
        send(submit, "other", 1, "hello");
        await().atMost(Duration.ofSeconds(10)).until(() -> turnsOf("other").size() == 1);
        assertThat(turnsOf("busy")).as("the busy chat's first turn is still running").isEmpty();
        assertThat(chatTurns.waiting()).isEqualTo(29);

        first.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> turnsOf("busy").size() == 2);
        StringBuilder burst = new StringBuilder("m 1");
        for (int i = 2; i < 30; i++) {
            burst.append("\n\nm ").append(i);
        }
        assertThat(turnsOf("busy")).containsExactly("hold 0", burst.toString());
        assertThat(turnsOf("other")).containsExactly("hello");
        assertThat(mostRunningForOneChat.get()).as("one turn per chat at a time").isEqualTo(1);
        assertThat(chatTurns.waiting()).isZero();

        // the combined turn says which messages it answers; a single message carries no such variables
        assertThat(variables.get(burst.toString()).get(0)).isEqualTo(java.util.stream.LongStream.rangeClosed(2, 30).boxed().toList());
        assertThat(variables.get(burst.toString()).get(1)).isEqualTo(29);
        assertThat(variables.get("hold 0")).containsExactly(null, null);
        assertThat(variables.get("hello")).containsExactly(null, null);
    }

    @Test
    void aFailedTurnHandsTheChatOnToTheMessagesThatWaited() throws Exception {
        ProducerTemplate submit = start(1000);
        CountDownLatch first = gate("fail 0");
        send(submit, "chat", 1, "fail 0");
        send(submit, "chat", 2, "b");
        send(submit, "chat", 3, "c");
        first.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> turnsOf("chat").size() == 2);
        assertThat(turnsOf("chat")).containsExactly("fail 0", "b\n\nc");
    }

    @Test
    void aCommandEndsACollectionAndKeepsItsPlaceAndSoDoesAMessageTheBotWroteItself() throws Exception {
        ProducerTemplate submit = start(1000);
        CountDownLatch first = gate("a");
        send(submit, "chat", 1, "a");
        send(submit, "chat", 2, "b");
        send(submit, "chat", 3, "c");
        command(submit, "chat", "/new");
        send(submit, "chat", 4, "d");
        send(submit, "chat", 5, "e");
        // a reminder's question for Claude (negative message id): a turn of its own
        send(submit, "chat", -7, "reminder question");
        send(submit, "chat", 6, "f");
        first.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> turnsOf("chat").size() == 6);
        assertThat(turnsOf("chat")).containsExactly("a", "b\n\nc", "/new", "d\n\ne", "reminder question", "f");
        assertThat(variables.get("d\n\ne").get(0)).isEqualTo(List.of(4L, 5L));
        assertThat(variables.get("/new")).containsExactly(null, null);
    }

    @Test
    void aWaitingMessagesTextCanBeReplacedUntilItIsSentToClaude() throws Exception {
        ProducerTemplate submit = start(1000);
        CountDownLatch first = gate("a");
        send(submit, "chat", 1, "a");
        send(submit, "chat", 2, "b with a typo");
        send(submit, "chat", 3, "c");
        command(submit, "chat", "/memory");
        await().atMost(Duration.ofSeconds(10)).until(() -> chatTurns.waiting() == 3);

        assertThat(chatTurns.replaceWaiting("chat", 2L, "b fixed")).isTrue();
        assertThat(chatTurns.replaceWaiting("chat", "3", "c fixed")).as("the id as Telegram's JSON may give it").isTrue();
        assertThat(chatTurns.replaceWaiting("chat", 1L, "a fixed")).as("with Claude already").isFalse();
        assertThat(chatTurns.replaceWaiting("chat", 99L, "unknown")).isFalse();
        assertThat(chatTurns.replaceWaiting("another", 2L, "another chat's message 2")).isFalse();

        first.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> turnsOf("chat").size() == 3);
        assertThat(turnsOf("chat")).containsExactly("a", "b fixed\n\nc fixed", "/memory");
        assertThat(chatTurns.replaceWaiting("chat", 2L, "too late")).as("sent to Claude").isFalse();
    }

    @Test
    void aChatBeyondItsBoundIsRefusedWithOneNoticePerFloodWhileAnotherChatIsUntouched() throws Exception {
        ProducerTemplate submit = start(3);
        CountDownLatch flood = gate("hold 0");
        send(submit, "flood", 1, "hold 0");
        for (int i = 1; i < 6; i++) {
            send(submit, "flood", i + 1, String.valueOf(i));
        }
        // the owner's chat, during the flood: it has a bound of its own
        for (int i = 0; i < 3; i++) {
            send(submit, "owner", i + 1, "o" + i);
        }
        // flood: one runs, three wait, two are refused with one notice; the owner's three all go
        await().atMost(Duration.ofSeconds(10)).until(() -> String.join("\n\n", turnsOf("owner")).equals("o0\n\no1\n\no2"));
        assertThat(turnsOf("flood")).isEmpty();
        assertThat(notices).containsExactly("flood");
        assertThat(registry.get(BotMetrics.CONVERSATION_REFUSED).counter().count()).isEqualTo(2);

        flood.countDown();
        // both turns done, the second after handing on (nothing): the chat is idle again
        await().atMost(Duration.ofSeconds(10)).until(() -> completed.getOrDefault("flood", new AtomicInteger()).get() == 2);
        assertThat(turnsOf("flood")).containsExactly("hold 0", "1\n\n2\n\n3");

        // drained: a second flood is told again
        CountDownLatch again = gate("hold 10");
        send(submit, "flood", 11, "hold 10");
        for (int i = 11; i < 16; i++) {
            send(submit, "flood", i + 1, String.valueOf(i));
        }
        assertThat(notices).containsExactly("flood", "flood");
        assertThat(registry.get(BotMetrics.CONVERSATION_REFUSED).counter().count()).isEqualTo(4);
        again.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> turnsOf("flood").size() == 4);
        assertThat(turnsOf("flood")).containsExactly("hold 0", "1\n\n2\n\n3", "hold 10", "11\n\n12\n\n13");
    }
}
