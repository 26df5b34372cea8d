#!/usr/bin/env bash
# Event store insert throughput: each store's adapter side by side with the store's own bulk
# insert of the same rows, in the same run (StoreInsertBench in adapters' test sources).
#   bench/writer/store-insert.sh                      # 500k events, 3 rounds, private ClickHouse 18.16
#   EVENTS=1000000 ROUNDS=5 bench/writer/store-insert.sh
#   CLICKHOUSE_URL=http://host:8123 bench/writer/store-insert.sh   # an existing (e.g. current) ClickHouse
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

./mvnw -q -pl adapters -am package dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile='${project.build.directory}/bench.classpath'

exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx4g \
  -Devents="${EVENTS:-500000}" -Drounds="${ROUNDS:-3}" -Dclickhouse.url="${CLICKHOUSE_URL:-}" \
  -Dlogback.configurationFile=bench/writer/logback-quiet.xml \
  -cp "adapters/target/test-classes:adapters/target/classes:$(cat adapters/target/bench.classpath)" \
  io.trackflow.adapters.store.StoreInsertBench
