package dev.camelassistant.health;

import java.util.List;
import java.util.Map;

import dev.camelassistant.logging.LogMasker;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.health.HealthCheckResultStrategy;

/**
 * Every health check result passes through the log masking before anyone sees it: the management
 * server's health console, the JMX health MBean, Jolokia and the owner's /health. Camel applies the
 * one {@link HealthCheckResultStrategy} bound in the registry to every check's result, its own
 * consumer checks included (a failed Telegram poll's error message holds the Bot API URL, and so
 * the bot token).
 * <p>
 * The error becomes a {@link MaskedError}: the original class name and the masked messages of the
 * error and its causes, no stack trace, no cause (nothing unmasked left to print).
 */
public final class MaskedHealthResults implements HealthCheckResultStrategy {

    @Override
    public void processResult(HealthCheck check, Map<String, Object> options, HealthCheckResultBuilder builder) {
        if (builder.message() != null) {
            builder.message(LogMasker.maskSingleLine(builder.message()));
        }
        Throwable error = builder.error();
        if (error != null && !(error instanceof MaskedError)) {
            builder.error(MaskedError.of(error));
        }
        // the builder cannot list its details; a result built from it can
        Map<String, Object> details = builder.build().getDetails();
        if (details != null) {
            for (String key : List.copyOf(details.keySet())) {
                Object value = details.get(key);
                Object masked = mask(value);
                if (masked != value) {
                    builder.detail(key, masked);
                }
            }
        }
    }

    private static Object mask(Object value) {
        if (value instanceof CharSequence s) {
            String text = s.toString();
            String masked = LogMasker.maskSingleLine(text);
            return masked.equals(text) ? value : masked;
        }
        if (value instanceof Throwable t) {
            return MaskedError.describe(t);
        }
        return value;
    }

    /** A health check error with its secrets masked and nothing else attached. */
    public static final class MaskedError extends RuntimeException {

        private MaskedError(String message) {
            super(message, null, false, false);
        }

        static MaskedError of(Throwable error) {
            return new MaskedError(describe(error));
        }

        /** "Class: message; caused by Class: message", masked, on one line. */
        static String describe(Throwable error) {
            StringBuilder sb = new StringBuilder();
            Throwable t = error;
            for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
                if (depth > 0) {
                    sb.append("; caused by ");
                }
                sb.append(t.getClass().getSimpleName());
                if (t.getMessage() != null) {
                    sb.append(": ").append(t.getMessage());
                }
                if (t.getCause() == t) {
                    break;
                }
            }
            return LogMasker.maskSingleLine(sb.toString());
        }
    }
}
