#!/usr/bin/env bash
# The dashboard's statements fired at a ClickHouse server all at once with curl (a new connection
# per statement), to compare server settings by wall time per set and by the server's own CPU.
# The statements come from a SQL dump of bench/query/query.sh (SQL_DUMP=/path writes
# /path.clickhouse.sql, one statement per line).
#   bench/query/clickhouse-set.sh /tmp/sql.clickhouse.sql                         # defaults
#   SETTINGS='&use_uncompressed_cache=1' ROUNDS=10 bench/query/clickhouse-set.sh /tmp/sql.clickhouse.sql
# Env: CLICKHOUSE_URL=http://127.0.0.1:18123 DATABASE=trackflow_bench ROUNDS=5
#      SERVER_PID (default: the oldest clickhouse-server process; its CPU is read from /proc)
set -euo pipefail
DUMP=${1:?usage: clickhouse-set.sh <sql dump file>}
URL="${CLICKHOUSE_URL:-http://127.0.0.1:18123}/?database=${DATABASE:-trackflow_bench}${SETTINGS:-}"
PID=${SERVER_PID:-$(pgrep -o -f clickhouse-server)}
TICK=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }

before=$(cpu)
walls=()
for _ in $(seq 1 "${ROUNDS:-5}"); do
  start=$(date +%s%N)
  while IFS= read -r statement; do
    [ -n "$statement" ] && curl -sf -o /dev/null "$URL" --data-binary "$statement" &
  done < "$DUMP"
  wait
  walls+=($(( ($(date +%s%N) - start) / 1000000 )))
done
after=$(cpu)
echo "set wall ms (sorted): $(printf '%s\n' "${walls[@]}" | sort -n | tr '\n' ' ')"
echo "server CPU: $(( (after - before) * 1000 / TICK )) ms for ${ROUNDS:-5} sets"
