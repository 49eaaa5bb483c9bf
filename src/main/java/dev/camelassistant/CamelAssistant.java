package dev.camelassistant;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

import dev.camelassistant.config.AppConfiguration;
import dev.camelassistant.config.DatabaseStartup;
import dev.camelassistant.config.RouteFiles;
import dev.camelassistant.config.Settings;
import dev.camelassistant.crypto.CredentialsCli;
import dev.camelassistant.health.HealthcheckCli;
import dev.camelassistant.logging.LogMasker;
import dev.camelassistant.management.ManagementServerFactory;
import org.apache.camel.main.Main;

/**
 * Entry point: {@code keygen}, {@code credentials ...} and {@code healthcheck} are command-line
 * tools; with no argument the settings are checked (exit code 2 and one line per problem) and
 * camel-main runs the bot.
 */
public final class CamelAssistant {

    public static final int EXIT_USAGE = 2;

    private CamelAssistant() {
    }

    public static void main(String[] args) throws Exception {
        int code = run(args, System.getenv(), System.out, System.err);
        System.exit(code);
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) throws Exception {
        if (args.length > 0) {
            switch (args[0]) {
                case "--help", "-h", "help":
                    out.print(usage());
                    return 0;
                case "keygen", "credentials":
                    registerSecrets(env);
                    return CredentialsCli.run(args, System.in, out, err, env);
                case "healthcheck":
                    return HealthcheckCli.run(env, out, err);
                default:
                    err.println("camel-assistant: unknown command '" + args[0] + "'");
                    err.print(usage());
                    return EXIT_USAGE;
            }
        }
        List<String> problems = Settings.validate(env);
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println("camel-assistant: configuration error: " + p));
            return EXIT_USAGE;
        }
        registerSecrets(env);
        DatabaseStartup.begin(env);
        Settings.Role role = Settings.Role.parse(env.get("APP_ROLE"));
        Main main = new Main();
        AppConfiguration.addTo(main.configure());
        // camel-main builds the management server with the factory it finds in the registry
        main.bind("managementServerFactory", new ManagementServerFactory());
        main.addOverrideProperty("camel.main.routesIncludePattern", RouteFiles.includePattern(role));
        RouteFiles.configureOperatorRoutes(main, env.get("ROUTES_DIR"), "true".equals(env.get("ROUTES_RELOAD")));
        main.run();
        return main.getExitCode();
    }

    /** From now on every configured secret value is masked in logs and forwarded error texts. */
    public static void registerSecrets(Map<String, String> env) {
        for (Settings.Variable v : Settings.VARIABLES) {
            if (v.secret()) {
                Settings.splitList(env.get(v.env())).forEach(LogMasker::registerSecret);
            }
        }
    }

    static String usage() {
        return """
                Usage: java -jar camel-assistant.jar [command]

                  (no command)               run the bot (settings from the environment, see README)
                  keygen                     print a new random ENCRYPTION_KEY (64 hex characters)
                  credentials set NAME       store a credential; the value is read from standard input
                  credentials get NAME       print a credential's value
                  credentials list           list credential names
                  credentials delete NAME    delete a credential
                  credentials rotate         re-encrypt every encrypted row (credentials, conversations,
                                             inbox, outbox, notes, reminders) under the current ENCRYPTION_KEY
                  healthcheck                exit 0 when the running bot's /observe/health/live answers 200
                                             (HTTP_PORT, MANAGEMENT_HOST), else 1: the Docker HEALTHCHECK
                  --help                     this text

                Exit codes: 0 done, 1 not found, 2 usage or configuration error,
                3 a stored value that cannot be authenticated (wrong key or tampered data).
                """;
    }
}
