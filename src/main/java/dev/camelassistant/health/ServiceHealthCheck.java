package dev.camelassistant.health;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Camel readiness check of one dependency (id = the service: postgresql, redis, qdrant, claude),
 * found by Camel's health registry as a bean, so /observe/health, /observe/health/ready and JMX
 * show it. It reports the prober's latest result (probing again when that is older than about
 * two intervals), so the console never probes a service the probe route has just probed.
 * <p>
 * States: UP; DOWN with details kind and error; a service whose URL (or key) is not set is UP with
 * {@code configured=false}, because it is optional (the bot falls back to in-process state) and
 * must not make the instance unready.
 */
public final class ServiceHealthCheck extends AbstractHealthCheck {

    public static final String GROUP = "camel-assistant";

    private final HealthProber prober;

    public ServiceHealthCheck(HealthProber prober, String service) {
        super(GROUP, service);
        this.prober = prober;
    }

    /** A dependency being down makes the bot unready, never "dead" (restarting it would not help). */
    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        ServiceHealth h;
        try {
            h = prober.current(getId());
        } catch (RuntimeException e) {
            builder.unknown().message("not probed: " + HealthProber.describe(e));
            return;
        }
        if (h == null) {
            builder.unknown().message("not probed yet");
            return;
        }
        builder.detail("service", h.service());
        builder.detail("configured", h.isConfigured());
        builder.detail("checked_at", h.checkedAt().toString());
        // the message is what /observe/health shows without ?data=true: latency, or the problem
        switch (h.state()) {
            case UP -> builder.up()
                    .message(h.latencyMs() + " ms")
                    .detail("latency_ms", h.latencyMs());
            case NOT_CONFIGURED -> builder.up().message("not configured");
            case DOWN -> builder.down()
                    .message(h.kind() + ": " + h.error())
                    .detail("latency_ms", h.latencyMs())
                    .detail("kind", h.kind())
                    .detail("error", h.error());
        }
    }
}
