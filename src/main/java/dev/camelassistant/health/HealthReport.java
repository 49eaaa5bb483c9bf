package dev.camelassistant.health;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.camelassistant.common.Markdown;
import dev.camelassistant.llm.ClaudeFailure;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;

/**
 * Texts of health: the /health reply (one line per service: mark, name, latency, error) and the
 * alert text of a failing service; and the headers the probe route routes on.
 */
public final class HealthReport {

    /** Header set by {@link #describe(Exchange)}: UP, DOWN or NOT_CONFIGURED. */
    public static final String STATE = "serviceState";

    private static final Map<String, String> NAMES = Map.of(
            "postgresql", "PostgreSQL",
            "redis", "Redis",
            "qdrant", "Qdrant",
            "claude", "Claude");

    private final HealthProber prober;

    public HealthReport(HealthProber prober) {
        this.prober = prober;
    }

    /**
     * The /health reply, from the latest probe round (the one the console, JMX and the alerts saw,
     * at most about one interval old). It probes, in parallel, only when there is no recent round:
     * the command runs on the Telegram poll thread, which must not wait on a hanging service.
     */
    public String report() {
        // sent as Markdown like every text: escaped, so error details read as written
        return Markdown.escape(format(prober.current()));
    }

    public String format(List<ServiceHealth> results) {
        return results.stream().map(HealthReport::line).collect(Collectors.joining("\n"));
    }

    /** "✅ PostgreSQL – 3 ms", "❌ Qdrant – 5000 ms – no answer within 5000 ms", "⚪ Redis – not configured". */
    static String line(ServiceHealth h) {
        String name = displayName(h.service());
        return switch (h.state()) {
            case UP -> "✅ " + name + " – " + h.latencyMs() + " ms";
            case NOT_CONFIGURED -> "⚪ " + name + " – not configured";
            case DOWN -> "❌ " + name + " – " + h.latencyMs() + " ms – " + (h.error() == null ? h.kind() : h.error());
        };
    }

    /**
     * The owner's alert for a failing service. Claude's kinds (a timeout included) take the text of
     * {@link ClaudeFailure}, the one a failed request alerts with, so one cooldown key (service and
     * kind) always stands for one text.
     */
    public static String alertText(ServiceHealth h) {
        String name = displayName(h.service());
        String error = h.error() == null ? h.kind() : h.error();
        String kind = h.kind() == null ? ServiceHealth.KIND_DOWN : h.kind();
        if ("claude".equals(h.service()) && ClaudeFailure.isKind(kind)) {
            return ClaudeFailure.ofKind(kind).alertText(error);
        }
        return switch (kind) {
            case ServiceHealth.KIND_TIMEOUT -> "⚠️ " + name + " is not answering: " + error;
            default -> "⚠️ " + name + " is down: " + error;
        };
    }

    /**
     * For the probe route's split: sets headers alertService and serviceState and, when the service
     * is DOWN, alertKind and the alert text as body.
     */
    public void describe(Exchange exchange) throws InvalidPayloadException {
        Message in = exchange.getMessage();
        ServiceHealth h = in.getMandatoryBody(ServiceHealth.class);
        in.setHeader(Alerts.SERVICE, h.service());
        in.setHeader(STATE, h.state().name());
        if (h.isDown()) {
            in.setHeader(Alerts.KIND, h.kind());
            in.setBody(alertText(h));
        }
    }

    /** "PostgreSQL" for "postgresql"; an unknown service keeps its id. */
    public static String displayName(String service) {
        return service == null ? "unknown service" : NAMES.getOrDefault(service, service);
    }
}
