package dev.camelassistant.telegram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * so at 4,096 visible characters a part is finished and the next continues in a new message. While
 * Anthropic's web tools run, a short status follows the text ("Searching the web…", {@link StreamedAnswer#shown}).
 * <p>
 * Every send and edit goes through the chat's outbox line (never overtaking a part of an earlier
 * reply): {@link #show} waits for Telegram's answer, which carries the new message's id. These
 * updates are best effort and not stored (a failed one is tried again with the next text). The
 * finished answer is stored in the outbox like any reply: {@link #plan} turns each of its parts into
 * an edit of the message that already shows that part (or nothing when it shows it exactly), and
 * parts beyond those are sent as new messages.
 * <p>
 * The state is the exchange property {@value #PROPERTY}: it lives as long as the conversation's exchange.
 */
public class LiveReplies {

    public static final String PROPERTY = "liveReply";
    /** Header of an outbound part: the id of the message it replaces (an edit, see TelegramSender). */
    public static final String EDIT_OF = "telegramEditOf";

    private static final Logger LOG = LoggerFactory.getLogger(LiveReplies.class);
    /** A sentence has ended: . ! ? … or a line break, followed by whitespace. */
    private static final Pattern SENTENCE_END = Pattern.compile("([.!?…][\"')\\]]*\\s)|\\n", Pattern.UNICODE_CHARACTER_CLASS);

    private static final long SHOW_TIMEOUT_MS = 15_000;

    private final Outbox outbox;
    private final ReplySplitter splitter;
    private final TypingIndicator typing;
    private final long firstTextNanos;
    private final long editIntervalNanos;

    public LiveReplies(Outbox outbox, ReplySplitter splitter, TypingIndicator typing, long firstTextMs, long editIntervalMs) {
        this.outbox = outbox;
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
        /** wall-clock time of the last update shown, and the interval the next edit keeps (for the final text) */
        long lastUpdateMillis;
        long editIntervalMs;
        /** the chat it is shown in (an alert copied from this exchange goes elsewhere and edits nothing) */
        String chatId;
        /** an update Telegram had not confirmed when show stopped waiting, the part it shows and where */
        CompletableFuture<Integer> unconfirmed;
        int unconfirmedIndex;
        String unconfirmedPart;
    }

    /**
     * Before the stream's first event: no message yet (the split's steps share this state). A later round
     * of the tool loop goes on in the messages the earlier rounds showed.
     */
    public void begin(Exchange exchange) {
        if (exchange.getProperty(PROPERTY) != null) {
            return;
        }
        LiveReply live = new LiveReply();
        live.editIntervalMs = TimeUnit.NANOSECONDS.toMillis(editIntervalNanos);
        live.chatId = exchange.getMessage().getHeader(TelegramConstants.TELEGRAM_CHAT_ID, String.class);
        exchange.setProperty(PROPERTY, live);
    }

    /** Whether the text so far should be shown now (after an event of the stream). */
    public boolean due(Exchange exchange) {
        StreamedAnswer answer = exchange.getProperty(StreamedAnswer.PROPERTY, StreamedAnswer.class);
        if (answer == null) {
            return false;
        }
        String text = answer.shown();
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
        String text = answer.shown();
        if (!settle(live, 0)) {
            return; // an earlier update is still on its way: nothing overtakes it
        }
        List<String> parts = splitter.htmlParts(text);
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            if (i < live.ids.size()) {
                if (!part.equals(live.shown.get(i)) && deliver(exchange, live, i, part, live.ids.get(i)) != null) {
                    live.shown.set(i, part);
                }
            } else {
                Integer id = deliver(exchange, live, i, part, null);
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
        live.lastUpdateMillis = System.currentTimeMillis();
    }

    /**
     * What to send for each part of a finished reply (Outbox.store): the message that shows a part of a
     * streamed answer already is edited in place, or left alone when it shows exactly this; a part without
     * a message is sent as a new one. Without a live reply, every part is new. Edits keep the edit
     * interval after the last update shown and after each other (their not-before time).
     */
    static List<Outbox.Planned> plan(LiveReply live, String chatId, List<String> parts) {
        if (live != null && !java.util.Objects.equals(live.chatId, chatId)) {
            live = null;
        }
        List<Outbox.Planned> plan = new ArrayList<>(parts.size());
        long editAt = live == null ? 0 : live.lastUpdateMillis + live.editIntervalMs;
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            if (live != null && i < live.ids.size()) {
                if (!part.equals(live.shown.get(i))) {
                    plan.add(new Outbox.Planned(part, live.ids.get(i), editAt));
                    editAt += live.editIntervalMs;
                }
            } else {
                plan.add(new Outbox.Planned(part, null, 0));
            }
        }
        return plan;
    }

    /** Sends (editOf null) or edits one part through the chat's outbox line and waits; the message id, or null. */
    private Integer deliver(Exchange exchange, LiveReply live, int index, String html, Integer editOf) {
        long chatId = Long.parseLong(exchange.getMessage().getHeader(TelegramConstants.TELEGRAM_CHAT_ID, String.class));
        CompletableFuture<Integer> shown = outbox.show(chatId, html, editOf,
                exchange.getMessage().getHeader(CorrelationId.HEADER, String.class));
        Integer id = null;
        if (shown != null) {
            try {
                id = shown.get(SHOW_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // still on its way: remembered, so that neither a later update nor the final text shows it twice
                live.unconfirmed = shown;
                live.unconfirmedIndex = index;
                live.unconfirmedPart = html;
                LOG.debug("A live update of chat {} is not confirmed yet; the next ones wait for it", chatId);
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // not delivered
            }
        }
        if (id == null) {
            LOG.debug("A live update of chat {} was not delivered; the next one tries again", chatId);
        }
        return id;
    }

    /**
     * Takes in the update that was still unconfirmed when {@link #show} stopped waiting for it, once Telegram
     * has answered (waiting up to {@code waitMs}): its message id joins the live reply. False while it is
     * still on its way.
     */
    static boolean settle(LiveReply live, long waitMs) {
        if (live == null || live.unconfirmed == null) {
            return true;
        }
        Integer id;
        try {
            id = waitMs > 0 ? live.unconfirmed.get(waitMs, TimeUnit.MILLISECONDS) : live.unconfirmed.getNow(null);
            if (id == null && !live.unconfirmed.isDone()) {
                return false;
            }
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            id = null;
        }
        if (id != null) {
            if (live.unconfirmedIndex < live.ids.size()) {
                live.shown.set(live.unconfirmedIndex, live.unconfirmedPart);
            } else {
                live.ids.add(id);
                live.shown.add(live.unconfirmedPart);
            }
        }
        live.unconfirmed = null;
        return true;
    }
}
