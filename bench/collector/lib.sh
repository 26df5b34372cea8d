# Shared by the collector benchmarks (run.sh, compare.sh): settings, process bookkeeping, a
# TrackFlow launcher, one measured wrk run, and the median table. Sourced, not run.
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

cleanup() {
  if [ -n "${KEEP_LOGS:-}" ]; then mkdir -p "$KEEP_LOGS" && cp "$WORK"/*.log "$KEEP_LOGS"/ 2>/dev/null || true; fi
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

[ -f "$JAR" ] || { echo "missing $JAR: run ./trackflow build first" >&2; exit 1; }

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
    "${PRIO[@]}" "$JAVA" -Xmx1g ${TARGET_JAVA_OPTS:-} -jar "${TARGET_JAR:-$JAR}" > "$WORK/$name.log" 2>&1 &
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


median_table() { # targets in display order; ratios are taken against the "bare ..." target
echo
echo "median of $ROUNDS rounds (requests/s; p50 and p99 of the median round):"
echo "| target | script | requests/s | % of bare | p50 | p99 | non-2xx | CPU (server side) | RSS MB (server side) |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
python3 - "$RESULTS" "$@" <<'PY'
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
    for target in sys.argv[2:]:
        if (script, target) not in groups:
            continue
        m = median_row(groups[(script, target)])
        pct = 100 * float(m[2]) / base[script]
        print(f"| {target} | {script} | {m[2]} | {pct:.0f}% | {m[3]} | {m[4]} | {m[5]} | {m[6]} | {m[7]} |")
PY
}
