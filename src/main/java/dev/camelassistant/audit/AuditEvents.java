package dev.camelassistant.audit;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.camelassistant.common.Headers;
import dev.camelassistant.files.FileReference;
import dev.camelassistant.logging.CorrelationId;
import dev.camelassistant.metrics.BotMetrics;
import dev.camelassistant.metrics.BotMetrics.MessageKind;
import dev.camelassistant.telegram.Bursts;
import org.apache.camel.Exchange;

/**
 * What the routes record, read from the exchange's headers: ids, lengths and counts only, never the
 * message text or Claude's answer. Every method only queues (see {@link AuditTrail}); none blocks
 * or throws.
 * <p>
 * The telegram-inbound route calls exactly one of messageReceived (text going to Claude, after the
 * inbox skipped redeliveries), messageRefused, attachmentRefused or command per update, so these also count
 * {@value BotMetrics#MESSAGES_RECEIVED} by kind: the metric and the audit trail agree.
 */
public class AuditEvents {

    private final AuditRecorder recorder;
    private final BotMetrics metrics;

    public AuditEvents(AuditRecorder recorder, BotMetrics metrics) {
        this.recorder = recorder;
        this.metrics = metrics;
    }

    public void messageReceived(Exchange exchange) {
        metrics.messageReceived(MessageKind.TEXT);
        Map<String, Object> meta = base(exchange);
        Object body = exchange.getMessage().getBody();
        String text = body instanceof org.apache.camel.component.telegram.model.IncomingMessage m ? m.getText()
                : body instanceof String s ? s : null;
        if (text != null) {
            meta.put("textLength", text.length());
        }
        putAttachment(exchange, meta);
        record(exchange, "message_received", meta, AuditEntry.Status.SUCCESS, null, null);
    }

    /** A message the bot does not read (voice, sticker, a file too big or of another type): answered without Claude. */
    public void attachmentRefused(Exchange exchange) {
        metrics.messageReceived(MessageKind.UNREADABLE);
        Map<String, Object> meta = base(exchange);
        putAttachment(exchange, meta);
        record(exchange, "attachment_refused", meta, AuditEntry.Status.SUCCESS, null, null);
    }

    /** A file's kind, size and MIME type: never its name or bytes. */
    private static void putAttachment(Exchange exchange, Map<String, Object> meta) {
        if (exchange.getMessage().getHeader(FileReference.HEADER) instanceof FileReference a) {
            meta.put("kind", a.kind());
            meta.put("fileSize", a.fileSize());
            if (a.mimeType() != null) {
                meta.put("mimeType", a.mimeType());
            }
        }
    }

    /** Every message of a chat that is not allowed: counted, not audited one by one. */
    public void strangerMessage(Exchange exchange) {
        metrics.messageReceived(MessageKind.REFUSED);
    }

    /** The one refusal a chat that is not allowed gets per day. */
    public void messageRefused(Exchange exchange) {
        record(exchange, "message_refused", base(exchange), AuditEntry.Status.SUCCESS, null, null);
    }

    /** The first message refused because its chat has CHAT_MAX_WAITING messages waiting (once per flood). */
    public void chatOverLimit(Exchange exchange) {
        Map<String, Object> meta = base(exchange);
        meta.put("reason", "too many messages waiting");
        record(exchange, "chat_over_limit", meta, AuditEntry.Status.ERROR, null, null);
    }

    /**
     * Messages of one chat that waited while its previous turn was with Claude go to Claude as this one
     * turn: how many, and their ids (variables set by {@link Bursts}), never their texts.
     */
    public void burstCombined(Exchange exchange) {
        Map<String, Object> meta = base(exchange);
        meta.put("messagesCombined", exchange.getVariable(Bursts.COMBINED));
        meta.put("messageIds", exchange.getVariable(Bursts.MESSAGE_IDS));
        record(exchange, "burst_combined", meta, AuditEntry.Status.SUCCESS, null, null);
    }

    public void command(Exchange exchange) {
        metrics.messageReceived(MessageKind.COMMAND);
        Map<String, Object> meta = base(exchange);
        meta.put("command", exchange.getMessage().getHeader(Headers.COMMAND, String.class));
        record(exchange, "command", meta, AuditEntry.Status.SUCCESS, null, null);
    }

    /** The exception the error handler caught; the stored message is masked and bounded. */
    public void error(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Map<String, Object> meta = base(exchange);
        meta.put("route", exchange.getFromRouteId());
        String message = e == null ? "unknown error" : e.getClass().getSimpleName() + ": " + e.getMessage();
        record(exchange, "error", meta, AuditEntry.Status.ERROR, message, null);
    }

    /** Any other action with the given metadata. */
    public void action(Exchange exchange, String action, Map<String, Object> metadata, AuditEntry.Status status,
                       String errorMessage, String model) {
        Map<String, Object> meta = base(exchange);
        if (metadata != null) {
            meta.putAll(metadata);
        }
        record(exchange, action, meta, status, errorMessage, model);
    }

    private void record(Exchange exchange, String action, Map<String, Object> meta, AuditEntry.Status status,
                        String error, String model) {
        String correlationId = exchange.getMessage().getHeader(CorrelationId.HEADER, String.class);
        String userId = exchange.getMessage().getHeader(Headers.USER_ID, String.class);
        recorder.record(new AuditEntry(correlationId, userId, action, "telegram", model, meta, status, error, null));
    }

    private static Map<String, Object> base(Exchange exchange) {
        Map<String, Object> meta = new LinkedHashMap<>();
        Object chat = exchange.getMessage().getHeader(Headers.CHAT_ID);
        Object msg = exchange.getMessage().getHeader(Headers.MESSAGE_ID);
        if (chat != null) {
            meta.put("chatId", chat.toString());
        }
        if (msg != null) {
            meta.put("messageId", msg);
        }
        return meta;
    }
}
