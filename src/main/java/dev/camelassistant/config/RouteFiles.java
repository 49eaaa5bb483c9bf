package dev.camelassistant.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/**
 * Which route files run in which role (APP_ROLE), and the operator's own route folder
 * (ROUTES_DIR, reloaded on change with ROUTES_RELOAD=true).
 */
public final class RouteFiles {

    /** Shared by every role. */
    static final List<String> COMMON = List.of("error-handling", "audit");
    /**
     * Telegram, Claude, probes and alerts; reminders and Claude's kept promises (claude-retries) go through
     * the outbox and the conversation, so here too.
     */
    static final List<String> BOT = List.of("telegram-inbound", "telegram-outbound", "conversation", "claude",
            "health", "alert", "usage", "memory", "reminders", "claude-retries");
    /** Scheduled jobs (retention: the route template the three cleanups are made from). */
    static final List<String> WORKER = List.of("retention", "audit-cleanup", "conversation-cleanup", "message-cleanup");

    private RouteFiles() {
    }

    public static List<String> namesFor(Settings.Role role) {
        Set<String> names = new LinkedHashSet<>(COMMON);
        if (role.runsBot()) {
            names.addAll(BOT);
        }
        if (role.runsWorker()) {
            names.addAll(WORKER);
        }
        return new ArrayList<>(names);
    }

    public static String includePattern(Settings.Role role) {
        return String.join(",", namesFor(role).stream().map(n -> "classpath:routes/" + n + ".camel.yaml").toList());
    }

    /** Adds ROUTES_DIR's routes after the built-in ones (same id replaces) and, when asked, reloads them on change. */
    public static void configureOperatorRoutes(Main main, String routesDir, boolean reload) {
        if (routesDir == null || routesDir.isBlank()) {
            return;
        }
        Path dir = Path.of(routesDir.trim()).toAbsolutePath();
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport m) {
                OperatorRoutes.load(m.getCamelContext(), dir);
            }
        });
        if (reload) {
            main.addOverrideProperty("camel.main.routesReloadEnabled", "true");
            main.addOverrideProperty("camel.main.routesReloadDirectory", dir.toString());
            main.addOverrideProperty("camel.main.routesReloadPattern", "*.camel.yaml");
            // replace only the routes of the changed file (by id), keep every other route running
            main.addOverrideProperty("camel.main.routesReloadRemoveAllRoutes", "false");
        }
    }
}
