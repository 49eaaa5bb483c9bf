package dev.camelassistant.management;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's management server with {@link ManagementGuard} in front of every handler and its console
 * filter behind the authentication, both installed before Camel adds its own handlers (so there is
 * no moment when the consoles answer unguarded), and the credentials file removed as soon as Vert.x
 * has read it.
 */
class GuardedManagementServer extends ManagementHttpServer {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedManagementServer.class);

    private final ManagementAccess access;
    private final Path credentialsFile;

    GuardedManagementServer(ManagementAccess access, Path credentialsFile) {
        this.access = access;
        this.credentialsFile = credentialsFile;
    }

    Path credentialsFile() {
        return credentialsFile;
    }

    @Override
    protected void setupConsoles() {
        getRouter().route().order(ManagementGuard.ORDER).handler(
                new ManagementGuard(getCamelContext(), getHealthPath(), getJolokiaPath(), access.passwordSet()));
        // no explicit order: after the authentication handler (mounted when the server started), before
        // the consoles Camel adds next
        getRouter().route("/q/dev/*").handler(ManagementGuard::filterConsoles);
        super.setupConsoles();
    }

    @Override
    protected void doStart() throws Exception {
        try {
            super.doStart();
        } finally {
            if (credentialsFile != null) {
                try {
                    // Vert.x has read the file when the server started: the password stays in memory only
                    Files.deleteIfExists(credentialsFile);
                } catch (IOException e) {
                    LOG.warn("Could not delete the management credentials file {}: {}", credentialsFile,
                            e.getClass().getSimpleName());
                }
            }
        }
    }
}
