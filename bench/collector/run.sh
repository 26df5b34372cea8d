#!/usr/bin/env bash
# Collector throughput, side by side in one run on this machine (loopback only, bounded):
#   1. a bare Vert.x server answering 204 (the baseline),
#   2. standalone TrackFlow (in-process queue, in-memory dedup/sessions, DuckDB),
#   3. TrackFlow with Kafka and Redis, all roles in one JVM (its writer consumes the topic into
#      DuckDB in the same process; broker and Redis on the same cores),
#   4. a collector-only process (TRACKFLOW_ROLES=collector) against the same Kafka and Redis,
#      publishing to a topic of its own that no writer consumes (writers run elsewhere in a
#      cluster), its site list in PostgreSQL (which idles during the measurement).
# All targets run at once; each gets a warm-up, then they are measured in alternating rounds.
# Usage: bench/collector/run.sh            (needs server/target/trackflow.jar: ./trackflow build)
# Env:   DURATION=15s WARMUP=10s ROUNDS=3 CONNECTIONS=64 NICE=-10 JAR=server/target/trackflow.jar
#        KEEP_LOGS=dir (copies every process log there at the end)
#        (as root every process of the run gets that scheduling priority, so background work on
#        a shared machine disturbs the comparison less; unprivileged runs keep the default)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH_DIR="$ROOT/bench/collector"
export BENCH_DIR
JAR="${JAR:-$ROOT/server/target/trackflow.jar}"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-10s}
CONNECTIONS=${CONNECTIONS:-64}
NICE=${NICE:--10}
[ "$(id -u)" = 0 ] || NICE=0
PRIO=(nice -n "$NICE")
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
COLLECTOR_PORT=19107
PG_PORT=19108

cleanup() {
  if [ -n "${KEEP_LOGS:-}" ]; then mkdir -p "$KEEP_LOGS" && cp "$WORK"/*.log "$KEEP_LOGS"/ 2>/dev/null || true; fi
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

start_trackflow() { # name port [env...]  (creates the bench site unless SEED=no)
  local name=$1 port=$2
  shift 2
  env TRACKFLOW_HTTP_HOST=127.0.0.1 TRACKFLOW_HTTP_PORT="$port" TRACKFLOW_DATA_DIR="$WORK/$name" \
    TRACKFLOW_ADMIN_EMAIL=bench@example.com TRACKFLOW_ADMIN_PASSWORD=bench-password-1 \
    TRACKFLOW_TRUSTED_PROXIES=127.0.0.1 TRACKFLOW_LOG_LEVEL=WARN "$@" \
    "${PRIO[@]}" "$JAVA" -Xmx1g -jar "$JAR" > "$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  LAST_PID=$!
  wait_for "http://127.0.0.1:$port/health/ready" 400
  if [ "${SEED:-yes}" = yes ]; then create_site "$port"; fi
  wait_for_site "$port"
}

create_site() { # port
  local port=$1 token
  token=$(curl -sf -X POST -H 'Content-Type: application/json' \
    -d '{"email":"bench@example.com","password":"bench-password-1"}' \
    "http://127.0.0.1:$port/api/auth/login" | sed -E 's/.*"token":"([^"]+)".*/\1/')
  curl -sf -o /dev/null -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"domain":"bench.example","timezone":"UTC"}' "http://127.0.0.1:$port/api/sites"
}

wait_for_site() { # port: the collector picks a new site up from its change signal or its 5 s refresh
  local port=$1
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
  local before after start end
  before=$(cpu_ticks "$@")
  start=$(date +%s.%N)
  "${PRIO[@]}" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$BENCH_DIR/$script" "$url" > "$WORK/wrk.out"
  end=$(date +%s.%N)
  after=$(cpu_ticks "$@")
  local rps p50 p99 errors cpu
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.out")
  p50=$(awk '/^ +50%/ {print $2}' "$WORK/wrk.out")
  p99=$(awk '/^ +99%/ {print $2}' "$WORK/wrk.out")
  errors=$(awk '/Non-2xx/ {print $5}' "$WORK/wrk.out")
  cpu=$(echo "scale=0; 100 * ($after - $before) / $TICK / ($end - $start)" | bc)
  printf '| %s | %s | %.0f | %s | %s | %s | %s%% | %s |\n' "$label" "$script" "$rps" "$p50" "$p99" \
    "${errors:-0}" "$cpu" "$(rss_mb "$@")" | tee -a "$RESULTS" >&2
}

# Everything starts first; then the targets are measured in alternating rounds, so a change in
# the machine's background load falls on all of them alike. The median round is reported.
"${PRIO[@]}" "$JAVA" -cp "$JAR" "$BENCH_DIR/BareServer.java" "$BARE_PORT" > "$WORK/bare.log" 2>&1 &
PIDS+=($!)
BARE_PID=$!
for _ in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$BARE_PORT/" && break; sleep 1; done

start_trackflow standalone "$STANDALONE_PORT"
STANDALONE_PID=$LAST_PID

"${PRIO[@]}" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
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
"${PRIO[@]}" "$JAVA" -Xmx384m -cp "$BROKER_CP" kafka.Kafka "$WORK/kafka/server.properties" > "$WORK/kafka.log" 2>&1 &
PIDS+=($!)
KAFKA_PID=$!
for _ in $(seq 1 60); do (echo > /dev/tcp/127.0.0.1/$KAFKA_PORT) 2>/dev/null && break; sleep 1; done
# PostgreSQL holds the accounts of both cluster targets: a collector without the query role reads
# its site list from there. It runs as the postgres account (it refuses root).
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
mkdir -p "$WORK/pg"
chmod 755 "$WORK"
if [ "$(id -u)" = 0 ]; then chown postgres "$WORK/pg"; AS_PG=(runuser -u postgres --); else AS_PG=(); fi
"${AS_PG[@]}" "$PG_BIN/initdb" -D "$WORK/pg/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
  > "$WORK/pg-init.log" 2>&1
"${PRIO[@]}" "${AS_PG[@]}" "$PG_BIN/postgres" -D "$WORK/pg/data" -p "$PG_PORT" -k "$WORK/pg" \
  -c listen_addresses=127.0.0.1 -c fsync=off > "$WORK/pg.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break; sleep 1; done
PG_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"

start_trackflow cluster "$CLUSTER_PORT" TRACKFLOW_KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT" \
  TRACKFLOW_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" TRACKFLOW_PG_URL="$PG_URL"
CLUSTER_PID=$LAST_PID
SEED=no start_trackflow collector "$COLLECTOR_PORT" TRACKFLOW_ROLES=collector \
  TRACKFLOW_KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT" TRACKFLOW_KAFKA_TOPIC=trackflow.bench-collector-only \
  TRACKFLOW_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" TRACKFLOW_PG_URL="$PG_URL"
COLLECTOR_PID=$LAST_PID

ROUNDS=${ROUNDS:-3}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); priority $NICE"
for script in pixel.lua beacon.lua; do
  for target in bare standalone cluster collector; do # warm-up (JIT, caches)
    case $target in
      bare) port=$BARE_PORT ;; standalone) port=$STANDALONE_PORT ;; cluster) port=$CLUSTER_PORT ;;
      collector) port=$COLLECTOR_PORT ;;
    esac
    "${PRIO[@]}" wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" -s "$BENCH_DIR/$script" "http://127.0.0.1:$port" > /dev/null
  done
  for round in $(seq 1 "$ROUNDS"); do
    run "bare Vert.x 204" "http://127.0.0.1:$BARE_PORT" "$script" "$BARE_PID"
    run "standalone" "http://127.0.0.1:$STANDALONE_PORT" "$script" "$STANDALONE_PID"
    run "Kafka + Redis, all roles" "http://127.0.0.1:$CLUSTER_PORT" "$script" "$CLUSTER_PID" "$KAFKA_PID" "$REDIS_PID"
    run "Kafka + Redis, collector only" "http://127.0.0.1:$COLLECTOR_PORT" "$script" "$COLLECTOR_PID" "$KAFKA_PID" "$REDIS_PID"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
for port in "$STANDALONE_PORT" "$CLUSTER_PORT" "$COLLECTOR_PORT"; do
  echo "counters of :$port after its runs:"
  curl -s "http://127.0.0.1:$port/metrics" | grep -E '^trackflow_collector_hits_(accepted|lost|bot)_total|^trackflow_collector_(dedup|sessions)_fallback_total|^trackflow_queue_size|^trackflow_collector_queue_errors_total|^trackflow_writer_rows_total' || true
done

echo
echo "median of $ROUNDS rounds (requests/s; p50 and p99 of the median round):"
echo "| target | script | requests/s | % of bare | p50 | p99 | non-2xx | CPU (server side) | RSS MB (server side) |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
python3 - "$RESULTS" <<'PY'
import sys, statistics
rows = [l.strip().strip('|').split('|') for l in open(sys.argv[1]) if l.startswith('|')]
rows = [[c.strip() for c in r] for r in rows]
groups = {}
for r in rows:
    groups.setdefault((r[1], r[0]), []).append(r)
def median_row(rs):
    rs = sorted(rs, key=lambda r: float(r[2]))
    return rs[len(rs) // 2]
base = {}
for (script, target), rs in groups.items():
    if target.startswith('bare'):
        base[script] = float(median_row(rs)[2])
for script in ['pixel.lua', 'beacon.lua']:
    for target in ['bare Vert.x 204', 'standalone', 'Kafka + Redis, all roles', 'Kafka + Redis, collector only']:
        if (script, target) not in groups:
            continue
        m = median_row(groups[(script, target)])
        pct = 100 * float(m[2]) / base[script]
        print(f"| {target} | {script} | {m[2]} | {pct:.0f}% | {m[3]} | {m[4]} | {m[5]} | {m[6]} | {m[7]} |")
PY
