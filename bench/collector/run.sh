#!/usr/bin/env bash
# Collector throughput, side by side in one run on this machine (loopback only, bounded):
#   1. a bare Vert.x server answering 204 (the baseline),
#   2. standalone TrackFlow (in-process queue, in-memory dedup, DuckDB; the writer keeps sessions),
#   3. TrackFlow with Kafka and Redis, all roles in one JVM (its writer consumes the topic into
#      DuckDB in the same process; broker and Redis on the same cores),
#   4. a collector-only process (TRACKFLOW_ROLES=collector) against the same Kafka and Redis,
#      publishing to a topic of its own that no writer consumes (writers run elsewhere in a
#      cluster), its site list in PostgreSQL (which idles during the measurement).
# All targets run at once; each gets a warm-up, then they are measured in alternating rounds.
# Usage: bench/collector/run.sh            (needs server/target/trackflow.jar: ./trackflow build)
# Env:   DURATION=15s WARMUP=10s ROUNDS=3 CONNECTIONS=64 NICE=-10 JAR=server/target/trackflow.jar
#        SCRIPTS="pixel.lua beacon.lua" (e.g. SCRIPTS=beacon.lua CONNECTIONS=256 for beacon capacity)
#        KEEP_LOGS=dir (copies every process log there at the end)
#        (as root every process of the run gets that scheduling priority, so background work on
#        a shared machine disturbs the comparison less; unprivileged runs keep the default)
set -euo pipefail

source "$(dirname "$0")/lib.sh"
[ -f "$BROKER_CP_FILE" ] || { echo "missing $BROKER_CP_FILE: build test-support first" >&2; exit 1; }

BARE_PORT=19101
STANDALONE_PORT=19102
CLUSTER_PORT=19103
REDIS_PORT=19104
KAFKA_PORT=19105
KAFKA_CONTROLLER_PORT=19106
COLLECTOR_PORT=19107
PG_PORT=19108

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
for script in ${SCRIPTS:-pixel.lua beacon.lua}; do
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
  curl -s "http://127.0.0.1:$port/metrics" | grep -E '^trackflow_collector_hits_(accepted|lost|bot)_total|^trackflow_collector_dedup_fallback_total|^trackflow_queue_size|^trackflow_collector_queue_errors_total|^trackflow_writer_rows_total' || true
done

median_table "bare Vert.x 204" standalone "Kafka + Redis, all roles" "Kafka + Redis, collector only"
