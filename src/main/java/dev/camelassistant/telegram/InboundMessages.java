package dev.camelassistant.telegram;

import java.util.Locale;

import dev.camelassistant.common.Headers;
import dev.camelassistant.files.FileReference;
import dev.camelassistant.files.FileReplies;
import dev.camelassistant.files.FileTypes;
import dev.camelassistant.files.Images;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.telegram.TelegramConstants;
import org.apache.camel.component.telegram.model.IncomingMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a Telegram update once and leaves plain headers for the routes to decide on:
 * {@code updateKind} (text, command, edit, attachment: a file the bot reads, unreadable: one it does not
 * read, or unsupported), {@code fileReference} (a {@link FileReference}: a file, by reference), {@code chatId}, {@code userId},
 * {@code messageId}, {@code command}, {@code chatAllowed}, {@code chatIsAdmin}.
 * The text itself stays in the body and is never put into a header or a log line.
 */
public final class InboundMessages {

    public static final String KIND = "updateKind";
    /** The group's title, or the person's name or @username (shown by /usage; never stored). */
    public static final String CHAT_NAME = "chatName";
    /** Telegram's chat type: private, group, supergroup. */
    public static final String CHAT_TYPE = "chatType";
    public static final String ALLOWED = "chatAllowed";
    public static final String ADMIN = "chatIsAdmin";
    /** An edit's {@code edit_date} (Unix seconds). */
    public static final String EDIT_DATE = "editDate";

    private static final Logger LOG = LoggerFactory.getLogger(InboundMessages.class);

    private final AccessControl access;

    public InboundMessages(AccessControl access) {
        this.access = access;
    }

    public void classify(Exchange exchange) {
        Message in = exchange.getMessage();
        Object body = in.getBody();
        // a photo, a document, or a kind the bot does not read (voice, sticker, …): an edit never brings one
        FileReference attachment = body instanceof WholeMessage whole && !whole.edited() && whole.getText() == null
                ? FileReference.of(whole.json(), Images.MAX_BYTES) : null;
        if (!(body instanceof IncomingMessage msg) || msg.getText() == null && attachment == null || msg.getChat() == null
            || "channel".equals(msg.getChat().getType())) {
            in.setHeader(KIND, "unsupported");
            in.setHeader("unsupportedType", describe(body));
            return;
        }
        String chatId = msg.getChat().getId();
        in.setHeader(Headers.CHAT_ID, chatId);
        in.setHeader(TelegramConstants.TELEGRAM_CHAT_ID, chatId);
        in.setHeader(Headers.USER_ID, msg.getFrom() != null && msg.getFrom().getId() != null
                ? String.valueOf(msg.getFrom().getId()) : chatId);
        in.setHeader(Headers.MESSAGE_ID, msg.getMessageId());
        in.setHeader(CHAT_NAME, chatName(msg));
        in.setHeader(CHAT_TYPE, msg.getChat().getType());
        in.setHeader(ALLOWED, access.isAllowed(chatId));
        in.setHeader(ADMIN, access.isAdmin(chatId));
        if (msg instanceof WholeMessage whole && whole.edited()) {
            // a new text for a message sent before (telegram-edit decides what it changes)
            in.setHeader(KIND, "edit");
            in.setHeader(EDIT_DATE, whole.editDate());
            LOG.debug("Edit from chat {} of message {}", chatId, msg.getMessageId());
            return;
        }
        if (attachment != null) {
            // what it is may be logged (kind, size, MIME type); its caption and file name are not
            FileTypes.Verdict verdict = FileTypes.of(attachment);
            in.setHeader(FileReference.HEADER, attachment);
            in.setHeader(KIND, verdict == FileTypes.Verdict.IMAGE || verdict == FileTypes.Verdict.PDF
                               || verdict == FileTypes.Verdict.TEXT ? "attachment" : "unreadable");
            LOG.debug("Update from chat {} message {}: {}, {}", chatId, msg.getMessageId(), attachment, verdict);
            return;
        }
        String command = commandOf(msg.getText());
        in.setHeader(KIND, command == null ? "text" : "command");
        if (command != null) {
            in.setHeader(Headers.COMMAND, command);
        }
        LOG.debug("Update from chat {} message {}: {} of {} characters", chatId, msg.getMessageId(),
                command == null ? "text" : command, msg.getText().length());
    }

    /**
     * The text for Claude: the message's text, or a file's caption, or (a file without one) a plain request
     * to look at it.
     */
    public String text(Exchange exchange) {
        IncomingMessage msg = exchange.getMessage().getBody(IncomingMessage.class);
        FileReference attachment = exchange.getMessage().getHeader(FileReference.HEADER, FileReference.class);
        if (attachment == null || msg.getText() != null) {
            return msg.getText();
        }
        String caption = msg.getCaption();
        return caption != null && !caption.isBlank() ? caption : FileReplies.promptFor(FileTypes.of(attachment));
    }

    /** "/Start@MyBot args" → "/start"; null when the text is not a command. */
    static String commandOf(String text) {
        String t = text.strip();
        if (!t.startsWith("/") || t.length() < 2) {
            return null;
        }
        int end = 1;
        while (end < t.length() && !Character.isWhitespace(t.charAt(end)) && t.charAt(end) != '@') {
            end++;
        }
        return end == 1 ? null : t.substring(0, end).toLowerCase(Locale.ROOT);
    }

    private static String describe(Object body) {
        if (body == null) {
            return "update without message (edited message or other kind)";
        }
        if (body instanceof IncomingMessage msg) {
            if (msg.getChat() != null && "channel".equals(msg.getChat().getType())) {
                return "channel post";
            }
            if (msg.getSticker() != null) {
                return "sticker";
            }
            if (msg.getPhoto() != null) {
                return "photo";
            }
            return "message without text";
        }
        return body.getClass().getSimpleName();
    }

    static String chatName(IncomingMessage msg) {
        if (msg.getChat() != null && msg.getChat().getTitle() != null && !msg.getChat().getTitle().isBlank()) {
            return msg.getChat().getTitle();
        }
        if (msg.getFrom() == null) {
            return null;
        }
        String name = ((msg.getFrom().getFirstName() == null ? "" : msg.getFrom().getFirstName()) + " "
                       + (msg.getFrom().getLastName() == null ? "" : msg.getFrom().getLastName())).strip();
        if (!name.isEmpty()) {
            return name;
        }
        return msg.getFrom().getUsername() == null ? null : "@" + msg.getFrom().getUsername();
    }
}
