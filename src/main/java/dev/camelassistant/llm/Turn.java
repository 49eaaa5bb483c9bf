package dev.camelassistant.llm;

import java.util.Objects;

/** One earlier message of a conversation as the Messages API takes it: who said it, and the text. */
public record Turn(Role role, String text) {

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
    }

    public static Turn user(String text) {
        return new Turn(Role.USER, text);
    }

    public static Turn assistant(String text) {
        return new Turn(Role.ASSISTANT, text);
    }
}
