package dev.camelassistant.telegram;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.camelassistant.common.Headers;
import dev.camelassistant.metrics.BotMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Per-chat order in the conversation route without a waiting thread per message. */
class ChatTurnsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BotMetrics metrics = new BotMetrics(registry, "m");
    private final CamelContext context = new DefaultCamelContext();
    private final Map<String, List<Integer>> handled = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    private final AtomicInteger mostRunningForOneChat = new AtomicInteger();
    private final Map<String, Long> finishedAt = new ConcurrentHashMap<>();
    private final List<String> notices = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        context.stop();
    }

    private ProducerTemplate start(int maxWaiting, long workMs) throws Exception {
        ChatTurns turns = new ChatTurns(context.createProducerTemplate(), "seda:conversation?waitForTaskToComplete=Never",
                maxWaiting, metrics);
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
                from("seda:conversation?concurrentConsumers=4").bean(turns, "hold").process(e -> work(e, workMs));
            }
        });
        context.start();
        return context.createProducerTemplate();
    }

    private void work(Exchange e, long workMs) throws InterruptedException {
        String chat = e.getMessage().getHeader(Headers.CHAT_ID, String.class);
        int now = running.computeIfAbsent(chat, k -> new AtomicInteger()).incrementAndGet();
        mostRunningForOneChat.accumulateAndGet(now, Math::max);
        Thread.sleep(workMs);
        handled.computeIfAbsent(chat, k -> new CopyOnWriteArrayList<>()).add(e.getMessage().getBody(Integer.class));
        finishedAt.put(chat + "/" + e.getMessage().getBody(Integer.class), System.nanoTime());
        running.get(chat).decrementAndGet();
        if (e.getMessage().getBody(Integer.class) == 13) {
            throw new IllegalStateException("a failed message hands the turn on too");
        }
    }

    @Test
    void aBusyChatsMessagesGoOneAtATimeInOrderWhileAnotherChatIsNotHeldUp() throws Exception {
        ProducerTemplate submit = start(1000, 50);
        for (int i = 0; i < 30; i++) {
            submit.sendBodyAndHeader("direct:submit", i, Headers.CHAT_ID, "busy");
        }
        long sentAt = System.nanoTime();
        submit.sendBodyAndHeader("direct:submit", 0, Headers.CHAT_ID, "other");

        await().atMost(Duration.ofSeconds(10)).until(() -> handled.getOrDefault("busy", List.of()).size() == 30);
        long otherMs = (finishedAt.get("other/0") - sentAt) / 1_000_000;
        // in logical time (a loaded machine slows both): done while the busy chat was still at its first few
        assertThat(finishedAt.get("other/0")).as("the other chat's message (%d ms) did not wait for the busy chat's 30", otherMs)
                .isLessThan(finishedAt.get("busy/5"));

        // message 13 fails: the turn passes on all the same
        assertThat(handled.get("busy")).isSorted().hasSize(30);
        assertThat(mostRunningForOneChat.get()).as("one message per chat at a time").isEqualTo(1);
    }

    @Test
    void aChatBeyondItsBoundIsRefusedWithOneNoticePerFloodWhileAnotherChatIsUntouched() throws Exception {
        ProducerTemplate submit = start(3, 300);
        for (int i = 0; i < 6; i++) {
            submit.sendBodyAndHeader("direct:submit", i, Headers.CHAT_ID, "flood");
        }
        // the owner's chat, during the flood: it has a bound of its own
        for (int i = 0; i < 3; i++) {
            submit.sendBodyAndHeader("direct:submit", i, Headers.CHAT_ID, "owner");
        }
        // flood: one runs, three wait, two are refused with one notice; the owner's three all go
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.getOrDefault("flood", List.of()).size() == 4
                                                           && handled.getOrDefault("owner", List.of()).size() == 3);
        assertThat(handled.get("flood")).containsExactly(0, 1, 2, 3);
        assertThat(handled.get("owner")).containsExactly(0, 1, 2);
        assertThat(notices).containsExactly("flood");
        assertThat(registry.get(BotMetrics.CONVERSATION_REFUSED).counter().count()).isEqualTo(2);

        // drained: a second flood is told again
        for (int i = 10; i < 16; i++) {
            submit.sendBodyAndHeader("direct:submit", i, Headers.CHAT_ID, "flood");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.get("flood").size() == 8);
        assertThat(handled.get("flood")).containsExactly(0, 1, 2, 3, 10, 11, 12, 13);
        assertThat(notices).containsExactly("flood", "flood");
        assertThat(registry.get(BotMetrics.CONVERSATION_REFUSED).counter().count()).isEqualTo(4);
    }
}
