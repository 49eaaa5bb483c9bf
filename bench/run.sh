#!/usr/bin/env bash
# Benchmarks of the packaged bot. Needs PostgreSQL (TEST_DATABASE_URL, default the local server).
# Usage: bench/run.sh [all|startup|restart|load|bare|warmup]
#   BENCH_JAR=path         measure another jar (default target/camel-assistant.jar)
#   BENCH_RUNS=n           runs per restart figure (default 5)
#   BENCH_BOT_JAVA=path    run the bot on another JDK's java (e.g. a Java 25 one)
set -euo pipefail
cd "$(dirname "$0")/.."
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-jdbc:postgresql://127.0.0.1:5432/postgres}"
[ -n "${BENCH_NO_BUILD:-}" ] || mvn -B -q -DskipTests package
[ -n "${BENCH_NO_BUILD:-}" ] || mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
CP="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
# the bot runs with the JVM options it ships with (jvm.options, also used by the Docker image)
BOT_OPTS="$(grep -v '^#' jvm.options | tr '\n' ' ')"
LOG_FORMAT=text LOG_LEVEL=WARN java -Xmx512m -Dbench.runs="${BENCH_RUNS:-5}" -Dbot.java="${BENCH_BOT_JAVA:-}" -Dapp.jar="${BENCH_JAR:-target/camel-assistant.jar}" -Dbot.jvm.options="${BOT_JVM_OPTIONS:-$BOT_OPTS}" -cp "$CP" \
  dev.camelassistant.e2e.BotBenchmark "${1:-all}"
