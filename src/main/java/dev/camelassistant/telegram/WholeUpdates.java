package dev.camelassistant.telegram;

import java.io.IOException;
import java.lang.reflect.Field;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.ResolvableDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.component.telegram.TelegramEndpoint;
import org.apache.camel.component.telegram.model.Update;
import org.apache.camel.support.DefaultPollingConsumerPollStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole Telegram update, not only what camel-telegram's model keeps. camel-telegram 4.17 (and 4.18)
 * reads {@code getUpdates} into an {@link Update} that has no {@code edited_message} and an
 * {@code IncomingMessage} without {@code reply_to_message}, {@code quote} or the newer fields: unknown
 * fields are dropped while the JSON is parsed. The bot keeps camel-telegram's consumer (its long poll, its
 * offsets, its back-off and its quick stop) and changes only how that JSON is read: this poll strategy
 * ({@code pollStrategy=#wholeUpdates} on the consumer) gives the consumer endpoint's own mapper, before its
 * first poll, a deserializer for {@link Update} that keeps the message's JSON in a {@link WholeMessage}
 * (an {@code IncomingMessage}, so every step that reads one goes on working) and turns an
 * {@code edited_message} into the update's message, marked as an edit.
 * <p>
 * Why not a getUpdates route of our own over camel-http: a long poll in flight is an exchange in flight,
 * and a graceful stop would wait for it (up to the 30 s poll); camel-telegram's scheduled consumer stops at
 * once. The mapper is private to camel-telegram's adapter and reached by reflection, as {@link LinkPreviews}
 * does: should a later release move it, the bot refuses to start ({@link #verify()}, naming this class),
 * since edits, replies and files would otherwise be lost without a word.
 */
public class WholeUpdates extends DefaultPollingConsumerPollStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(WholeUpdates.class);

    private volatile Object installedOn;

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        if (endpoint instanceof TelegramEndpoint telegram && telegram.getTelegramService() != null
            && installedOn != telegram.getTelegramService()) {
            install(telegram.getTelegramService());
        }
        return super.begin(consumer, endpoint);
    }

    /** At start: camel-telegram's adapter still keeps its mapper where this class reaches it; else one line and no start. */
    public static WholeUpdates verify() {
        try {
            Class<?> adapter = Class.forName("org.apache.camel.component.telegram.service.TelegramServiceRestBotAPIAdapter");
            if (adapter.getDeclaredField("mapper").getType() != ObjectMapper.class) {
                throw new NoSuchFieldException("mapper");
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("WholeUpdates: camel-telegram's update mapper cannot be reached ("
                                            + e.getClass().getSimpleName() + "); this camel-telegram is not the one the bot was built for");
        }
        return new WholeUpdates();
    }

    /** Adds the deserializer to the mapper of camel-telegram's service (before its first getUpdates). */
    synchronized void install(Object service) {
        if (installedOn == service) {
            return;
        }
        ObjectMapper mapper;
        try {
            Field field = service.getClass().getDeclaredField("mapper");
            field.setAccessible(true);
            mapper = (ObjectMapper) field.get(service);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("WholeUpdates: camel-telegram's update mapper cannot be reached ("
                                            + e.getClass().getSimpleName() + "); this camel-telegram is not the one the bot was built for");
        }
        install(mapper);
        installedOn = service;
        LOG.debug("Telegram updates are read whole (edited_message, reply_to_message, quote)");
    }

    /** Registers the {@link Update} deserializer on {@code mapper}. */
    public static void install(ObjectMapper mapper) {
        SimpleModule module = new SimpleModule("camel-assistant-whole-updates");
        module.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription description,
                                                          JsonDeserializer<?> deserializer) {
                return description.getBeanClass() == Update.class ? new Whole(deserializer) : deserializer;
            }
        });
        mapper.registerModule(module);
    }

    /** Reads the update as camel-telegram does, then sets its message from the JSON, whole. */
    static final class Whole extends StdDeserializer<Update> implements ResolvableDeserializer {

        private final JsonDeserializer<?> standard;

        Whole(JsonDeserializer<?> standard) {
            super(Update.class);
            this.standard = standard;
        }

        @Override
        public void resolve(DeserializationContext context) throws JsonMappingException {
            if (standard instanceof ResolvableDeserializer resolvable) {
                resolvable.resolve(context);
            }
        }

        @Override
        public Update deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            JsonNode tree = parser.readValueAsTree();
            Update update;
            try (JsonParser again = tree.traverse(parser.getCodec())) {
                again.nextToken();
                update = (Update) standard.deserialize(again, context);
            }
            JsonNode message = tree.get("message");
            boolean edited = false;
            if (message == null && tree.hasNonNull("edited_message")) {
                message = tree.get("edited_message");
                edited = true;
            }
            if (message != null && message.isObject()) {
                WholeMessage whole = parser.getCodec().treeToValue(message, WholeMessage.class);
                whole.keep(message, edited);
                update.setMessage(whole);
            }
            return update;
        }
    }
}
