package dev.camelassistant.telegram;

import java.util.ArrayList;
import java.util.List;

import dev.camelassistant.common.Headers;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * People write in bursts ("hi", "can you check", "this letter"): the messages of a chat that waited while
 * its previous turn was with Claude go to Claude as one turn ({@link ChatTurns} decides which), answered
 * once. This class joins them: the first message's exchange carries the turn (its correlation id, user
 * and message id), its body the texts in order separated by a blank line, and variable
 * {@value #MESSAGE_IDS} the ids of all the messages the one answer answers (the outbox marks each of them
 * answered in the transaction that stores the answer; see {@link #answeredIds}).
 * <p>
 * A command (/new, /memory, /forget) is a turn of its own and ends a collection, so is a message with a
 * photo or file (header fileReference: fetched for that message, with its caption), and so is a message the
 * bot wrote itself for Claude (a reminder with ask_claude, whose message id is negative).
 */
public final class Bursts {

    /** Variable: the message ids (Long, in order) one combined turn answers; unset for a single message. */
    public static final String MESSAGE_IDS = "turnMessageIds";
    /** Variable: how many messages the turn combined (set only when more than one). */
    public static final String COMBINED = "messagesCombined";
    /** Between two messages' texts in a combined turn. */
    static final String SEPARATOR = "\n\n";

    private Bursts() {
    }

    /** True for a user's text message, which may be combined with the chat's next waiting ones. */
    static boolean joinable(Exchange exchange) {
        Message m = exchange.getMessage();
        if (m.getHeader(Headers.COMMAND) != null) {
            return false;
        }
        if (m.getHeader(dev.camelassistant.files.FileReference.HEADER) != null) {
            // a photo or file is fetched for its own message: its turn carries it and its caption alone
            return false;
        }
        Long id = m.getHeader(Headers.MESSAGE_ID, Long.class);
        return id == null || id >= 0;
    }

    /**
     * One turn of the given waiting exchanges (at least one, in arrival order): the first is returned,
     * carrying the others' texts and message ids; a single exchange is returned unchanged.
     */
    static Exchange combine(List<Exchange> run) {
        Exchange turn = run.get(0);
        if (run.size() == 1) {
            return turn;
        }
        StringBuilder text = new StringBuilder();
        List<Long> ids = new ArrayList<>(run.size());
        for (Exchange e : run) {
            String t = e.getMessage().getBody(String.class);
            if (t == null || t.isBlank()) {
                t = "";
            }
            if (!text.isEmpty() && !t.isEmpty()) {
                text.append(SEPARATOR);
            }
            text.append(t);
            Long id = e.getMessage().getHeader(Headers.MESSAGE_ID, Long.class);
            if (id != null) {
                ids.add(id);
            }
        }
        turn.getMessage().setBody(text.toString());
        turn.setVariable(MESSAGE_IDS, List.copyOf(ids));
        turn.setVariable(COMBINED, run.size());
        return turn;
    }

    /**
     * The inbox messages an exchange's reply answers: those of variable {@value #MESSAGE_IDS} (a combined
     * turn), else header messageId, else none (a command's reply, an alert).
     */
    static List<Long> answeredIds(Exchange exchange) {
        Object ids = exchange.getVariable(MESSAGE_IDS);
        if (ids instanceof List<?> list && !list.isEmpty()) {
            List<Long> out = new ArrayList<>(list.size());
            for (Object o : list) {
                out.add(((Number) o).longValue());
            }
            return out;
        }
        Long id = exchange.getMessage().getHeader(Headers.MESSAGE_ID, Long.class);
        return id == null ? List.of() : List.of(id);
    }
}
