package dev.camelassistant.telegram;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.component.telegram.model.IncomingMessage;

/**
 * A Telegram message as camel-telegram's model reads it, with the JSON it came from ({@link WholeUpdates}):
 * what the model drops ({@code reply_to_message}, {@code quote}, {@code edit_date}, …) is read from
 * {@link #json()}. {@link #edited()}: the update was an {@code edited_message}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public class WholeMessage extends IncomingMessage {

    private static final long serialVersionUID = 1L;

    @JsonIgnore
    private transient JsonNode json;
    @JsonIgnore
    private boolean edited;

    void keep(JsonNode json, boolean edited) {
        this.json = json;
        this.edited = edited;
    }

    /** The message's JSON as Telegram sent it. */
    public JsonNode json() {
        return json;
    }

    /** The update was {@code edited_message}: a new text for a message sent before. */
    public boolean edited() {
        return edited;
    }

    /** {@code edit_date} of an edited message (Unix seconds), or 0. */
    public long editDate() {
        return json == null ? 0 : json.path("edit_date").asLong(0);
    }
}
