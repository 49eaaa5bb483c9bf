#!/usr/bin/env bash
# Benchmarks of the packaged bot. Needs PostgreSQL (TEST_DATABASE_URL, default the local server).
# Usage: bench/run.sh [all|startup|load]
set -euo pipefail
cd "$(dirname "$0")/.."
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-jdbc:postgresql://127.0.0.1:5432/postgres}"
mvn -B -q -DskipTests package
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
CP="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
LOG_FORMAT=text LOG_LEVEL=WARN java -Xmx512m -cp "$CP" dev.camelassistant.e2e.BotBenchmark "${1:-all}"
