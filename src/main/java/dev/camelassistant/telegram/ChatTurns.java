package dev.camelassistant.telegram;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.camelassistant.common.Headers;
import dev.camelassistant.metrics.BotMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One message per chat with Claude at a time, in the order they came, without a thread waiting for
 * its turn: while a chat has a message in the conversation route, its next messages wait here (in
 * memory, as exchanges) and the chat's next one is handed to that route when the current one
 * completes. Other chats are never held up by a busy one.
 * <p>
 * Waiting messages are recorded in the inbox, so after a crash they are finished like the others.
 * At most {@code maxWaiting} messages wait at once; one beyond that is refused (logged and counted)
 * and finished after the next restart, from the inbox.
 */
public final class ChatTurns {

    private static final Logger LOG = LoggerFactory.getLogger(ChatTurns.class);

    /** chat id → its waiting messages; present while the chat has a message in the conversation route */
    private final ConcurrentHashMap<String, ArrayDeque<Exchange>> chats = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final ProducerTemplate template;
    private final String conversationUri;
    private final int maxWaiting;
    private final BotMetrics metrics;

    public ChatTurns(ProducerTemplate template, String conversationUri, int maxWaiting, BotMetrics metrics) {
        this.template = template;
        this.conversationUri = conversationUri;
        this.maxWaiting = maxWaiting;
        this.metrics = metrics;
    }

    /**
     * True when the chat already has a message in the conversation route: this one waits here (a copy is
     * kept) and the caller stops. False when it may go on now.
     */
    public boolean mustWait(Exchange exchange) {
        String chat = chatId(exchange);
        boolean[] queued = {false};
        chats.compute(chat, (k, queue) -> {
            if (queue == null) {
                return new ArrayDeque<>();
            }
            if (waiting.get() >= maxWaiting) {
                LOG.error("Too many messages wait for their turn ({}): message {} of chat {} is finished after the next restart",
                        maxWaiting, exchange.getMessage().getHeader(Headers.MESSAGE_ID), chat);
                metrics.conversationRefused();
            } else {
                queue.addLast(exchange.copy());
                waiting.incrementAndGet();
            }
            queued[0] = true;
            return queue;
        });
        return queued[0];
    }

    /** In the conversation route: when this exchange completes (answered or failed), the chat's next message goes. */
    public void hold(Exchange exchange) {
        String chat = chatId(exchange);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                next(chat);
            }
        });
    }

    private void next(String chat) {
        Exchange[] next = {null};
        chats.computeIfPresent(chat, (k, queue) -> {
            next[0] = queue.pollFirst();
            return next[0] == null ? null : queue;
        });
        if (next[0] == null) {
            return;
        }
        waiting.decrementAndGet();
        Exchange sent = template.send(conversationUri, next[0]);
        if (sent.getException() != null) {
            LOG.error("Message {} of chat {} could not be handed to the conversation route ({}); it is finished after the next restart",
                    next[0].getMessage().getHeader(Headers.MESSAGE_ID), chat,
                    sent.getException().getClass().getSimpleName());
            next(chat);
        }
    }

    /** Messages waiting for an earlier message of their chat. */
    public int waiting() {
        return waiting.get();
    }

    private static String chatId(Exchange exchange) {
        return exchange.getMessage().getHeader(Headers.CHAT_ID, "", String.class);
    }
}
