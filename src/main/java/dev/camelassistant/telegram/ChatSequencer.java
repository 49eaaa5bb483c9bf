package dev.camelassistant.telegram;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each chat's messages in the order they arrived while different chats run in parallel.
 * <p>
 * The poll thread gives every message a ticket of its chat ({@link #assign}); the conversation
 * route's consumers wait for their ticket's turn ({@link #awaitTurn}); the turn passes on when the
 * exchange completes. The seda queue between them is FIFO, so a ticket is always taken by a
 * consumer before the next ticket of its chat: waiting cannot deadlock.
 */
public final class ChatSequencer {

    public static final String TICKET = "chatTicket";

    private static final Logger LOG = LoggerFactory.getLogger(ChatSequencer.class);

    private final ConcurrentHashMap<String, Chat> chats = new ConcurrentHashMap<>();
    private final long maxWaitMs;

    public ChatSequencer(long maxWaitMs) {
        this.maxWaitMs = maxWaitMs;
    }

    private static final class Chat {
        final ReentrantLock lock = new ReentrantLock();
        final Condition turn = lock.newCondition();
        long issued;
        long serving;
    }

    public void assign(Exchange exchange) {
        String chatId = chatId(exchange);
        long[] ticket = new long[1];
        chats.compute(chatId, (k, chat) -> {
            Chat c = chat == null ? new Chat() : chat;
            c.lock.lock();
            try {
                ticket[0] = c.issued++;
            } finally {
                c.lock.unlock();
            }
            return c;
        });
        exchange.getMessage().setHeader(TICKET, ticket[0]);
    }

    /**
     * Waits until the earlier messages of this chat are done. The turn passes on when this exchange
     * completes, whether it succeeded, failed or was ended by an error handler.
     */
    public void awaitTurn(Exchange exchange) throws InterruptedException {
        Chat c = chats.get(chatId(exchange));
        Long ticket = exchange.getMessage().getHeader(TICKET, Long.class);
        if (c == null || ticket == null) {
            return;
        }
        String chatId = chatId(exchange);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                release(chatId, ticket);
            }
        });
        c.lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
            while (c.serving < ticket) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("Waited {} ms for an earlier message of the same chat; going ahead", maxWaitMs);
                    return;
                }
                c.turn.awaitNanos(left);
            }
        } finally {
            c.lock.unlock();
        }
    }

    private void release(String chatId, long ticket) {
        chats.computeIfPresent(chatId, (k, c) -> {
            c.lock.lock();
            try {
                c.serving = Math.max(c.serving, ticket + 1);
                c.turn.signalAll();
                return c.serving >= c.issued ? null : c;
            } finally {
                c.lock.unlock();
            }
        });
    }

    /** Chats with messages issued but not yet done (for tests and metrics). */
    public int activeChats() {
        return chats.size();
    }

    private static String chatId(Exchange exchange) {
        return exchange.getMessage().getHeader(InboundMessages.CHAT_ID, "", String.class);
    }
}
