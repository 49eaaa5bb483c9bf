package dev.camelassistant.tools;

/**
 * A tool's own refusal, told to Claude as it is: a route (or a bean it calls) throws it, with a
 * one-line message written for Claude, and Claude receives a {@code tool_result} with
 * {@code is_error: true} and that message ("The notes are full: delete or merge notes first").
 * Any other exception a tool throws reaches Claude only as a generic one-line error, never its text.
 * <p>
 * In a route: {@code throwException: {exceptionType: dev.camelassistant.tools.ToolException, message: "..."}}.
 */
public class ToolException extends RuntimeException {

    public ToolException(String message) {
        super(message, null, false, false);
    }
}
