#!/usr/bin/env bash
# Beacon 503 answer times while Kafka is down: FaultInjectionIT's Kafka outage test, run with a
# longer outage. The shaded jar runs as a query, a collector and two writers on real Kafka, Redis,
# ClickHouse and PostgreSQL (test-support starts them on free loopback ports); a beacon sender
# (40/s) and a pixel sender (40/s) keep going while the broker is SIGKILLed, and every beacon
# answered 503 during the outage has its answer time recorded (JDK HTTP client, keep-alive, the
# collector's own port). The test then checks every hit stored once, as in the suite.
# Usage: bench/reliability/kafka-outage.sh     Env: OUTAGE=PT60S (ISO-8601), LOG=file, JAVA_HOME
set -euo pipefail
cd "$(dirname "$0")/../.."
# The JDK the other benches use unless one is given (the build needs 21 or newer).
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
OUTAGE=${OUTAGE:-PT60S}
LOG=${LOG:-$(mktemp -t kafka-outage.XXXXXX.log)}
./mvnw -B verify -pl server -am -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='FaultInjectionIT#kafkaOutageUnderLoad' -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dtrackflow.it.kafkaOutage="$OUTAGE" > "$LOG" 2>&1 || { tail -80 "$LOG"; echo "failed; log: $LOG" >&2; exit 1; }
grep -h -E "Beacon 503 answer times|ko: .* beacons sent" "$LOG"
echo "log: $LOG"
