package dev.camelassistant.telegram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

import dev.camelassistant.llm.StreamedAnswer;
import dev.camelassistant.logging.CorrelationId;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.telegram.TelegramConstants;
import org.apache.camel.component.telegram.model.MessageResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows a streamed answer in Telegram while Claude writes it. The first text goes out as a message
 * once it holds a sentence, or {@code firstTextMs} after the first token; then the same messages are
 * edited with the text so far, at most once per {@code editIntervalMs}, never with an unchanged text.
 * The text is rendered and split exactly as a finished reply is ({@link ReplySplitter#htmlParts}),
 * so at 4,096 visible characters a part is finished and the next continues in a new message.
 * <p>
 * Every send and edit goes through the chat's outbound lane (the lane's single thread calls the
 * producer): {@link #show} waits for the lane's answer, which carries the new message's id. These
 * updates are best effort (a failed one is logged by the lane and tried again with the next text).
 * The finished answer is delivered by conversation-reply: {@link #target} turns each of its parts
 * into an edit of the message that already shows that part (or skips it when it shows it exactly),
 * and parts beyond those are sent as new messages.
 * <p>
 * The state is the exchange property {@value #PROPERTY}: it lives as long as the conversation's exchange.
 */
public class LiveReplies {

    public static final String PROPERTY = "liveReply";
    /** Header of an outbound part: the id of the message it replaces (an edit, see TelegramSender). */
    public static final String EDIT_OF = "telegramEditOf";
    /** Header of an outbound part: the message already shows exactly this part; nothing to send. */
    public static final String UNCHANGED = "telegramUnchanged";

    private static final Logger LOG = LoggerFactory.getLogger(LiveReplies.class);
    /** A sentence has ended: . ! ? … or a line break, followed by whitespace. */
    private static final Pattern SENTENCE_END = Pattern.compile("([.!?…][\"')\\]]*\\s)|\\n", Pattern.UNICODE_CHARACTER_CLASS);

    private final ProducerTemplate template;
    private final OutboundLanes lanes;
    private final ReplySplitter splitter;
    private final TypingIndicator typing;
    private final long firstTextNanos;
    private final long editIntervalNanos;

    public LiveReplies(ProducerTemplate template, OutboundLanes lanes, ReplySplitter splitter, TypingIndicator typing,
                       long firstTextMs, long editIntervalMs) {
        this.template = template;
        this.lanes = lanes;
        this.splitter = splitter;
        this.typing = typing;
        this.firstTextNanos = TimeUnit.MILLISECONDS.toNanos(firstTextMs);
        this.editIntervalNanos = TimeUnit.MILLISECONDS.toNanos(editIntervalMs);
    }

    /** The messages of one streamed reply: their ids and what each shows. */
    static final class LiveReply {
        final List<Integer> ids = new ArrayList<>();
        final List<String> shown = new ArrayList<>();
        int shownLength = -1;
        long lastUpdateNanos;
    }

    /** Before the stream's first event: no message yet (the split's steps share this state). */
    public void begin(Exchange exchange) {
        exchange.setProperty(PROPERTY, new LiveReply());
    }

    /** Whether the text so far should be shown now (after an event of the stream). */
    public boolean due(Exchange exchange) {
        StreamedAnswer answer = exchange.getProperty(StreamedAnswer.PROPERTY, StreamedAnswer.class);
        if (answer == null) {
            return false;
        }
        String text = answer.text();
        if (text.isBlank()) {
            return false;
        }
        LiveReply live = exchange.getProperty(PROPERTY, LiveReply.class);
        long now = System.nanoTime();
        if (live == null || live.ids.isEmpty()) {
            return firstTextReady(text, now - answer.firstTextNanos(), firstTextNanos);
        }
        return now - live.lastUpdateNanos >= editIntervalNanos && text.length() != live.shownLength;
    }

    /** The first message may go out: a sentence has ended, or the text has been coming for a while. */
    static boolean firstTextReady(String text, long sinceFirstTextNanos, long waitNanos) {
        return sinceFirstTextNanos >= waitNanos || SENTENCE_END.matcher(text).find();
    }

    /** Shows the text so far: edits the messages whose part changed, sends the parts that have none yet. */
    public void show(Exchange exchange) {
        StreamedAnswer answer = exchange.getProperty(StreamedAnswer.PROPERTY, StreamedAnswer.class);
        LiveReply live = exchange.getProperty(PROPERTY, LiveReply.class);
        String text = answer.text();
        List<String> parts = splitter.htmlParts(text);
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            if (i < live.ids.size()) {
                if (!part.equals(live.shown.get(i)) && deliver(exchange, part, live.ids.get(i)) != null) {
                    live.shown.set(i, part);
                }
            } else {
                Integer id = deliver(exchange, part, null);
                if (id == null) {
                    break; // tried again with the next text
                }
                if (live.ids.isEmpty()) {
                    typing.stop(exchange);
                }
                live.ids.add(id);
                live.shown.add(part);
            }
        }
        live.shownLength = text.length();
        live.lastUpdateNanos = System.nanoTime();
    }

    /**
     * For each part of a finished streamed reply (in conversation-reply's split): the message that shows
     * this part already is edited (header {@value #EDIT_OF}), after the edit interval, or left alone
     * when it shows exactly this (header {@value #UNCHANGED}); a part without a message is sent as new.
     */
    public void target(Exchange exchange) {
        LiveReply live = exchange.getProperty(PROPERTY, LiveReply.class);
        Integer index = exchange.getProperty(Exchange.SPLIT_INDEX, Integer.class);
        if (live == null || index == null || index >= live.ids.size()) {
            return;
        }
        String part = exchange.getMessage().getBody(String.class);
        if (part.equals(live.shown.get(index))) {
            exchange.getMessage().setHeader(UNCHANGED, true);
            return;
        }
        long wait;
        synchronized (live) {
            long now = System.nanoTime();
            long at = Math.max(now, live.lastUpdateNanos + editIntervalNanos);
            live.lastUpdateNanos = at;
            wait = at - now;
        }
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
        exchange.getMessage().setHeader(EDIT_OF, live.ids.get(index));
    }

    /** Sends (editOf null) or edits one part through the chat's lane and waits; the message id, or null when it failed. */
    private Integer deliver(Exchange exchange, String html, Integer editOf) {
        Object chatId = exchange.getMessage().getHeader(TelegramConstants.TELEGRAM_CHAT_ID);
        Exchange sent = template.send("seda:telegram-out-" + lanes.laneFor(exchange) + "?waitForTaskToComplete=Always", e -> {
            e.getMessage().setHeader(TelegramConstants.TELEGRAM_CHAT_ID, chatId);
            e.getMessage().setHeader(TelegramConstants.TELEGRAM_PARSE_MODE, "HTML");
            e.getMessage().setHeader(CorrelationId.HEADER, exchange.getMessage().getHeader(CorrelationId.HEADER));
            if (editOf != null) {
                e.getMessage().setHeader(EDIT_OF, editOf);
            }
            e.getMessage().setBody(html);
        });
        if (sent.getException() == null && sent.getMessage().getBody() instanceof MessageResult result && result.isOk()) {
            return result.getMessage() != null && result.getMessage().getMessageId() != null
                    ? result.getMessage().getMessageId().intValue() : editOf;
        }
        LOG.debug("A live update of chat {} was not delivered; the next one tries again", chatId);
        return null;
    }
}
