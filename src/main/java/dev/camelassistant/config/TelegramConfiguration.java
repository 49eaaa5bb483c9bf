package dev.camelassistant.config;

import dev.camelassistant.crypto.CredentialCipher;
import dev.camelassistant.logging.CorrelationId;
import dev.camelassistant.metrics.BotMetrics;
import dev.camelassistant.telegram.AccessControl;
import dev.camelassistant.telegram.ChatTurns;
import dev.camelassistant.telegram.Commands;
import dev.camelassistant.telegram.InboundMessages;
import dev.camelassistant.telegram.ReplySplitter;
import dev.camelassistant.telegram.TelegramInbox;
import dev.camelassistant.telegram.TelegramSender;
import dev.camelassistant.telegram.TypingIndicator;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;

/**
 * Telegram in and out (routes/telegram-inbound.camel.yaml, routes/telegram-outbound.camel.yaml):
 * who may talk to the bot, the inbox of updates, the turns of each chat, the sending lanes.
 */
public class TelegramConfiguration extends FeatureConfiguration {

    @PropertyInject("telegram.bot-token")
    String token;
    @PropertyInject("telegram.api-url")
    String apiUrl;
    @PropertyInject("telegram.admin-chat-id")
    String adminChatId;
    @PropertyInject("telegram.allowed-chat-ids")
    String allowedChatIds;
    @PropertyInject("telegram.chat-interval-ms")
    long chatIntervalMs;
    @PropertyInject("telegram.max-messages-per-second")
    double maxMessagesPerSecond;
    @PropertyInject("telegram.typing-interval-ms")
    long typingIntervalMs;
    @PropertyInject("inbox.memory-limit")
    int inboxMemoryLimit;
    @PropertyInject("conversation.chat-max-waiting")
    int chatMaxWaiting;
    @PropertyInject("telegram.edit-reanswer-minutes")
    int editReanswerMinutes;
    @BeanInject("audit")
    dev.camelassistant.audit.AuditEvents audit;
    @BeanInject("database")
    Database database;
    @BeanInject("credentialCipher")
    CredentialCipher cipher;
    @BeanInject("botMetrics")
    BotMetrics metrics;

    /**
     * Telegram's limits, applied by the throttles of routes/telegram-outbound.camel.yaml ("0 = off"
     * becomes a limit no bot reaches: a throttle needs a positive period and rate).
     */
    @Override
    public void configure(CamelContext context) {
        long perSecond = Math.round(maxMessagesPerSecond);
        context.getPropertiesComponent().addOverrideProperty("telegram.pace.chat-period-ms",
                String.valueOf(chatIntervalMs > 0 ? chatIntervalMs : 1));
        context.getPropertiesComponent().addOverrideProperty("telegram.pace.per-second",
                String.valueOf(perSecond > 0 ? perSecond : 10_000));
    }

    @BindToRegistry("accessControl")
    public AccessControl accessControl() {
        return new AccessControl(adminChatId, allowedChatIds);
    }

    @BindToRegistry("inboundMessages")
    public InboundMessages inboundMessages(AccessControl access) {
        return new InboundMessages(access);
    }

    /** Chats refused today (one refusal each per day), bounded: the least recent are forgotten first. */
    /** The consumer's poll strategy: camel-telegram's long poll, the update read whole (edits, replies). */
    @BindToRegistry("wholeUpdates")
    public dev.camelassistant.telegram.WholeUpdates wholeUpdates() {
        return dev.camelassistant.telegram.WholeUpdates.verify();
    }

    @BindToRegistry("strangerRefusals")
    public IdempotentRepository strangerRefusals() {
        return MemoryIdempotentRepository.memoryIdempotentRepository(10_000);
    }

    @BindToRegistry("commands")
    public Commands commands() {
        return new Commands();
    }

    @BindToRegistry("correlationId")
    public CorrelationId correlationId() {
        return new CorrelationId();
    }

    @BindToRegistry("replySplitter")
    public ReplySplitter replySplitter() {
        return new ReplySplitter();
    }

    @BindToRegistry("telegramSender")
    public TelegramSender telegramSender() {
        TelegramSender sender = new TelegramSender(context, metrics);
        onStop(sender::close);
        return sender;
    }

    @BindToRegistry("inbox")
    public TelegramInbox inbox() {
        TelegramInbox inbox = new TelegramInbox(database.fastFailPool("inbox", 2, 250, Database.Commits.DURABLE), cipher, inboxMemoryLimit, metrics);
        // written once more after every route has stopped (answered marks of the last replies)
        onStop(inbox::flush);
        metrics.watchInbox(inbox, TelegramInbox::pending);
        return inbox;
    }

    @BindToRegistry("chatTurns")
    public ChatTurns chatTurns() {
        return new ChatTurns(context.createProducerTemplate(), "seda:conversation?waitForTaskToComplete=Never", chatMaxWaiting,
                metrics);
    }

    /** Edited messages (route telegram-edit): a pool of its own, one connection (one consumer). */
    @BindToRegistry("edits")
    public dev.camelassistant.telegram.Edits edits(TelegramInbox inbox, ChatTurns chatTurns) {
        return new dev.camelassistant.telegram.Edits(database.fastFailPool("edits", 1, 1000, Database.Commits.DURABLE), inbox,
                chatTurns::replaceWaiting, audit, java.time.Duration.ofMinutes(editReanswerMinutes), java.time.Clock.systemUTC());
    }

    @BindToRegistry("typingIndicator")
    public TypingIndicator typingIndicator() {
        TypingIndicator typing = new TypingIndicator(apiUrl, token, typingIntervalMs);
        onStop(typing::close);
        return typing;
    }
}
