package dev.camelassistant.telegram;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
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
 * One turn per chat with Claude at a time, in the order the messages came, without a thread waiting for
 * its turn: while a chat has a turn in the conversation route, its next messages wait here (in memory,
 * as exchanges) and when the current turn completes the chat's waiting messages go on as one turn
 * ({@link Bursts}: their texts in order, answered once). A command waiting among them ends the
 * collection and is a turn of its own, in its place. The first message of an idle chat goes at once.
 * Other chats are never held up by a busy one.
 * <p>
 * A waiting message can still be changed ({@link #replaceWaiting}, for an edit made before it was sent).
 * <p>
 * Waiting messages are recorded in the inbox, so after a crash they are finished like the others.
 * <p>
 * <b>A bound per chat.</b> At most {@code maxWaitingPerChat} messages of one chat wait at once
 * ({@code CHAT_MAX_WAITING}). The inbound route asks {@link #isFull} before it records a message: a
 * message beyond the bound is refused there (never recorded, so never answered later), counted in
 * {@value BotMetrics#CONVERSATION_REFUSED}, and the first refusal of a flood ({@link #firstRefusal}) is
 * audited and tells the chat to slow down. The flood ends when the chat's queue has drained to half the
 * bound; a later flood is told again. One chat filling its bound holds up no other chat (the owner's
 * included): each chat has its own.
 */
public final class ChatTurns {

    private static final Logger LOG = LoggerFactory.getLogger(ChatTurns.class);

    /** chat id → its waiting messages; present while the chat has a message in the conversation route */
    private final ConcurrentHashMap<String, Line> chats = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final ProducerTemplate template;
    private final String conversationUri;
    private final int maxWaitingPerChat;
    private final BotMetrics metrics;

    public ChatTurns(ProducerTemplate template, String conversationUri, int maxWaitingPerChat, BotMetrics metrics) {
        if (maxWaitingPerChat < 1) {
            throw new IllegalArgumentException("maxWaitingPerChat must be at least 1");
        }
        this.template = template;
        this.conversationUri = conversationUri;
        this.maxWaitingPerChat = maxWaitingPerChat;
        this.metrics = metrics;
    }

    /** A chat's waiting messages, and whether it was told to slow down in the flood under way. */
    private static final class Line {
        final ArrayDeque<Exchange> queue = new ArrayDeque<>();
        boolean toldToSlowDown;
    }

    /**
     * True when the chat already has a message in the conversation route: this one waits here (a copy is
     * kept) and the caller stops. False when it may go on now.
     */
    public boolean mustWait(Exchange exchange) {
        String chat = chatId(exchange);
        boolean[] queued = {false};
        chats.compute(chat, (k, line) -> {
            if (line == null) {
                return new Line();
            }
            line.queue.addLast(exchange.copy());
            waiting.incrementAndGet();
            queued[0] = true;
            return line;
        });
        return queued[0];
    }

    /** True when the exchange's chat has {@code maxWaitingPerChat} messages waiting: this one must be refused. */
    public boolean isFull(Exchange exchange) {
        boolean[] full = {false};
        // read under the map's lock for the chat, like every change of its line
        chats.computeIfPresent(chatId(exchange), (k, line) -> {
            full[0] = line.queue.size() >= maxWaitingPerChat;
            return line;
        });
        return full[0];
    }

    /**
     * Counts a message refused by {@link #isFull}; true for the first refusal of the chat's flood (the one
     * that is audited and answered with a notice), false for the rest.
     */
    public boolean firstRefusal(Exchange exchange) {
        metrics.conversationRefused();
        String chat = chatId(exchange);
        boolean[] first = {false};
        chats.computeIfPresent(chat, (k, line) -> {
            first[0] = !line.toldToSlowDown;
            line.toldToSlowDown = true;
            return line;
        });
        if (first[0]) {
            LOG.warn("Chat {} has {} messages waiting for Claude: its further messages are refused until they drain",
                    chat, maxWaitingPerChat);
        }
        return first[0];
    }

    /** The bound of one chat's waiting messages (for the notice). */
    public int maxWaitingPerChat() {
        return maxWaitingPerChat;
    }

    /** In the conversation route: when this exchange completes (answered or failed), the chat's next turn goes. */
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
        List<Exchange> run = new ArrayList<>();
        chats.computeIfPresent(chat, (k, line) -> {
            Exchange head = line.queue.pollFirst();
            if (head != null) {
                run.add(head);
                // the user's messages up to the next command (or bot-written message) become one turn
                while (Bursts.joinable(head) && line.queue.peekFirst() != null && Bursts.joinable(line.queue.peekFirst())) {
                    run.add(line.queue.pollFirst());
                }
            }
            if (line.queue.size() <= maxWaitingPerChat / 2) {
                line.toldToSlowDown = false;
            }
            return run.isEmpty() ? null : line;
        });
        if (run.isEmpty()) {
            return;
        }
        waiting.addAndGet(-run.size());
        if (run.size() > 1) {
            LOG.info("Chat {}: {} messages that waited go to Claude as one turn", chat, run.size());
        }
        Exchange turn = Bursts.combine(run);
        Exchange sent = template.send(conversationUri, turn);
        if (sent.getException() != null) {
            LOG.error("Message(s) {} of chat {} could not be handed to the conversation route ({}); they are finished after the next restart",
                    Bursts.answeredIds(turn), chat, sent.getException().getClass().getSimpleName());
            next(chat);
        }
    }

    /**
     * Replaces the text of a message of the chat that is still waiting here (not yet sent to Claude): an
     * edit made in time changes what Claude receives. False when no such message waits (it is with Claude,
     * answered, refused, unknown) or when it is a command, which is never changed.
     */
    public boolean replaceWaiting(String chatId, Object messageId, String newText) {
        String id = String.valueOf(messageId);
        boolean[] replaced = {false};
        chats.computeIfPresent(chatId, (k, line) -> {
            for (Exchange e : line.queue) {
                if (id.equals(e.getMessage().getHeader(Headers.MESSAGE_ID, String.class))
                    && e.getMessage().getHeader(Headers.COMMAND) == null) {
                    e.getMessage().setBody(newText);
                    replaced[0] = true;
                    break;
                }
            }
            return line;
        });
        return replaced[0];
    }

    /** Messages waiting for an earlier message of their chat, all chats together. */
    public int waiting() {
        return waiting.get();
    }

    private static String chatId(Exchange exchange) {
        return exchange.getMessage().getHeader(Headers.CHAT_ID, "", String.class);
    }
}
