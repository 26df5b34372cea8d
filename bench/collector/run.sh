#!/usr/bin/env bash
# Collector throughput, side by side in one run on this machine (loopback only, bounded):
#   1. a bare Vert.x server answering 204 (the baseline),
#   2. standalone TrackFlow (in-process queue, in-memory dedup/sessions, DuckDB),
#   3. TrackFlow with Kafka and Redis (broker and Redis on the same cores).
# Each target gets a warm-up run, then a measured run per script (pixel GET, beacon POST).
# Usage: bench/collector/run.sh            (needs server/target/trackflow.jar: ./trackflow build)
# Env:   DURATION=20s WARMUP=10s CONNECTIONS=64
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH_DIR="$ROOT/bench/collector"
export BENCH_DIR
JAR="$ROOT/server/target/trackflow.jar"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-10s}
CONNECTIONS=${CONNECTIONS:-64}
BROKER_CP_FILE="$ROOT/test-support/kafka-broker/target/classes/io/trackflow/testsupport/kafka/broker-classpath.txt"
WORK=$(mktemp -d /tmp/trackflow-bench.XXXXXX)
PIDS=()
TICK=$(getconf CLK_TCK)

BARE_PORT=19101
STANDALONE_PORT=19102
CLUSTER_PORT=19103
REDIS_PORT=19104
KAFKA_PORT=19105
KAFKA_CONTROLLER_PORT=19106

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

[ -f "$JAR" ] || { echo "missing $JAR: run ./trackflow build first" >&2; exit 1; }
[ -f "$BROKER_CP_FILE" ] || { echo "missing $BROKER_CP_FILE: build test-support first" >&2; exit 1; }

wait_for() { # url, seconds
  for _ in $(seq 1 "$2"); do
    curl -sf -o /dev/null "$1" && return 0
    sleep 1
  done
  echo "timed out waiting for $1" >&2
  return 1
}

cpu_ticks() { # pids... → utime+stime summed
  local total=0
  for pid in "$@"; do
    read -r -a f < "/proc/$pid/stat"
    total=$((total + f[13] + f[14]))
  done
  echo "$total"
}

rss_mb() { # pids... → summed RSS in MB
  local kb=0
  for pid in "$@"; do
    kb=$((kb + $(awk '/VmRSS/ {print $2}' "/proc/$pid/status")))
  done
  echo $((kb / 1024))
}

start_trackflow() { # name port [env...]
  local name=$1 port=$2
  shift 2
  env TRACKFLOW_HTTP_HOST=127.0.0.1 TRACKFLOW_HTTP_PORT="$port" TRACKFLOW_DATA_DIR="$WORK/$name" \
    TRACKFLOW_ADMIN_EMAIL=bench@example.com TRACKFLOW_ADMIN_PASSWORD=bench-password-1 \
    TRACKFLOW_TRUSTED_PROXIES=127.0.0.1 TRACKFLOW_LOG_LEVEL=WARN "$@" \
    "$JAVA" -Xmx1g -jar "$JAR" > "$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  LAST_PID=$!
  wait_for "http://127.0.0.1:$port/health/ready" 180
  local token
  token=$(curl -sf -X POST -H 'Content-Type: application/json' \
    -d '{"email":"bench@example.com","password":"bench-password-1"}' \
    "http://127.0.0.1:$port/api/auth/login" | sed -E 's/.*"token":"([^"]+)".*/\1/')
  curl -sf -o /dev/null -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"domain":"bench.example","timezone":"UTC"}' "http://127.0.0.1:$port/api/sites"
  # The collector picks the new site up from the directory's change signal (at most 5 s).
  for _ in $(seq 1 50); do
    curl -s "http://127.0.0.1:$port/metrics" | grep -q '^trackflow_collector_sites 1' && return 0
    sleep 0.2
  done
}

RESULTS="$WORK/results.txt"
: > "$RESULTS"

run() { # label url script pids...
  local label=$1 url=$2 script=$3
  shift 3
  wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" -s "$BENCH_DIR/$script" "$url" > /dev/null
  local before after start end
  before=$(cpu_ticks "$@")
  start=$(date +%s.%N)
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$BENCH_DIR/$script" "$url" > "$WORK/wrk.out"
  end=$(date +%s.%N)
  after=$(cpu_ticks "$@")
  local rps p50 p99 errors cpu
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.out")
  p50=$(awk '/^ +50%/ {print $2}' "$WORK/wrk.out")
  p99=$(awk '/^ +99%/ {print $2}' "$WORK/wrk.out")
  errors=$(awk '/Non-2xx/ {print $5}' "$WORK/wrk.out")
  cpu=$(echo "scale=0; 100 * ($after - $before) / $TICK / ($end - $start)" | bc)
  printf '| %s | %s | %.0f | %s | %s | %s | %s%% | %s |\n' "$label" "$script" "$rps" "$p50" "$p99" \
    "${errors:-0}" "$cpu" "$(rss_mb "$@")" | tee -a "$RESULTS"
}

echo "| target | script | requests/s | p50 | p99 | non-2xx | CPU (server side) | RSS MB (server side) |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"

# 1. Baseline.
"$JAVA" -cp "$JAR" "$BENCH_DIR/BareServer.java" "$BARE_PORT" > "$WORK/bare.log" 2>&1 &
PIDS+=($!)
BARE_PID=$!
for _ in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$BARE_PORT/" && break; sleep 1; done
run "bare Vert.x 204" "http://127.0.0.1:$BARE_PORT" pixel.lua "$BARE_PID"
run "bare Vert.x 204" "http://127.0.0.1:$BARE_PORT" beacon.lua "$BARE_PID"
kill "$BARE_PID"

# 2. Standalone.
start_trackflow standalone "$STANDALONE_PORT"
STANDALONE_PID=$LAST_PID
run "standalone" "http://127.0.0.1:$STANDALONE_PORT" pixel.lua "$STANDALONE_PID"
run "standalone" "http://127.0.0.1:$STANDALONE_PORT" beacon.lua "$STANDALONE_PID"
curl -s "http://127.0.0.1:$STANDALONE_PORT/metrics" | grep -E '^trackflow_collector_hits_(accepted|lost|bot)_total|^trackflow_queue_size' > "$WORK/standalone.metrics" || true
kill "$STANDALONE_PID"

# 3. Kafka + Redis on the same machine.
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
  --dir "$WORK" > "$WORK/redis.log" 2>&1 &
PIDS+=($!)
REDIS_PID=$!
mkdir -p "$WORK/kafka/data"
cat > "$WORK/kafka/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$WORK/kafka/data
num.partitions=6
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
BROKER_CP=$(cat "$BROKER_CP_FILE")
CLUSTER_ID=$("$JAVA" -cp "$BROKER_CP" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
"$JAVA" -Xmx256m -cp "$BROKER_CP" kafka.tools.StorageTool format -t "$CLUSTER_ID" \
  -c "$WORK/kafka/server.properties" > "$WORK/kafka-format.log" 2>&1
"$JAVA" -Xmx384m -cp "$BROKER_CP" kafka.Kafka "$WORK/kafka/server.properties" > "$WORK/kafka.log" 2>&1 &
PIDS+=($!)
KAFKA_PID=$!
for _ in $(seq 1 60); do (echo > /dev/tcp/127.0.0.1/$KAFKA_PORT) 2>/dev/null && break; sleep 1; done
start_trackflow cluster "$CLUSTER_PORT" TRACKFLOW_KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT" \
  TRACKFLOW_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
CLUSTER_PID=$LAST_PID
run "Kafka + Redis" "http://127.0.0.1:$CLUSTER_PORT" pixel.lua "$CLUSTER_PID" "$KAFKA_PID" "$REDIS_PID"
run "Kafka + Redis" "http://127.0.0.1:$CLUSTER_PORT" beacon.lua "$CLUSTER_PID" "$KAFKA_PID" "$REDIS_PID"
curl -s "http://127.0.0.1:$CLUSTER_PORT/metrics" | grep -E '^trackflow_collector_hits_(accepted|lost|bot)_total|^trackflow_collector_dedup_fallback' > "$WORK/cluster.metrics" || true

echo
echo "standalone counters after its runs:"; cat "$WORK/standalone.metrics"
echo "Kafka + Redis counters after its runs:"; cat "$WORK/cluster.metrics"
echo
awk -F'|' '
  $2 ~ /bare/ { base[$3] = $4 }
  $2 !~ /bare/ { split($3, s, " "); printf "%-14s %-11s %5.1f%% of bare\n", $2, $3, 100 * $4 / base[$3] }
' "$RESULTS"
