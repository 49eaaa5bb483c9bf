package dev.camelassistant.management;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.apache.camel.spi.PropertiesComponent;

/**
 * Who may use the management server: MANAGEMENT_USER / MANAGEMENT_PASSWORD (HTTP basic), and whether
 * the developer console was asked for (DEV_CONSOLE). Without a password nothing but the health status
 * is served; the dev console needs both DEV_CONSOLE=true and a password.
 */
public record ManagementAccess(String host, String user, String password, boolean devConsoleRequested) {

    /** The Vert.x role given to the operator in the properties file. */
    static final String ROLE = "operator";

    public ManagementAccess {
        user = user == null || user.isBlank() ? "admin" : user.trim();
        password = password == null || password.isBlank() ? null : password;
    }

    /** From the management.* properties (application.properties maps them from the environment). */
    public static ManagementAccess from(PropertiesComponent props) {
        return new ManagementAccess(value(props, "management.host"), value(props, "management.user"),
                value(props, "management.password"), "true".equals(value(props, "management.dev-console")));
    }

    private static String value(PropertiesComponent props, String key) {
        return props.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty()).orElse(null);
    }

    public boolean passwordSet() {
        return password != null;
    }

    public boolean devConsole() {
        return devConsoleRequested && passwordSet();
    }

    /** True when {@link #host} can only be reached from this machine. */
    public boolean loopbackOnly() {
        if (host == null || host.isBlank() || "localhost".equalsIgnoreCase(host.trim())) {
            return true;
        }
        try {
            InetAddress address = InetAddress.getByName(host.trim());
            return address.isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Writes the operator's credentials as a Vert.x properties file (the format of Camel's
     * {@code camel.management.basicPropertiesFile}), readable by this OS user only. Vert.x reads it
     * once when the server starts; {@link GuardedManagementServer} deletes it then.
     */
    Path writePropertiesFile() {
        try {
            Path file = Files.createTempFile("camel-assistant-management", ".properties",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            file.toFile().deleteOnExit();
            Files.writeString(file, "user." + user + "=" + password + "," + ROLE + "\n", StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the management credentials file", e);
        }
    }

    @Override
    public String toString() {
        // never the password
        return "ManagementAccess[host=" + host + ", user=" + user + ", passwordSet=" + passwordSet()
               + ", devConsole=" + devConsole() + "]";
    }
}
