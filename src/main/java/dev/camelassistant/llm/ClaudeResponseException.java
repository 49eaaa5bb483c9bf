package dev.camelassistant.llm;

/** Claude answered 2xx with a body that is not the documented Messages API JSON. */
public class ClaudeResponseException extends RuntimeException {

    public ClaudeResponseException(String message) {
        super(message);
    }
}
