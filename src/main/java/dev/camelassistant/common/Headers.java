package dev.camelassistant.common;

/**
 * Names of the message headers that more than one feature reads: set on every update by
 * telegram/InboundMessages, read by the audit, the conversations, usage and the replies.
 * (The correlation id is logging/CorrelationId.HEADER.)
 */
public final class Headers {

    /** The Telegram chat an update came from, and its reply goes to. */
    public static final String CHAT_ID = "chatId";
    /** The Telegram user who wrote it. */
    public static final String USER_ID = "userId";
    /** The Telegram id of the message, within its chat. */
    public static final String MESSAGE_ID = "messageId";
    /** The bot command (/start, /health, …) the message is, if it is one. */
    public static final String COMMAND = "command";

    private Headers() {
    }
}
