package dev.camelassistant.management;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's management server with {@link ManagementGuard} in front of every handler, installed before
 * Camel adds its own (so there is no moment when anything answers unguarded); the developer console
 * served by {@link GuardedConsoles} instead of Camel's handler; and the credentials file removed as
 * soon as Vert.x has read it.
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
        super.setupConsoles();
    }

    /**
     * Called by {@link #setupConsoles} when the dev console is enabled (DEV_CONSOLE=true and a
     * password). Camel's own handler is not mounted: it would serve any console with any parameter
     * and unmasked. No explicit order: after the authentication handler, mounted when the server started.
     */
    @Override
    protected void setupDevConsole() {
        GuardedConsoles consoles = new GuardedConsoles(getCamelContext());
        getRouter().route(ConsolePolicy.DEV).handler(consoles);
        getRouter().route(ConsolePolicy.DEV + "/*").handler(consoles);
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
