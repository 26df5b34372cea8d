#!/usr/bin/env bash
# Two builds of standalone TrackFlow side by side with the bare Vert.x 204 server, in one run on
# this machine: the A/B check for a change on the collector's hot path. Each target gets a
# warm-up; then they are measured in alternating rounds (see run.sh for why), median reported.
# Usage: JAR_BASE=/path/to/before.jar bench/collector/compare.sh   (JAR: the build under test)
# Env:   as run.sh (DURATION WARMUP ROUNDS CONNECTIONS NICE JAR KEEP_LOGS), plus
#        TARGET_JAVA_OPTS (extra JVM options for both builds, e.g. a flight recording)
set -euo pipefail

source "$(dirname "$0")/lib.sh"
[ -n "${JAR_BASE:-}" ] && [ -f "$JAR_BASE" ] || { echo "set JAR_BASE to the build to compare against" >&2; exit 1; }

BARE_PORT=19111
BASE_PORT=19112
CHANGED_PORT=19113

"${PRIO[@]}" "$JAVA" -cp "$JAR" "$BENCH_DIR/BareServer.java" "$BARE_PORT" > "$WORK/bare.log" 2>&1 &
PIDS+=($!)
BARE_PID=$!
for _ in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$BARE_PORT/" && break; sleep 1; done
TARGET_JAR=$JAR_BASE start_trackflow base "$BASE_PORT"
BASE_PID=$LAST_PID
start_trackflow changed "$CHANGED_PORT"
CHANGED_PID=$LAST_PID

ROUNDS=${ROUNDS:-3}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); priority $NICE"
for script in pixel.lua beacon.lua; do
  for port in "$BARE_PORT" "$BASE_PORT" "$CHANGED_PORT"; do
    "${PRIO[@]}" wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" -s "$BENCH_DIR/$script" "http://127.0.0.1:$port" > /dev/null
  done
  for round in $(seq 1 "$ROUNDS"); do
    run "bare Vert.x 204" "http://127.0.0.1:$BARE_PORT" "$script" "$BARE_PID"
    run "standalone, JAR_BASE" "http://127.0.0.1:$BASE_PORT" "$script" "$BASE_PID"
    run "standalone, JAR" "http://127.0.0.1:$CHANGED_PORT" "$script" "$CHANGED_PID"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
for port in "$BASE_PORT" "$CHANGED_PORT"; do
  echo "counters of :$port after its runs:"
  curl -s "http://127.0.0.1:$port/metrics" | grep -E '^trackflow_collector_hits_(accepted|lost|bot)_total|^trackflow_writer_rows_total' || true
done
median_table "bare Vert.x 204" "standalone, JAR_BASE" "standalone, JAR"
