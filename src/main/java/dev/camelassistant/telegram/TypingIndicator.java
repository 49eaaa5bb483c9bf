package dev.camelassistant.telegram;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.camelassistant.common.Headers;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows "typing…" in a chat while Claude thinks: sendChatAction after half a second (a quick answer
 * needs none) and then every few seconds until
 * {@link #stop}. camel-telegram's producer has no chat actions, and these calls are best effort,
 * so they go straight through the JDK HTTP client, off the outbound lanes. Failures are logged at
 * debug level without the URL (which holds the token).
 */
public class TypingIndicator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TypingIndicator.class);
    private static final String FUTURE = "typingIndicator";
    private static final long FIRST_DELAY_MS = 500;

    private final URI uri;
    private final long periodMs;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "typing-indicator");
        t.setDaemon(true);
        return t;
    });

    public TypingIndicator(String apiUrl, String token, long periodMs) {
        this.uri = URI.create(stripSlash(apiUrl) + "/bot" + token + "/sendChatAction");
        this.periodMs = periodMs;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    public void start(Exchange exchange) {
        String chatId = exchange.getMessage().getHeader(Headers.CHAT_ID, String.class);
        if (chatId == null || periodMs <= 0 || scheduler.isShutdown()) {
            return;
        }
        String body = "{\"chat_id\":" + Long.parseLong(chatId) + ",\"action\":\"typing\"}";
        // the first "typing…" after a short pause: a quick answer needs none
        ScheduledFuture<?> f = scheduler.scheduleAtFixedRate(() -> send(body), FIRST_DELAY_MS, periodMs, TimeUnit.MILLISECONDS);
        exchange.setProperty(FUTURE, f);
        // stops however the exchange ends (an error handler may end it before the stop step)
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                f.cancel(false);
            }
        });
    }

    public void stop(Exchange exchange) {
        ScheduledFuture<?> f = exchange.getProperty(FUTURE, ScheduledFuture.class);
        if (f != null) {
            f.cancel(false);
            exchange.removeProperty(FUTURE);
        }
    }

    private void send(String body) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
            if (e != null) {
                LOG.debug("sendChatAction failed: {}", e.getClass().getSimpleName());
            } else if (r.statusCode() >= 300) {
                LOG.debug("sendChatAction answered HTTP {}", r.statusCode());
            }
        });
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
