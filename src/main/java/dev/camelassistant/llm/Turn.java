package dev.camelassistant.llm;

import java.util.List;
import java.util.Objects;

/**
 * One earlier message of a conversation as the Messages API takes it: who said it, the text, and the
 * photos or documents the user sent with it ({@link Attachment}s, re-sent while they fit the budget).
 */
public record Turn(Role role, String text, List<Attachment> attachments) {

    public enum Role {
        USER("user"), ASSISTANT("assistant");

        private final String apiName;

        Role(String apiName) {
            this.apiName = apiName;
        }

        /** The Messages API's name of the role ({@code user}, {@code assistant}), also stored in the database. */
        public String apiName() {
            return apiName;
        }

        public static Role of(String apiName) {
            for (Role r : values()) {
                if (r.apiName.equals(apiName)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("unknown role " + apiName);
        }
    }

    public Turn {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(text, "text");
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    public Turn(Role role, String text) {
        this(role, text, List.of());
    }

    /** Estimated tokens of the attachments (each counted when it was stored). */
    public int attachmentTokens() {
        return attachments.stream().mapToInt(Attachment::tokens).sum();
    }

    /** The turn without its attachments, saying that they are no longer sent (they no longer fit the budget). */
    public Turn withoutAttachments() {
        if (attachments.isEmpty()) {
            return this;
        }
        return new Turn(role, "(" + attachments.size() + (attachments.size() == 1 ? " file" : " files")
                              + " sent with this message " + (attachments.size() == 1 ? "is" : "are")
                              + " no longer attached: too large for the conversation's budget.)\n" + text, List.of());
    }

    public static Turn user(String text) {
        return new Turn(Role.USER, text);
    }

    public static Turn assistant(String text) {
        return new Turn(Role.ASSISTANT, text);
    }
}
