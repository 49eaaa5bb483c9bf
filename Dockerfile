# syntax=docker/dockerfile:1
# Build: Maven on JDK 17, one fat jar.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q -DskipTests package

# Run: JRE only, non-root user, data in a volume.
FROM eclipse-temurin:17-jre
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
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/${HTTP_PORT} && printf 'GET /observe/health/live HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '200' <&3"]
# jvm.options plus a class-data archive kept in the data volume (recorded by the first run)
ENTRYPOINT ["/app/bin/camel-assistant"]
