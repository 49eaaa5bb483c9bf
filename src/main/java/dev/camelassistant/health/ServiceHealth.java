package dev.camelassistant.health;

import java.time.Instant;

/**
 * The outcome of one probe of one service: what the HealthChecks, the /health command and the
 * probe route all read.
 *
 * @param service   postgresql, redis, qdrant or claude (the alertService header value)
 * @param state     UP, DOWN, or NOT_CONFIGURED when its URL (or key) is not set
 * @param kind      the kind of problem when DOWN (down, timeout, or for Claude one of
 *                  {@link dev.camelassistant.llm.ClaudeFailure}'s kinds), else null; the alertKind header value
 * @param latencyMs how long the probe took (the timeout when it timed out)
 * @param error     a short, masked description of the problem, or null
 * @param checkedAt when the probe finished
 */
public record ServiceHealth(String service, State state, String kind, long latencyMs, String error, Instant checkedAt) {

    public enum State {
        UP, DOWN, NOT_CONFIGURED
    }

    public static final String KIND_DOWN = "down";
    public static final String KIND_TIMEOUT = "timeout";

    public static ServiceHealth up(String service, long latencyMs) {
        return new ServiceHealth(service, State.UP, null, latencyMs, null, Instant.now());
    }

    public static ServiceHealth down(String service, String kind, long latencyMs, String error) {
        return new ServiceHealth(service, State.DOWN, kind, latencyMs, error, Instant.now());
    }

    public static ServiceHealth notConfigured(String service) {
        return new ServiceHealth(service, State.NOT_CONFIGURED, null, 0, null, Instant.now());
    }

    /** UP: reachable and answering as expected. */
    public boolean isUp() {
        return state == State.UP;
    }

    /** DOWN: configured and failing; the probe route alerts on these. */
    public boolean isDown() {
        return state == State.DOWN;
    }

    public boolean isConfigured() {
        return state != State.NOT_CONFIGURED;
    }
}
