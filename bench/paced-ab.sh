#!/usr/bin/env bash
# Interleaved A/B runs of paced ConfigMap creates, for a change that should move issue #3's create
# p99 at a fixed rate (api-bench.sh measures each build at half its own maximum, so a faster build
# is also measured at a higher rate). Each run starts a fresh server from one build's jar through a
# copy of the launcher (its JVM flags, plus -Xmx1g as in api-bench.sh and each build's extra JVM
# options), warms it up (3 rounds of 5 s closed-loop creates, more on etcd, then 5 s paced), then
# measures ROUNDS x 15 s of creates paced at RATE/s with wrk (bench/api-bench.lua, 2 threads, 32
# connections), and stops it.
#
#   bench/paced-ab.sh [--rate N] [--rounds R] [--repeat K] [--etcd] LABEL=JAR[@JAVA_OPTS]...
#
# Per measured round it prints the build's label, wrk's p99, the young collections (count, mean
# pause, from -Xlog:gc) and the server's CPU per create (the JVM's utime + stime from /proc, plus
# etcd's with --etcd). The builds run in the given order, K times over (default 2). Needs wrk, and
# etcd for --etcd. Example, this build against a saved jar with a JVM flag:
#
#   cp target/drover.jar /tmp/base.jar   # ... change, rebuild ...
#   bench/paced-ab.sh --rate 3000 base=/tmp/base.jar new=target/drover.jar@-XX:MaxGCPauseMillis=10
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
rate=3000 rounds=2 repeat=2 use_etcd=""
builds=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --etcd) use_etcd=1; shift ;;
    *=*) builds+=("$1"); shift ;;
    *) echo "paced-ab: unknown argument $1 (expected --rate N, --rounds R, --repeat K, --etcd, LABEL=JAR[@JAVA_OPTS])" >&2; exit 2 ;;
  esac
done
[ ${#builds[@]} -gt 0 ] || { echo "paced-ab: name at least one build as LABEL=JAR[@JAVA_OPTS]" >&2; exit 2; }
command -v wrk >/dev/null || { echo "paced-ab: needs wrk (Debian package wrk)" >&2; exit 1; }

tmp="$(mktemp -d "${BENCH_DIR:-/tmp}/drover-paced-ab.XXXXXX")"
# shellcheck source=lib-etcd.sh
. "$here/bench/lib-etcd.sh"
# shellcheck source=lib-server.sh
. "$here/bench/lib-server.sh" # for stop_pid and cleanup_on_exit; the servers here start from a launcher copy
cleanup_on_exit server_pid

# The body of every create: a ConfigMap with generateName and 1 KiB of data, as api-bench's.
printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"c-"},"data":{"k":"%s"}}' \
  "$(head -c 1024 /dev/zero | tr '\0' x)" > "$tmp/body.json"

cpu_ticks() { # utime + stime of each pid given
  local total=0 pid
  for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  echo "$total"
}

run_build() {
  local label="$1" jar="$2" opts="$3" run="$tmp/run"
  rm -rf "$run"; mkdir -p "$run/launcher/target" "$run/launcher/scripts"
  # The launcher finds its jar beside itself; in this copy nothing is stale, so it never rebuilds.
  cp drover "$run/launcher/"; cp scripts/jdk.sh "$run/launcher/scripts/"; cp "$jar" "$run/launcher/target/drover.jar"
  local extra=() pids=()
  if [ -n "$use_etcd" ]; then
    etcd_start "$run/etcd" "$run/etcd.log" paced-ab
    extra=(--datastore-endpoint "$etcd_url")
  fi
  DROVER_JAVA_OPTS="-Xmx1g $opts -Xlog:gc:file=$run/gc.log:uptime" "$run/launcher/drover" server \
    --data-dir "$run/data" --api-port 0 --kubelet-port 0 --bind-address 127.0.0.1 "${extra[@]}" \
    >"$run/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 600); do grep -q 'drover API server ready at' "$run/server.log" && break; sleep 0.1; done
  grep -q 'drover API server ready at' "$run/server.log" || { echo "paced-ab: $label not ready:" >&2; tail -20 "$run/server.log" >&2; exit 1; }
  local url token
  url=$(grep -o 'ready at https://[0-9.:]*' "$run/server.log" | sed 's/ready at //')
  token=$(awk '/token:/ {gsub(/"/, "", $2); print $2}' "$run/data/kubeconfig")
  export BENCH_TOKEN="$token" BENCH_BODY="$tmp/body.json" BENCH_THREADS=2 BENCH_MODE=create
  curl -sfk -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"paced"}}' "$url/api/v1/namespaces"
  local target="$url/api/v1/namespaces/paced/configmaps" k warmups=3
  [ -z "$use_etcd" ] || warmups=6 # the etcd path's code compiles later
  for k in $(seq "$warmups"); do BENCH_RATE=0 wrk -t2 -c16 -d5s -s bench/api-bench.lua "$target" >/dev/null; done
  BENCH_RATE="$rate" wrk -t2 -c32 -d5s -s bench/api-bench.lua "$target" >/dev/null
  pids=("$server_pid"); [ -n "$use_etcd" ] && pids+=("$etcd_pid")
  for k in $(seq "$rounds"); do
    local gc0 cpu0 cpu1 line requests p99 gc
    gc0=$(wc -l < "$run/gc.log")
    cpu0=$(cpu_ticks "${pids[@]}")
    line=$(BENCH_RATE="$rate" wrk -t2 -c32 -d15s -s bench/api-bench.lua "$target" | grep '^bench')
    cpu1=$(cpu_ticks "${pids[@]}")
    requests=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$line")
    p99=$(sed 's/.*p99_us=\([0-9]*\).*/\1/' <<<"$line")
    gc=$(tail -n +"$((gc0 + 1))" "$run/gc.log" | awk '/Pause Young/ {gsub(/ms/, "", $NF); n++; s += $NF}
      END {if (n) printf "%d young pauses, mean %.1f ms", n, s / n; else printf "no young pause"}')
    printf '%s: p99 %.1f ms at %s/s (%s requests); %s; server CPU per create %.3f ms\n' "$label" \
      "$(bc -l <<<"$p99 / 1000")" "$rate" "$requests" "$gc" \
      "$(bc -l <<<"($cpu1 - $cpu0) * 1000 / $(getconf CLK_TCK) / $requests")"
  done
  stop_pid "$server_pid"
  server_pid=""
  [ -z "$use_etcd" ] || etcd_stop
}

for _ in $(seq "$repeat"); do
  for build in "${builds[@]}"; do
    label="${build%%=*}" spec="${build#*=}"
    jar="${spec%%@*}" opts=""
    [ "$spec" != "$jar" ] && opts="${spec#*@}"
    [ -f "$jar" ] || { echo "paced-ab: no jar at $jar" >&2; exit 2; }
    run_build "$label" "$jar" "$opts"
  done
done
