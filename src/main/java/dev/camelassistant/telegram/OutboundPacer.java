package dev.camelassistant.telegram;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import org.apache.camel.Exchange;
import org.apache.camel.component.telegram.TelegramConstants;

/**
 * Telegram's send limits, applied in the outbound lanes before each sendMessage: a global budget
 * of {@code maxPerSecond} messages (token bucket, shared by all lanes) and, per chat, a bucket of
 * {@code chatBurst} messages refilled at one per {@code chatIntervalMs}. A value of 0 turns a limit
 * off. Blocking here holds only the calling lane.
 */
public final class OutboundPacer {

    private final double maxPerSecond;
    private final long chatIntervalNanos;
    private final int chatBurst;
    private double tokens;
    private long refilledAt = System.nanoTime();
    private final ConcurrentHashMap<String, long[]> chatNextFree = new ConcurrentHashMap<>();

    public OutboundPacer(double maxPerSecond, long chatIntervalMs, int chatBurst) {
        this.maxPerSecond = maxPerSecond;
        this.chatIntervalNanos = chatIntervalMs * 1_000_000L;
        this.chatBurst = Math.max(1, chatBurst);
        this.tokens = maxPerSecond;
    }

    public void awaitTurn(Exchange exchange) {
        String chat = exchange.getMessage().getHeader(TelegramConstants.TELEGRAM_CHAT_ID, "", String.class);
        pauseFor(reserveChat(chat));
        pauseFor(reserveGlobal());
    }

    /** Nanoseconds to wait before this chat may get another message (GCRA with a burst allowance). */
    long reserveChat(String chat) {
        if (chatIntervalNanos <= 0) {
            return 0;
        }
        long now = System.nanoTime();
        long[] tat = chatNextFree.computeIfAbsent(chat, k -> new long[] {now});
        synchronized (tat) {
            long theoretical = Math.max(tat[0], now);
            long allowedAt = theoretical - chatIntervalNanos * (chatBurst - 1);
            tat[0] = theoretical + chatIntervalNanos;
            return Math.max(0, allowedAt - now);
        }
    }

    synchronized long reserveGlobal() {
        if (maxPerSecond <= 0) {
            return 0;
        }
        long now = System.nanoTime();
        tokens = Math.min(maxPerSecond, tokens + (now - refilledAt) / 1e9 * maxPerSecond);
        refilledAt = now;
        tokens -= 1;
        return tokens >= 0 ? 0 : (long) (-tokens / maxPerSecond * 1e9);
    }

    private static void pauseFor(long nanos) {
        if (nanos > 0) {
            LockSupport.parkNanos(nanos);
        }
    }
}
