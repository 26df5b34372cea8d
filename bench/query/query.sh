#!/usr/bin/env bash
# Stats query latency at 1M, 10M and 50M events over 90 days: the dashboard's queries through the
# API (without and with the cache) and the same SQL sent straight to the store, on ClickHouse and
# DuckDB, then the sizes side by side against the targets (QueryBench in query's test sources).
# Sizes up to LOAD_LIMIT are loaded through the adapter (~3-5 min per 10M on ClickHouse, ~2.5 on
# DuckDB); larger ones are copies of the COPY_BASE store made inside the store. Stores are kept and
# reused (ClickHouse databases trackflow_bench_<size>, DuckDB files $DUCKDB_DIR/query-events-<size>.duckdb).
#   bench/query/query.sh                                   # private ClickHouse 18.16 (loads every run)
#   CLICKHOUSE_URL=http://127.0.0.1:8123 DUCKDB_DIR=/var/tmp/tf bench/query/query.sh   # reuse stores
#   SIZES=1000000 ROUNDS=10 STORES=duckdb bench/query/query.sh
#   MODE=approx SIZES=10000000,50000000 bench/query/query.sh   # visitor figures: sketch and API vs exact
#   MODE=verify bench/query/query.sh                       # in-store copies vs the adapter, at 1M
#   ROLLUPS=always bench/query/query.sh                    # the stats service's rollups mode (auto|always|never;
#                                                          # ROLLUPS_MIN_SESSIONS for auto)
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

./mvnw -q -pl query -am package dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile='${project.build.directory}/bench.classpath'

exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx6g \
  -Dmode="${MODE:-latency}" -Dsizes="${SIZES:-1000000,10000000,50000000}" -Drounds="${ROUNDS:-20}" \
  -Dstores="${STORES:-clickhouse,duckdb}" -Dtrackflow.stats.rollups="${ROLLUPS:-never}" \
  ${ROLLUPS_MIN_SESSIONS:+-Dtrackflow.stats.rollups.min.sessions="$ROLLUPS_MIN_SESSIONS"} \
  -Dload.limit="${LOAD_LIMIT:-10000000}" -Dcopy.base="${COPY_BASE:-10000000}" \
  -Dclickhouse.url="${CLICKHOUSE_URL:-}" -Dsql.dump="${SQL_DUMP:-}" -Dduckdb.dir="${DUCKDB_DIR:-/tmp/trackflow-bench}" \
  -Dlogback.configurationFile=bench/writer/logback-quiet.xml \
  -cp "query/target/test-classes:query/target/classes:$(cat query/target/bench.classpath)" \
  io.trackflow.query.stats.QueryBench
