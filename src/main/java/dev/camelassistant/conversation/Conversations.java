package dev.camelassistant.conversation;

import java.sql.SQLException;
import java.util.List;

import dev.camelassistant.common.Headers;
import dev.camelassistant.crypto.CredentialAuthenticationException;
import dev.camelassistant.llm.Attachment;
import dev.camelassistant.llm.ClaudeClient;
import dev.camelassistant.llm.ToolTurns;
import dev.camelassistant.llm.Turn;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conversation route's memory: {@link #load} before the Claude call puts the earlier turns that
 * fit the token budget into exchange variable {@value ClaudeClient#HISTORY}; {@link #remember},
 * called only after a successful answer, stores the question and the answer together (a failed call
 * leaves the conversation as it was); {@link #startNew} is /new.
 * <p>
 * The reply never waits on a broken database: when PostgreSQL cannot be reached (or a stored turn
 * does not decrypt), the question goes to Claude without history and a warning is logged; after a
 * database failure the store is not tried again for a few seconds. A conversation that cannot be
 * read is set aside: the next answer starts a new one.
 */
public class Conversations {

    /** Exchange variables between load and remember. */
    public static final String QUESTION = "conversationQuestion";
    static final String ESTIMATE = "conversationEstimatedTokens";
    static final String START_FRESH = "conversationStartFresh";

    private static final Logger LOG = LoggerFactory.getLogger(Conversations.class);
    private static final long RETRY_AFTER_FAILURE_MS = 5_000;

    private final ConversationStore store;
    /** Exchange variable: /new could not reach the database (the conversation goes on). */
    public static final String NEW_FAILED = "newConversationFailed";

    private final int maxInputTokens;
    private final String systemPrompt;
    private volatile long databaseRetryAt;

    public Conversations(ConversationStore store, int maxInputTokens, String systemPrompt) {
        this.store = store;
        this.maxInputTokens = maxInputTokens;
        this.systemPrompt = systemPrompt == null ? "" : systemPrompt;
    }

    /** Body (the user's text) stays; the turns to send go into variable {@value ClaudeClient#HISTORY}. */
    public void load(Exchange exchange) {
        String question = exchange.getMessage().getBody(String.class);
        question = question == null ? "" : question;
        long chatId = chatId(exchange);
        ConversationStore.Current current = ConversationStore.Current.NONE;
        boolean startFresh = false;
        if (databaseUsable()) {
            try {
                current = store.current(chatId, readLimit(maxInputTokens));
            } catch (SQLException e) {
                databaseFailed(e, "the question goes to Claude without the earlier conversation");
            } catch (CredentialAuthenticationException | IllegalArgumentException e) {
                LOG.warn("Conversation of chat {} cannot be decrypted (wrong key, or rows moved or changed); answering"
                         + " without it, and the next answer starts a new conversation", chatId);
                startFresh = true;
            }
        }
        // the chat's notes (memoryNotes.load, before this step) are part of the system prompt's share of the budget
        String notes = exchange.getVariable(ClaudeClient.NOTES, String.class);
        String system = notes == null || notes.isBlank() ? systemPrompt : systemPrompt + "\n\n" + notes;
        @SuppressWarnings("unchecked")
        List<Attachment> attachments = exchange.getVariable(ClaudeClient.ATTACHMENTS, List.class);
        Turn asked = new Turn(Turn.Role.USER, question, attachments);
        List<Turn> window = ContextWindow.select(current.turns(), maxInputTokens, system, asked, current.tokenRatio());
        int estimate = ContextWindow.estimate(system) + ContextWindow.estimate(window) + ContextWindow.estimate(asked);
        if (window.size() < current.turns().size()) {
            LOG.debug("Conversation of chat {}: sending the newest {} of {} turns (token budget {})", chatId,
                    window.size(), current.turns().size(), maxInputTokens);
        }
        exchange.setVariable(ClaudeClient.HISTORY, window);
        exchange.setVariable(QUESTION, question);
        exchange.setVariable(ESTIMATE, estimate);
        exchange.setVariable(START_FRESH, startFresh);
    }

    /**
     * After a successful answer (the body): stores the question and the answer, in one transaction. When
     * tools ran, the stored answer starts with a short account of the tool steps (a tool_use is never
     * stored without its result: the API's blocks are not kept, their account is), and the answer's
     * token count, which then includes the tool rounds, does not correct the estimate.
     */
    public void remember(Exchange exchange) {
        String question = exchange.getVariable(QUESTION, String.class);
        String answer = exchange.getMessage().getBody(String.class);
        if (question == null || answer == null) {
            return;
        }
        ToolTurns turns = ToolTurns.of(exchange);
        boolean toolsRan = turns != null && turns.steps() != null;
        if (toolsRan) {
            answer = "(Tool steps before this answer:\n" + turns.steps() + ")\n\n" + answer;
        }
        long chatId = chatId(exchange);
        Integer counted = toolsRan ? null : exchange.getVariable(ClaudeClient.INPUT_TOKENS, Integer.class);
        Integer estimated = exchange.getVariable(ESTIMATE, Integer.class);
        Double ratio = counted == null || estimated == null || counted <= 0 || estimated <= 0
                ? null : ContextWindow.ratio(counted, estimated);
        if (!databaseUsable()) {
            LOG.warn("Conversation of chat {}: the database is unreachable, this exchange is not remembered", chatId);
            return;
        }
        try {
            @SuppressWarnings("unchecked")
            List<Attachment> attachments = exchange.getVariable(ClaudeClient.ATTACHMENTS, List.class);
            store.append(chatId, Boolean.TRUE.equals(exchange.getVariable(START_FRESH, Boolean.class)),
                    new Turn(Turn.Role.USER, question, attachments), answer, ratio);
        } catch (SQLException e) {
            databaseFailed(e, "this exchange is not remembered");
        }
    }

    /** /new: the chat's next message starts a fresh conversation. The reply is sent either way. */
    /** Ends the chat's current conversation; sets variable {@value #NEW_FAILED} when the database could not. */
    public void startNew(Exchange exchange) {
        long chatId = chatId(exchange);
        try {
            store.startNew(chatId);
        } catch (SQLException e) {
            databaseFailed(e, "/new could not end the current conversation");
            exchange.setVariable(NEW_FAILED, true);
        }
    }

    private static long chatId(Exchange exchange) {
        return Long.parseLong(exchange.getMessage().getHeader(Headers.CHAT_ID, String.class));
    }

    private boolean databaseUsable() {
        return System.currentTimeMillis() >= databaseRetryAt;
    }

    private void databaseFailed(SQLException e, String consequence) {
        LOG.warn("Conversation store: database unreachable ({}); {}", e.getSQLState(), consequence);
        databaseRetryAt = System.currentTimeMillis() + RETRY_AFTER_FAILURE_MS;
    }

    /**
     * How much stored ciphertext to read for a window of {@code maxInputTokens}: enough for the
     * budget at the lowest token ratio the window allows (0.5: 7 characters a token), in the widest
     * UTF-8 (4 bytes a character), base64-encoded (4/3): more than can ever fit, never the whole of a
     * months-long conversation.
     */
    static long readLimit(int maxInputTokens) {
        return (long) maxInputTokens * 7 * 4 * 4 / 3;
    }
}
