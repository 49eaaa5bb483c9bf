package dev.camelassistant.support;

/**
 * The fake secrets of the tests, assembled at run time so that nothing shaped like a real Anthropic
 * key or bot token stands in the sources (secret scanners would flag it, and rightly ask whether it
 * is real). The masking tests still see exactly the shapes they must mask.
 */
public final class FakeSecrets {

    /** The prefix of Anthropic API keys. */
    public static final String ANTHROPIC_PREFIX = "sk-" + "ant-";

    private FakeSecrets() {
    }

    /** An Anthropic-shaped key: the prefix, "api03-", then {@code rest}. */
    public static String anthropicKey(String rest) {
        return ANTHROPIC_PREFIX + "api03-" + rest;
    }

    /** A Bot API-shaped token: {@code <bot id>:<secret>}. */
    public static String botToken(String botId, String secret) {
        return botId + ":" + secret;
    }
}
