package dev.camelassistant.health;

import java.time.Duration;

/**
 * One dependency's probe. {@link #probe(Duration)} returns normally when the service is healthy,
 * throws {@link ProbeFailure} for a classified problem (HTTP status, wrong answer), and any other
 * exception for a failure to reach it ({@link HealthProber} tells timeouts from the rest).
 * A probe never spends tokens and never logs.
 */
public interface ServiceProbe {

    /** postgresql, redis, qdrant or claude. */
    String service();

    /** False when the service's URL (or key) is not set: then it is reported as not configured. */
    boolean configured();

    /** Checks the service once; client timeouts should be at most {@code timeout}. */
    void probe(Duration timeout) throws Exception;

    /** A problem the probe recognised, with its alert kind and a short text without secrets. */
    final class ProbeFailure extends Exception {
        private final String kind;

        public ProbeFailure(String kind, String message) {
            super(message, null, false, false);
            this.kind = kind;
        }

        public String kind() {
            return kind;
        }
    }
}
