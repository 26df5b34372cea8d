#!/usr/bin/env bash
# Writer end to end: Kafka → writer → ClickHouse rows/s side by side with ClickHouse's own bulk
# insert of the same rows (same run), then publish → visible freshness at a steady rate
# (WriterBench in writer's test sources).
#   bench/writer/writer.sh                                  # 500k events, 3 rounds, 10k events/s for 30 s
#   EVENTS=1000000 ROUNDS=5 RATE=10000 DURATION=60 bench/writer/writer.sh
#   KAFKA_BOOTSTRAP=host:9092 CLICKHOUSE_URL=http://host:8123 bench/writer/writer.sh   # existing services
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

./mvnw -q -pl writer -am package dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile='${project.build.directory}/bench.classpath'

exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx4g \
  -Devents="${EVENTS:-500000}" -Drounds="${ROUNDS:-3}" -Drate="${RATE:-10000}" -Dseconds="${DURATION:-30}" \
  -Dkafka.bootstrap="${KAFKA_BOOTSTRAP:-}" -Dclickhouse.url="${CLICKHOUSE_URL:-}" \
  -Dlogback.configurationFile=bench/writer/logback-quiet.xml \
  -cp "writer/target/test-classes:writer/target/classes:$(cat writer/target/bench.classpath)" \
  io.trackflow.writer.WriterBench
