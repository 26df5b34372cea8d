#!/usr/bin/env bash
# Hostile traffic against standalone TrackFlow (the built jar) beside real traffic, and the same
# real traffic alone, on this machine in one run (loopback only), each phase on a fresh instance:
#   1. abuse: real traffic (pixel.lua and beacon.lua from bench/collector, DELAY_MS between hits on
#      each connection) while hostile.lua sends until HOSTILE_REQUESTS hostile requests are
#      answered and slowloris.mjs keeps SLOW slow clients connected; the phase lasts as long as
#      the hostile requests take (at most MAX_DURATION);
#   2. clean: the same real traffic alone, for as long as the abuse phase lasted.
# Reports the real traffic's requests/s, p50, p99 and non-2xx answers, TrackFlow's CPU and peak
# RSS in each phase, the hostile answers by status, what the slow clients saw, the 5xx TrackFlow
# counted itself (vertx_http_server_requests_total by code) and whether it was still ready.
# Usage: bench/abuse/run.sh             (needs server/target/trackflow.jar: ./trackflow build)
# Env:   HOSTILE_REQUESTS=1000000 HOSTILE_THREADS=2 HOSTILE_CONNECTIONS=64 REAL_CONNECTIONS=8
#        DELAY_MS=10 SLOW=500 WARMUP=10s MAX_DURATION=7200 NICE=-10 HOSTILE_NICE=10 JAR=... KEEP_LOGS=dir
set -euo pipefail

source "$(dirname "$0")/../collector/lib.sh"
ABUSE_DIR="$ROOT/bench/abuse"
HOSTILE_REQUESTS=${HOSTILE_REQUESTS:-1000000}
HOSTILE_THREADS=${HOSTILE_THREADS:-2}
HOSTILE_CONNECTIONS=${HOSTILE_CONNECTIONS:-64}
REAL_CONNECTIONS=${REAL_CONNECTIONS:-8}
DELAY_MS=${DELAY_MS:-10}
SLOW=${SLOW:-500}
MAX_DURATION=${MAX_DURATION:-7200}
# The attackers' machines are not the server's: on this one the hostile generator yields the CPU
# to TrackFlow and the real traffic, and floods with what is left.
HOSTILE_NICE=${HOSTILE_NICE:-10}
DONE_DIR="$WORK/done"
mkdir -p "$DONE_DIR"
export HOSTILE_REQUESTS HOSTILE_THREADS DELAY_MS DONE_DIR

# A gzip bomb: 100 MB of zeros in about 100 KB.
BOMB="$WORK/bomb.gz"
python3 -c 'import sys, zlib; c = zlib.compressobj(9, zlib.DEFLATED, 31); sys.stdout.buffer.write(c.compress(bytes(100_000_000)) + c.flush())' > "$BOMB"
export BOMB SITE=bench.example

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

server_5xx() { # url: 5xx answers TrackFlow counted itself so far
  curl -s "$1/metrics" | awk '/^vertx_http_server_requests_total\{/ && /code="5[0-9][0-9]"/ {s += $NF} END {print s + 0}'
}

watch_rss() { # pid file: samples the pid's RSS every second into the file until killed
  while kill -0 "$1" 2>/dev/null; do rss_mb "$1" >> "$2"; sleep 1; done
}

start_real() { # label url duration: pixel.lua and beacon.lua side by side, in the background
  local label=$1 url=$2 duration=$3
  for script in pixel beacon; do
    "${PRIO[@]}" wrk -t1 -c"$REAL_CONNECTIONS" -d"$duration" --latency -s "$BENCH_DIR/$script.lua" "$url" \
      > "$WORK/$label-$script.out" 2>&1 &
    REAL_PIDS+=($!)
    PIDS+=($!)
  done
}

report_real() { # label cpu% peak-rss: one table row per script
  local label=$1 cpu=$2 peak=$3
  for script in pixel beacon; do
    local out="$WORK/$label-$script.out"
    printf '| %s | %s | %s | %.0f | %s | %s | %s | %s%% | %s |\n' "$label" "$script" \
      "$(awk '/requests in/ {print $1}' "$out")" "$(awk '/Requests\/sec/ {print $2}' "$out")" \
      "$(awk '/^ +50%/ {print $2}' "$out")" "$(awk '/^ +99%/ {print $2}' "$out")" \
      "$(awk '/Non-2xx/ {print $5}' "$out" | grep . || echo 0)" "$cpu" "$peak" | tee -a "$RESULTS"
  done
}

phase() { # label hostile(yes|no) seconds (for the clean phase): runs one phase on a fresh TrackFlow
  local label=$1 hostile=$2 seconds=${3:-$MAX_DURATION}
  local port url pid before after start end cpu peak
  port=$(free_port)
  url="http://127.0.0.1:$port"
  start_trackflow "$label" "$port"
  pid=$LAST_PID
  for script in pixel.lua beacon.lua; do
    "${PRIO[@]}" wrk -t1 -c"$REAL_CONNECTIONS" -d"$WARMUP" -s "$BENCH_DIR/$script" "$url" > /dev/null
  done
  echo "$label: TrackFlow pid $pid on $url, RSS after warm-up $(rss_mb "$pid") MB; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  local fivexx_before
  fivexx_before=$(server_5xx "$url")
  : > "$WORK/rss-$label"
  watch_rss "$pid" "$WORK/rss-$label" &
  local watcher=$!
  before=$(cpu_ticks "$pid")
  start=$(date +%s.%N)
  REAL_PIDS=()
  if [ "$hostile" = yes ]; then
    start_real "$label" "$url" "${MAX_DURATION}s"
    TARGET="127.0.0.1:$port" CONNECTIONS=$SLOW INTERVAL_MS=2000 DURATION_S="$MAX_DURATION" \
      node "$ABUSE_DIR/slowloris.mjs" > "$WORK/slow.out" 2>&1 &
    local slow=$!
    PIDS+=("$slow")
    nice -n "$HOSTILE_NICE" wrk -t"$HOSTILE_THREADS" -c"$HOSTILE_CONNECTIONS" -d"${MAX_DURATION}s" --timeout 10s \
      -s "$ABUSE_DIR/hostile.lua" "$url" > "$WORK/hostile.out" 2>&1 &
    local flood=$!
    PIDS+=("$flood")
    # Each hostile thread leaves a file once it has its share of answers; wrk itself would run on
    # until -d, so it is interrupted then (it prints its summary on SIGINT), and so is the rest.
    while [ "$(ls "$DONE_DIR" | wc -l)" -lt "$HOSTILE_THREADS" ] && kill -0 "$flood" 2>/dev/null; do sleep 1; done
    kill -INT "$flood" "${REAL_PIDS[@]}" 2>/dev/null || true
    kill -TERM "$slow" 2>/dev/null || true
    wait "$flood" || true
    wait "$slow" || true
  else
    start_real "$label" "$url" "${seconds}s"
  fi
  for p in "${REAL_PIDS[@]}"; do wait "$p" || true; done
  end=$(date +%s.%N)
  after=$(cpu_ticks "$pid")
  kill "$watcher" 2>/dev/null || true
  PHASE_SECONDS=$(printf '%.0f' "$(echo "$end - $start" | bc)")
  cpu=$(echo "scale=0; 100 * ($after - $before) / $TICK / ($end - $start)" | bc)
  peak=$(sort -n "$WORK/rss-$label" | tail -1)
  report_real "$label" "$cpu" "$peak" > /dev/null
  {
    echo "$label: ${PHASE_SECONDS} s; 5xx counted by TrackFlow: $(( $(server_5xx "$url") - fivexx_before ));" \
      "ready after: $(curl -s -o /dev/null -w '%{http_code}' "$url/health/ready"); RSS after: $(rss_mb "$pid") MB"
    curl -s "$url/metrics" | grep -E '^trackflow_collector_hits_(received|accepted|lost|bot|duplicate|rejected)_total' \
      | awk '$NF > 0 {print "  " $0}' || true
  } >> "$WORK/summary.txt"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

echo "started $(date -u +%FT%TZ); load average $(cut -d' ' -f1-3 /proc/loadavg); priority $NICE" >&2
phase abuse yes
abuse_seconds=$PHASE_SECONDS
phase clean no "$abuse_seconds"
echo "finished $(date -u +%FT%TZ); load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

echo
echo "real traffic (wrk -t1 -c$REAL_CONNECTIONS, DELAY_MS=$DELAY_MS, pixel and beacon side by side), TrackFlow's CPU and peak RSS:"
echo "| phase | script | requests | requests/s | p50 | p99 | non-2xx | CPU | peak RSS MB |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
cat "$RESULTS"
echo
echo "hostile traffic (wrk -t$HOSTILE_THREADS -c$HOSTILE_CONNECTIONS, hostile.lua, $HOSTILE_REQUESTS answers wanted):"
sed -n '/hostile responses/,$p' "$WORK/hostile.out"
grep -E 'requests in|Socket errors|Requests/sec|Non-2xx' "$WORK/hostile.out" || true
cat "$WORK/slow.out"
echo
cat "$WORK/summary.txt"
