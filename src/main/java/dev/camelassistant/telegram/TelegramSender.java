package dev.camelassistant.telegram;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.camelassistant.metrics.BotMetrics;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.telegram.model.MessageResult;
import org.apache.camel.support.service.ServiceHelper;

/**
 * Calls a lane's camel-telegram producer and turns its failures into exceptions the lane's error
 * handler can see.
 * <p>
 * camel-telegram 4.17 completes the exchange before it throws for a non-2xx answer (its async
 * handler calls {@code callback.done} in a finally block, then the exception surfaces), so after a
 * plain {@code to: telegram:...} the route carries on as if the message had been sent and the
 * error handler never runs. Here the producer is called directly and whatever it throws is
 * rethrown as a {@link TelegramSendException} with a secret-free message. Each lane has its own
 * endpoint URI, hence its own producer, and calls it from its single thread only. Every message
 * Telegram confirmed counts in {@value BotMetrics#REPLIES_SENT}.
 */
public class TelegramSender implements AutoCloseable {

    private final CamelContext context;
    private final BotMetrics metrics;
    private final Map<String, AsyncProducer> producers = new ConcurrentHashMap<>();

    public TelegramSender(CamelContext context, BotMetrics metrics) {
        this.context = context;
        this.metrics = metrics;
    }

    public void send(Exchange exchange, String endpointUri) throws Exception {
        AsyncProducer producer = producers.computeIfAbsent(endpointUri, this::createProducer);
        RuntimeException thrown = null;
        try {
            producer.process(exchange, doneSync -> {
            });
        } catch (RuntimeException e) {
            thrown = e;
        }
        Exception failure = thrown != null ? thrown : exchange.getException();
        if (failure != null) {
            exchange.setException(null);
            throw new TelegramSendException(TelegramErrors.describe(failure), failure);
        }
        if (!(exchange.getMessage().getBody() instanceof MessageResult result) || !result.isOk()) {
            throw new TelegramSendException("Telegram did not confirm the message", null);
        }
        metrics.replySent();
    }

    private AsyncProducer createProducer(String uri) {
        try {
            org.apache.camel.Endpoint endpoint = context.getEndpoint(uri);
            // the context may already be stopping (the last replies of a graceful shutdown): start it here
            ServiceHelper.startService(endpoint);
            AsyncProducer p = endpoint.createAsyncProducer();
            ServiceHelper.startService(p);
            return p;
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the Telegram producer of an outbound lane", e);
        }
    }

    /** Stops the lanes' producers (after the routes have stopped). */
    @Override
    public void close() {
        producers.values().forEach(ServiceHelper::stopAndShutdownService);
        producers.clear();
    }

    /** A send Telegram refused or that failed; the message names the status, never the URL or token. */
    public static class TelegramSendException extends Exception {
        public TelegramSendException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
