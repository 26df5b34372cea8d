#!/usr/bin/env bash
# Stats query latency: the dashboard's queries through the API (without and with the cache) and
# the same SQL sent straight to the store, on ClickHouse and DuckDB, 10M events over 90 days
# (QueryBench in query's test sources). Loading takes a while; a loaded store is reused:
#   bench/query/query.sh                                  # private ClickHouse 18.16 (loads every run)
#   CLICKHOUSE_URL=http://127.0.0.1:8123 DUCKDB_FILE=/var/tmp/q.duckdb bench/query/query.sh   # reuse
#   EVENTS=1000000 ROUNDS=10 STORES=duckdb bench/query/query.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

./mvnw -q -pl query -am package dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile='${project.build.directory}/bench.classpath'

exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx6g \
  -Devents="${EVENTS:-10000000}" -Drounds="${ROUNDS:-20}" -Dstores="${STORES:-clickhouse,duckdb}" \
  -Dclickhouse.url="${CLICKHOUSE_URL:-}" -Dsql.dump="${SQL_DUMP:-}" -Dduckdb.file="${DUCKDB_FILE:-/tmp/trackflow-bench/query-events.duckdb}" \
  -Dlogback.configurationFile=bench/writer/logback-quiet.xml \
  -cp "query/target/test-classes:query/target/classes:$(cat query/target/bench.classpath)" \
  io.trackflow.query.stats.QueryBench
