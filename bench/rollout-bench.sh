#!/usr/bin/env bash
# The rollout benchmark (issue #6): starts `./drover server` on a temp data dir and free ports, runs
# a Deployment of N replicas of a tiny app behind a Service, and puts it under load through the
# Service's ClusterIP with wrk (fresh connection per request, so every request goes through the
# proxy's endpoint choice). It measures p99 latency before the rollout, then rolls every replica
# (`kubectl set env deployment/web VERSION=2`) under the same load, and prints a Markdown table on
# stdout (progress on stderr): failed requests (target 0), p99 during the rollout against before it
# (target <= 1.5x) and the rollout's total time against N x the app's start time (target <= 1x).
# It also reports the p99 of a neighbour: one more copy of the python app, started outside drover
# and loaded directly (no proxy) by its own wrk with the same pacing, which shows what a rollout
# does to the other programs on the machine (docs/BENCHMARKS.md, rollout section).
# Not part of `mvn test`.
#
#   bench/rollout-bench.sh [--replicas N] [--app python|demo] [--seconds S] [--pace-ms MS]
#                          [--server-option OPTION]...
#
# Load: wrk, 2 threads, 8 connections, each waiting MS ms (default 20) between its requests (wrk's
# delay(); latency counts from the request, not the wait), a steady rate below what the two cores
# can serve, so the p99 shows what the rollout adds rather than the queueing of a saturated
# machine; --pace-ms 0 saturates it.
#
# Apps (neither has a preStop hook):
#   python  bench/rollout-app.py (default): at SIGTERM it stops accepting but keeps its socket open
#           for a second, as Tomcat does, so a connection sent to it after SIGTERM fails; the proxy's
#           connect failover cannot hide it.
#   demo    `drover demo-app`: closes its socket at SIGTERM and finishes the requests in flight.
# The app's start time is measured outside drover: the median of 5 starts, from spawn to the first
# HTTP answer, polled every 10 ms.
# Environment: BENCH_DIR (default /tmp), PYTHON (default /usr/bin/python3; a pyenv shim is slow).
# Needs wrk and kubectl. Everything started here is stopped and the temp dir removed on exit.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

replicas=10
app=python
seconds=15
pace_ms=20
server_options=()
while [ $# -gt 0 ]; do
  case "$1" in
    --replicas) replicas="$2"; shift 2 ;;
    --app) app="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --pace-ms) pace_ms="$2"; shift 2 ;;
    --server-option) server_options+=("$2"); shift 2 ;;
    *) echo "rollout-bench: unknown argument $1 (expected --replicas N, --app python|demo, --seconds S, --pace-ms MS, --server-option OPTION)" >&2; exit 2 ;;
  esac
done
python="${PYTHON:-/usr/bin/python3}"
command -v wrk >/dev/null || { echo "rollout-bench: wrk not found (apt-get install -y wrk)" >&2; exit 1; }
command -v kubectl >/dev/null || { echo "rollout-bench: kubectl not found" >&2; exit 1; }
[ -x "$python" ] || { echo "rollout-bench: $python not found (set PYTHON)" >&2; exit 1; }

# ./drover builds target/drover.jar when it is missing or stale; scripts/jdk.sh finds a JDK >= 21.
./drover --version >/dev/null
# shellcheck source=../scripts/jdk.sh
. "$here/scripts/jdk.sh"

tmp="$(mktemp -d "${BENCH_DIR:-/tmp}/rollout-bench.XXXXXX")"
bench=rollout-bench
# shellcheck source=lib-server.sh
. "$here/bench/lib-server.sh"
wrk_pid=""
neighbour_pid=""
neighbour_wrk_pid=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$wrk_pid"
  stop_pid "$neighbour_wrk_pid"
  stop_pid "$neighbour_pid"
  stop_server
  remove_tmp
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "rollout-bench: load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs" >&2
start_server "${server_options[@]}"
echo "rollout-bench: $(grep -o 'service proxy started.*' "$tmp/server.log" | head -1)" >&2
export KUBECONFIG="$tmp/data/kubeconfig"

case "$app" in
  python)
    command_json="[\"$python\", \"$here/bench/rollout-app.py\", \"\$(PORT)\", \"version \$(VERSION)\"]"
    probe=/
    start_app() { exec "$python" "$here/bench/rollout-app.py" "$1" "version 1"; } ;;
  demo)
    command_json='["drover", "demo-app"]'
    probe=/healthz
    # The launcher the agent wrote for its pods: the same JVM and flags a replica gets.
    start_app() { PORT="$1" exec "$tmp/data/bin/drover" demo-app; } ;;
  *) echo "rollout-bench: --app $app (expected python or demo)" >&2; exit 2 ;;
esac

# The app's start time, outside drover. start_app execs, so that $! is the app itself and is stopped.
free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])'; }
for i in 1 2 3 4 5; do
  port=$(free_port)
  t0=$EPOCHREALTIME
  start_app "$port" >/dev/null 2>&1 &
  pid=$!
  until curl -s -o /dev/null "http://127.0.0.1:$port$probe"; do sleep 0.01; done
  echo "$t0 $EPOCHREALTIME" | awk '{printf "%.0f\n", ($2 - $1) * 1000}' >>"$tmp/starts"
  stop_pid "$pid"
done
start_ms=$(sort -n "$tmp/starts" | sed -n 3p)
echo "rollout-bench: $app starts in $start_ms ms (median of 5: $(sort -n "$tmp/starts" | tr '\n' ' '))" >&2

kubectl apply -f - >/dev/null <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: $replicas
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          command: $command_json
          env:
            - {name: VERSION, value: "1"}
          ports:
            - {name: http, containerPort: 8080}
          readinessProbe:
            httpGet: {path: $probe, port: http}
            periodSeconds: 1
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 8080, targetPort: http}
EOF
kubectl rollout status deployment/web --timeout=300s >/dev/null
ip=$(kubectl get service web -o jsonpath='{.spec.clusterIP}')
# Rootless the proxy serves the ClusterIP's 127.x twin (see ServiceAddresses).
ip route show table local 10.43.0.0/16 2>/dev/null | grep -q 10.43.0.0 || ip="127.${ip#*.}"
url="http://$ip:8080/"
until curl -s -o /dev/null "$url"; do sleep 0.1; done
echo "rollout-bench: $replicas replicas ready behind $url" >&2

printf 'function delay()\n  return %d\nend\n' "$pace_ms" >"$tmp/pace.lua"
wrk_args=(-t2 -c8 --latency -s "$tmp/pace.lua" -H 'Connection: close' "$url")
# The neighbour: the python app outside drover (whatever --app is), on a free port.
neighbour_port=$(free_port)
"$python" "$here/bench/rollout-app.py" "$neighbour_port" neighbour >/dev/null 2>&1 &
neighbour_pid=$!
until curl -s -o /dev/null "http://127.0.0.1:$neighbour_port/"; do sleep 0.01; done
neighbour_args=(-t1 -c2 --latency -s "$tmp/pace.lua" -H 'Connection: close' "http://127.0.0.1:$neighbour_port/")
wrk -d3s "${wrk_args[@]}" >/dev/null # warm-up
echo "rollout-bench: ${seconds}s of load before the rollout" >&2
wrk -d"${seconds}s" "${neighbour_args[@]}" >"$tmp/neighbour-before.txt" &
neighbour_wrk_pid=$!
wrk -d"${seconds}s" "${wrk_args[@]}" >"$tmp/before.txt"
wait "$neighbour_wrk_pid" || true

echo "rollout-bench: rolling update under load" >&2
# wrk itself in the background (not a function's subshell), so that its SIGINT reaches it: it then
# stops and prints what it measured.
wrk -d900s "${wrk_args[@]}" >"$tmp/during.txt" &
wrk_pid=$!
wrk -d900s "${neighbour_args[@]}" >"$tmp/neighbour-during.txt" &
neighbour_wrk_pid=$!
old_pods=$(kubectl get pods -l app=web -o name)
sleep 2
t0=$EPOCHREALTIME
kubectl set env deployment/web VERSION=2 >/dev/null
kubectl rollout status deployment/web --timeout=600s >/dev/null
t1=$EPOCHREALTIME
# Until the replaced pods are gone (stopped after their drain) and a little longer. One watching
# kubectl rather than a polling loop: each kubectl start costs tens of ms of CPU, load this
# benchmark would otherwise add to the rollout it measures.
# shellcheck disable=SC2086 # one argument per pod
kubectl wait --for=delete $old_pods --timeout=120s >/dev/null 2>&1 || true
sleep 2
kill -INT "$wrk_pid" "$neighbour_wrk_pid"
wait "$wrk_pid" || true
wait "$neighbour_wrk_pid" || true
wrk_pid=""
neighbour_wrk_pid=""
rollout_ms=$(echo "$t0 $t1" | awk '{printf "%.0f", ($2 - $1) * 1000}')

# wrk's figures: p99 in ms, requests, and failures (socket errors and non-2xx answers).
p99() { awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f", v }' "$1"; }
requests() { awk '/requests in/ { print $1 }' "$1"; }
failures() { awk '/Socket errors/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } /Non-2xx/ { n += $NF } END { print n + 0 }' "$1"; }
p99_before=$(p99 "$tmp/before.txt")
p99_during=$(p99 "$tmp/during.txt")
failed=$(failures "$tmp/during.txt")
ratio=$(awk -v a="$p99_during" -v b="$p99_before" 'BEGIN { printf "%.2f", a / b }')
time_ratio=$(awk -v r="$rollout_ms" -v s="$start_ms" -v n="$replicas" 'BEGIN { printf "%.2f", r / (n * s) }')
verdict() { [ "$1" = 1 ] && echo PASS || echo FAIL; } # 1: met
echo "rollout-bench: load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

echo "| rollout of $replicas replicas ($app app) | value | target | |"
echo "|---|---|---|---|"
echo "| failed requests during the rollout | $failed of $(requests "$tmp/during.txt") | 0 | $(verdict "$([ "$failed" -eq 0 ] && echo 1 || echo 0)") |"
echo "| p99 latency before / during | ${p99_before} ms / ${p99_during} ms (${ratio}x) | <= 1.5x | $(verdict "$(awk -v r="$ratio" 'BEGIN { print (r <= 1.5) }')") |"
echo "| neighbour outside drover (no proxy): p99 before / during | $(p99 "$tmp/neighbour-before.txt") ms / $(p99 "$tmp/neighbour-during.txt") ms | reported | |"
echo "| rollout time / ($replicas x app start ${start_ms} ms) | ${rollout_ms} ms (${time_ratio}x) | reported (the issue sets none; 1x = one replica after another with no probe) | |"
echo
echo "Load: wrk -t2 -c8, ${pace_ms} ms between a connection's requests, a new connection per request; server options: ${server_options[*]:-none};"
echo "$(requests "$tmp/before.txt") requests in the ${seconds} s before the rollout."
