package dev.camelassistant.telegram;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.camelassistant.metrics.BotMetrics;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.telegram.TelegramConstants;
import org.apache.camel.component.telegram.model.OutgoingTextMessage;
import org.apache.camel.component.telegram.TelegramMessage;
import org.apache.camel.component.telegram.model.MessageResult;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a lane's camel-telegram producer and turns its failures into exceptions the lane's error
 * handler can see.
 * <p>
 * camel-telegram 4.17 completes the exchange before it throws for a non-2xx answer (its async
 * handler calls {@code callback.done} in a finally block, then the exception surfaces), so after a
 * plain {@code to: telegram:...} the route carries on as if the message had been sent and the
 * error handler never runs. Here the producer is called directly and whatever it throws is
 * rethrown as a {@link TelegramSendException} with a secret-free message. Every message Telegram
 * confirmed counts in {@value BotMetrics#REPLIES_SENT}.
 * <p>
 * <b>One endpoint per lane.</b> A camel-telegram endpoint holds one TelegramService, whose message
 * handlers each keep one TelegramBodyPublisher: every producer of that endpoint fills and
 * serializes the same body parts (TelegramMessageHandler.sendMessage, checked in the 4.17.0
 * bytecode), so two producers of one endpoint are not independent. Each lane therefore owns an
 * endpoint instance of its own, made by the {@code telegram} component (so it has the component's
 * authorizationToken and baseUri, and default options) but not registered in the context: nothing
 * else, neither another lane nor the inbound consumer's {@code telegram:bots}, is ever handed it. The
 * lane calls its producer from its single thread only; this class stops both at shutdown.
 * <p>
 * <b>Plain-text fallback.</b> When Telegram refuses a part's HTML (400 "can't parse entities"), the
 * part is sent again as its visible text without a parse mode: nothing is lost. The event is logged
 * without the text and counted in {@value BotMetrics#PLAIN_FALLBACK}.
 * <p>
 * <b>No link previews.</b> Every text leaves as a message of its own making with previews off
 * ({@link LinkPreviews}: an answer must not make Telegram's servers fetch a link Claude was steered to write).
 */
public class TelegramSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TelegramSender.class);
    private static final String HTML = "HTML";

    private final CamelContext context;
    private final BotMetrics metrics;
    private final String endpointUri;
    private final Map<Integer, Lane> lanes = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger laneCount = new java.util.concurrent.atomic.AtomicInteger();
    /** each consumer thread of the outbound route is a lane: it gets its number, and so its producer, once */
    private final ThreadLocal<Integer> laneOfThread = ThreadLocal.withInitial(laneCount::getAndIncrement);

    public TelegramSender(CamelContext context, BotMetrics metrics) {
        this(context, metrics, "telegram:bots");
    }

    /** @param endpointUri the endpoint each lane gets an instance of (tests use a mock endpoint) */
    TelegramSender(CamelContext context, BotMetrics metrics, String endpointUri) {
        this.context = context;
        this.metrics = metrics;
        this.endpointUri = endpointUri;
    }

    /** Sends through the calling thread's lane (one of the outbound route's consumers). */
    public void send(Exchange exchange) throws Exception {
        send(exchange, laneOfThread.get());
    }

    /**
     * Sends the exchange's message (a Telegram HTML part, or plain text) through lane {@code lane}'s own
     * producer. With header {@value LiveReplies#EDIT_OF} (a streamed answer's message id) it edits that
     * message instead (editMessageText); Telegram's 400 "message is not modified" then counts as done.
     */
    public void send(Exchange exchange, int lane) throws Exception {
        AsyncProducer producer = lanes.computeIfAbsent(lane, this::createLane).producer();
        Message message = exchange.getMessage();
        Object body = message.getBody();
        Object parseMode = message.getHeader(TelegramConstants.TELEGRAM_PARSE_MODE);
        Integer editOf = message.getHeader(LiveReplies.EDIT_OF, Integer.class);
        if (body instanceof String text) {
            message.setBody(textMessage(message, editOf, text, parseMode));
        }
        try {
            deliver(producer, exchange);
        } catch (TelegramSendException e) {
            if (editOf != null && TelegramErrors.isNotModified(e.getCause())) {
                LOG.debug("Telegram: the message {} of chat {} already shows this text", editOf,
                        message.getHeader(TelegramConstants.TELEGRAM_CHAT_ID));
                MessageResult same = new MessageResult();
                same.setOk(true);
                message.setBody(same);
                return;
            }
            if (!HTML.equals(String.valueOf(parseMode)) || !(body instanceof String html)
                || !TelegramErrors.isUnparsableHtml(e.getCause())) {
                throw e;
            }
            LOG.warn("Telegram could not parse the HTML of a message to chat {} (HTTP 400 can't parse entities):"
                     + " sending it again as plain text", message.getHeader(TelegramConstants.TELEGRAM_CHAT_ID));
            metrics.plainFallback();
            message.removeHeader(TelegramConstants.TELEGRAM_PARSE_MODE);
            message.setBody(textMessage(message, editOf, TelegramHtml.visibleText(html), null));
            deliver(producer, exchange);
        }
    }

    /** A new message, or with {@code editOf} an edit of that message; link previews off either way (LinkPreviews). */
    private static TelegramMessage textMessage(Message message, Integer editOf, String text, Object parseMode) {
        String chatId = message.getHeader(TelegramConstants.TELEGRAM_CHAT_ID, String.class);
        String mode = parseMode == null ? null : String.valueOf(parseMode);
        if (editOf != null) {
            return LinkPreviews.edit(chatId, editOf, text, mode);
        }
        OutgoingTextMessage sent = LinkPreviews.message(chatId, text, mode);
        // an edit's new answer replies to the edited message (written as reply_parameters: LinkPreviews)
        sent.setReplyToMessageId(message.getHeader(TelegramInbox.REPLY_TO, Long.class));
        return sent;
    }

    private void deliver(AsyncProducer producer, Exchange exchange) throws TelegramSendException {
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

    private Lane createLane(int lane) {
        try {
            String scheme = endpointUri.substring(0, endpointUri.indexOf(':'));
            Endpoint endpoint = context.getComponent(scheme).createEndpoint(endpointUri);
            // the context may already be stopping (the last replies of a graceful shutdown): start it here
            ServiceHelper.startService(endpoint);
            LinkPreviews.install(endpoint);
            AsyncProducer producer = endpoint.createAsyncProducer();
            ServiceHelper.startService(producer);
            return new Lane(endpoint, producer);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the Telegram producer of outbound lane " + lane, e);
        }
    }

    /** The endpoint of a lane that has sent, or null (for tests). */
    Endpoint endpointOf(int lane) {
        Lane l = lanes.get(lane);
        return l == null ? null : l.endpoint();
    }

    /** Stops the lanes' producers and endpoints (after the routes have stopped). */
    @Override
    public void close() {
        lanes.values().forEach(l -> {
            ServiceHelper.stopAndShutdownService(l.producer());
            ServiceHelper.stopAndShutdownService(l.endpoint());
        });
        lanes.clear();
    }

    private record Lane(Endpoint endpoint, AsyncProducer producer) {
    }

    /** A send Telegram refused or that failed; the message names the status, never the URL or token. */
    public static class TelegramSendException extends Exception {
        public TelegramSendException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
