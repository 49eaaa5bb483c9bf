# syntax=docker/dockerfile:1
# Base images are pinned to a release (no floating tags); DockerComposeTest checks that.
# Build: Maven on JDK 17, one fat jar.
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q -DskipTests package

# Run: JRE only, non-root user, data in a volume.
FROM eclipse-temurin:17.0.17_10-jre
RUN groupadd --system bot && useradd --system --gid bot --home-dir /app --shell /usr/sbin/nologin bot \
    && mkdir -p /app/data && chown -R bot:bot /app
WORKDIR /app
COPY --from=build /src/target/camel-assistant.jar /app/camel-assistant.jar
COPY jvm.options /app/jvm.options
COPY bin/camel-assistant /app/bin/camel-assistant
USER bot
ENV DATA_DIR=/app/data \
    HTTP_PORT=8080 \
    MALLOC_ARENA_MAX=2 \
    CAMEL_ASSISTANT_JAR=/app/camel-assistant.jar \
    CAMEL_ASSISTANT_JVM_OPTIONS=/app/jvm.options
VOLUME ["/app/data"]
EXPOSE 8080
# The jar's own healthcheck command (GET /observe/health/live, 3 s timeout, exit 0 on 200): no shell,
# no curl. A small JVM: C1 only, a 16 MB heap, no perf-data file written every run.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["java", "-XX:TieredStopAtLevel=1", "-Xmx16m", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-jar", "/app/camel-assistant.jar", "healthcheck"]
# jvm.options plus a class-data archive kept in the data volume (recorded by the first run)
ENTRYPOINT ["/app/bin/camel-assistant"]
