package dev.camelassistant.management;

import dev.camelassistant.logging.LogMasker;
import org.apache.camel.CamelContext;
import org.apache.camel.Service;
import org.apache.camel.component.platform.http.main.DefaultMainHttpServerFactory;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.main.authentication.BasicAuthenticationConfigurer;
import org.apache.camel.main.HttpManagementServerConfigurationProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds Camel's management server ({@code camel.management.*}) with the bot's access policy
 * ({@code management.*}, see {@link ManagementAccess}) applied on top of the properties. camel-main
 * takes the {@code MainHttpServerFactory} it finds in the registry, and builds the management server
 * before configuration classes run: the launcher binds this factory on camel-main itself
 * ({@code main.bind}), and {@link #requireGuarded} refuses to run with any other management server.
 * <ul>
 *   <li>Everything but the health status needs the operator's credentials: Camel's own basic
 *       authentication ({@code authenticationEnabled}, a Vert.x properties file, path {@code /*}).</li>
 *   <li>Without MANAGEMENT_PASSWORD: no info, metrics, Jolokia or dev console, only the status.</li>
 *   <li>Never: /q/send, uploads, downloads; the dev console's consoles that send, receive, browse
 *       messages or show bean properties, or any console parameter that changes state
 *       ({@link ConsolePolicy}); Jolokia's operations that send messages, add or remove routes and
 *       endpoints, stop the scheduler or disable health checks (jolokia-access.xml).</li>
 *   <li>{@link ManagementGuard} answers the health status to everyone, before authentication.</li>
 * </ul>
 */
public class ManagementServerFactory extends DefaultMainHttpServerFactory {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServerFactory.class);

    @Override
    public Service newHttpManagementServer(CamelContext camelContext, HttpManagementServerConfigurationProperties cfg) {
        ManagementAccess access = ManagementAccess.from(camelContext.getPropertiesComponent());
        LogMasker.registerSecret(access.password());
        boolean operator = access.passwordSet();
        GuardedManagementServer server = new GuardedManagementServer(access, operator ? access.writePropertiesFile() : null);
        server.setCamelContext(camelContext);
        server.setHost(cfg.getHost());
        server.setPort(cfg.getPort());
        server.setPath(cfg.getPath());
        server.setUseGlobalSslContextParameters(cfg.isUseGlobalSslContextParameters());
        server.setHealthCheckEnabled(cfg.isHealthCheckEnabled());
        server.setHealthPath(cfg.getHealthPath());
        server.setInfoPath(cfg.getInfoPath());
        server.setJolokiaPath(cfg.getJolokiaPath());
        server.setInfoEnabled(operator && cfg.isInfoEnabled());
        server.setMetricsEnabled(operator && cfg.isMetricsEnabled());
        server.setJolokiaEnabled(operator && cfg.isJolokiaEnabled());
        server.setDevConsoleEnabled(access.devConsole() && cfg.isDevConsoleEnabled());
        server.setSendEnabled(false);
        server.setUploadEnabled(false);
        server.setDownloadEnabled(false);
        if (operator) {
            cfg.setAuthenticationEnabled(true);
            cfg.setAuthenticationPath("/*");
            cfg.setBasicPropertiesFile(server.credentialsFile().toString());
            new BasicAuthenticationConfigurer().configureAuthentication(
                    server.getConfiguration().getAuthenticationConfig(), cfg);
        }
        report(access, cfg);
        return server;
    }

    /** Stops the start when the management server was not built here (it would be open to all). */
    public static void requireGuarded(CamelContext camelContext) {
        ManagementHttpServer server = camelContext.hasService(ManagementHttpServer.class);
        if (server != null && !(server instanceof GuardedManagementServer)) {
            throw new IllegalStateException("the management server was built without the access guard: bind "
                                            + ManagementServerFactory.class.getName() + " on camel-main");
        }
    }

    private static void report(ManagementAccess access, HttpManagementServerConfigurationProperties cfg) {
        String where = cfg.getHost() + ":" + cfg.getPort();
        boolean loopback = new ManagementAccess(cfg.getHost(), null, null, false).loopbackOnly();
        if (!access.passwordSet()) {
            if (loopback) {
                LOG.info("Management server on {}: health status only (set MANAGEMENT_PASSWORD for metrics, "
                         + "Jolokia and health details)", where);
            } else {
                LOG.warn("MANAGEMENT_HOST={} makes the management server reachable from other machines and "
                         + "MANAGEMENT_PASSWORD is not set: only the health status is served", cfg.getHost());
            }
            if (access.devConsoleRequested()) {
                LOG.warn("DEV_CONSOLE=true is ignored: the developer console needs MANAGEMENT_PASSWORD");
            }
        } else {
            LOG.info("Management server on {}: health status for everyone; details, metrics, Jolokia{} for user '{}'",
                    where, access.devConsole() ? ", dev console" : "", access.user());
            if (!loopback) {
                LOG.warn("MANAGEMENT_HOST={} makes the management server reachable from other machines over plain HTTP: "
                         + "put TLS in front of it (basic authentication sends the password with every request)", cfg.getHost());
            }
        }
    }
}
