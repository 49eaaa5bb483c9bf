package dev.camelassistant.health;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.camelassistant.audit.AuditEntry;
import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.common.Markdown;
import dev.camelassistant.llm.ClaudeFailure;
import dev.camelassistant.logging.LogMasker;
import dev.camelassistant.metrics.BotMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the alert routes call: the cooldown decision, the text, the admin chat and the audit entry.
 * Inputs are the headers alertService and alertKind and, for an alert, the body text.
 * No method throws: a problem is logged and the alert is dropped.
 */
public final class Alerts {

    public static final String SERVICE = "alertService";
    public static final String KIND = "alertKind";
    public static final String KIND_RECOVERED = "recovered";
    /** Who raised an alert or saw a service work: "probe" (health-probe) or "request" (a Claude call). */
    public static final String SOURCE = "alertSource";
    public static final String SOURCE_PROBE = "probe";

    /**
     * Services with an alert raised by a real request (Claude overloaded or timing out on
     * /v1/messages). The probe only sees the models endpoint, which may work meanwhile, so for these
     * only a successful request announces the recovery.
     */
    private final Set<String> requestAlerted = ConcurrentHashMap.newKeySet();

    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);

    private final AlertCooldown cooldown;
    private final String adminChatId;
    private final AuditEvents audit;
    private final BotMetrics metrics;

    /**
     * @param adminChatId TELEGRAM_ADMIN_CHAT_ID; blank: alerts are only logged
     * @param audit       the "audit" bean; null: nothing is recorded
     * @param metrics     counts {@value BotMetrics#ALERTS_SENT} by service and kind
     */
    public Alerts(AlertCooldown cooldown, String adminChatId, AuditEvents audit, BotMetrics metrics) {
        this.cooldown = cooldown;
        this.adminChatId = adminChatId == null ? "" : adminChatId.trim();
        this.audit = audit;
        this.metrics = metrics;
    }

    /** Filter of the alert route: true when this alert goes out now (the cooldown allows it and there is an admin chat). */
    public boolean admit(Exchange exchange) {
        Message in = exchange.getMessage();
        String service = header(in, SERVICE, "unknown");
        String kind = header(in, KIND, ServiceHealth.KIND_DOWN);
        in.setHeader(SERVICE, service);
        in.setHeader(KIND, kind);
        try {
            if (!cooldown.tryAcquire(service, kind)) {
                LOG.debug("Alert for {} ({}) suppressed: one was sent less than {} s ago", service, kind,
                        cooldown.cooldown().toSeconds());
                return false;
            }
        } catch (RuntimeException e) {
            LOG.error("Alert cooldown failed for {} ({}): {}; alert dropped", service, kind, HealthProber.describe(e));
            return false;
        }
        if (SOURCE_PROBE.equals(in.getHeader(SOURCE, String.class))) {
            requestAlerted.remove(service);
        } else {
            requestAlerted.add(service);
        }
        if (adminChatId.isEmpty()) {
            LOG.warn("Alert for {} ({}) not sent, TELEGRAM_ADMIN_CHAT_ID is not set: {}", service, kind,
                    LogMasker.maskSingleLine(in.getBody(String.class)));
            return false;
        }
        return true;
    }

    /** Cheap filter before the service-up route: false when this instance saw no problem of the service. */
    public boolean mayRecover(String service) {
        return cooldown.mayRecover(service);
    }

    /** Filter of the service-up route: true once after an alerted service is fine again. */
    public boolean recovered(Exchange exchange) {
        String service = exchange.getMessage().getHeader(SERVICE, String.class);
        if (SOURCE_PROBE.equals(exchange.getMessage().getHeader(SOURCE, String.class))) {
            if (requestAlerted.contains(service)) {
                return false;
            }
        } else {
            requestAlerted.remove(service);
        }
        try {
            return cooldown.recover(service) && !adminChatId.isEmpty();
        } catch (RuntimeException e) {
            LOG.error("Alert state of {} could not be cleared: {}", service, HealthProber.describe(e));
            return false;
        }
    }

    /**
     * The alert text to send: the body as a String, masked; a generic text when the body is empty.
     * Escaped as Markdown (the outbound route renders every text), so error details read as written.
     */
    public String text(Exchange exchange) {
        Message in = exchange.getMessage();
        String body = in.getBody(String.class);
        if (body == null || body.isBlank()) {
            return Markdown.escape("⚠️ " + HealthReport.displayName(in.getHeader(SERVICE, String.class)) + ": "
                   + in.getHeader(KIND, String.class));
        }
        return Markdown.escape(LogMasker.mask(body.strip()));
    }

    /** "✅ Qdrant is back". */
    public String recoveredText(Exchange exchange) {
        return "✅ " + HealthReport.displayName(exchange.getMessage().getHeader(SERVICE, String.class)) + " is back";
    }

    public String adminChatId() {
        return adminChatId;
    }

    /** The alert (or recovery message) went to the outbound queue: counted, and audited as alert_sent with service and kind. */
    public void sent(Exchange exchange) {
        Message in = exchange.getMessage();
        String service = header(in, SERVICE, "unknown");
        String kind = header(in, KIND, ServiceHealth.KIND_DOWN);
        metrics.alertSent(service, kind);
        if (audit == null) {
            return;
        }
        try {
            audit.action(exchange, "alert_sent", Map.of("service", service, "kind", kind),
                    AuditEntry.Status.SUCCESS, null, null);
        } catch (RuntimeException e) {
            LOG.warn("Could not record alert_sent: {}", HealthProber.describe(e));
        }
    }

    private static String header(Message in, String name, String fallback) {
        String v = in.getHeader(name, String.class);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    /**
     * Registers the alert counters that can occur, at 0: every service can be down, time out and
     * recover; Claude's probe and requests also report the kinds of its API errors.
     */
    public static void expectAll(BotMetrics metrics, List<ServiceProbe> probes) {
        for (ServiceProbe probe : probes) {
            List.of(ServiceHealth.KIND_DOWN, ServiceHealth.KIND_TIMEOUT, KIND_RECOVERED)
                    .forEach(kind -> metrics.expectAlert(probe.service(), kind));
            if ("claude".equals(probe.service())) {
                for (ClaudeFailure failure : ClaudeFailure.values()) {
                    if (failure != ClaudeFailure.OTHER) {
                        metrics.expectAlert(probe.service(), failure.kind());
                    }
                }
            }
        }
    }
}
