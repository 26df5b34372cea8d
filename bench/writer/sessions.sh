#!/usr/bin/env bash
# What keeping sessions in the writer costs: the rebuild of N open sessions from each event store
# on assignment (one partition, and one of six), and sessionizing events/s per core
# (SessionRebuildBench in writer's test sources).
#   bench/writer/sessions.sh                                   # 100,000 sessions, 5 rounds, private ClickHouse 18.16
#   SESSIONS=200000 ROUNDS=3 bench/writer/sessions.sh
#   CLICKHOUSE_URL=http://host:8123 bench/writer/sessions.sh   # an existing ClickHouse
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

./mvnw -q -pl writer -am package dependency:build-classpath -DskipTests -Dexec.skip=true \
  -Dmdep.includeScope=test -Dmdep.outputFile='${project.build.directory}/bench.classpath'

exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx2g \
  -Dsessions="${SESSIONS:-100000}" -Drounds="${ROUNDS:-5}" -Devents="${EVENTS:-2000000}" \
  -Dclickhouse.url="${CLICKHOUSE_URL:-}" \
  -Dlogback.configurationFile=bench/writer/logback-quiet.xml \
  -cp "writer/target/test-classes:writer/target/classes:$(cat writer/target/bench.classpath)" \
  io.trackflow.writer.SessionRebuildBench
