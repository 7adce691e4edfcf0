#!/usr/bin/env bash
# The workload benchmark: starts `./drover server` on a temp data dir and a free port, runs a
# plain shell loop that starts N-1 copies of a tiny app one after another (each waited on until it
# accepts a connection), then bench/WorkloadBench.java: the same app as a Deployment scaled
# 1 -> N, kill -9 of replicas, and the server's VmRSS with 0 and N pods. Prints a Markdown table
# on stdout (progress on stderr). Not part of `mvn test`.
#
#   bench/workload-bench.sh [--replicas N] [--kills K] [--readiness-probe]
#
# The tiny app is Python's http.server (not a JVM per replica), on $PORT when the node agent
# allocates one and on a free port (0) otherwise; both sides read its port from its first line.
# Environment:
#   BENCH_DIR  where the temp dir goes (default /tmp)
#   PYTHON     the interpreter (default /usr/bin/python3; a pyenv shim starts 20x slower)
# Everything started here (the server, the loop's processes, the pods) is stopped and the temp
# dir removed on exit, Ctrl-C or failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

replicas=100
for ((i = 1; i <= $#; i++)); do
  [ "${!i}" = "--replicas" ] && { j=$((i + 1)); replicas="${!j}"; }
done
python="${PYTHON:-/usr/bin/python3}"
[ -x "$python" ] || { echo "workload-bench: $python not found (set PYTHON)" >&2; exit 1; }
app="exec $python -u -m http.server \"\${PORT:-0}\" --bind 127.0.0.1"

# ./drover builds target/drover.jar when it is missing or stale; scripts/jdk.sh finds a JDK >= 21.
./drover --version >/dev/null
# shellcheck source=../scripts/jdk.sh
. "$here/scripts/jdk.sh"

tmp="$(mktemp -d "${BENCH_DIR:-/tmp}/workload-bench.XXXXXX")"
bench=workload-bench
# shellcheck source=lib-server.sh
. "$here/bench/lib-server.sh"
java_pid=""
stop_loop() {
  local pid
  [ -f "$tmp/loop/pids" ] || return 0
  while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$tmp/loop/pids"
  while read -r pid; do wait "$pid" 2>/dev/null || true; done <"$tmp/loop/pids"
  rm -f "$tmp/loop/pids"
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$java_pid"
  stop_loop
  stop_server
  remove_tmp
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "workload-bench: load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs" >&2

mkdir -p "$tmp/loop"
start_server

# The baseline: as many new processes as the scale-up starts, one after another, each polled
# every 10 ms (as WorkloadBench polls) until its port is printed and accepts a connection.
n=$((replicas - 1))
echo "workload-bench: shell loop starting $n processes" >&2
loop_start=$EPOCHREALTIME
for ((i = 0; i < n; i++)); do
  t0=$EPOCHREALTIME
  PORT=0 sh -c "$app" >"$tmp/loop/$i.log" 2>&1 &
  echo $! >>"$tmp/loop/pids"
  until port=$(sed -n 's/^Serving HTTP on [^ ]* port \([0-9]*\).*/\1/p' "$tmp/loop/$i.log" 2>/dev/null) && [ -n "$port" ] \
      && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    sleep 0.01
  done
  echo "start $(echo "$t0 $EPOCHREALTIME" | awk '{printf "%.1f", ($2 - $1) * 1000}')" >>"$tmp/baseline"
done
echo "total $(echo "$loop_start $EPOCHREALTIME" | awk '{printf "%.1f", ($2 - $1) * 1000}')" >>"$tmp/baseline"
stop_loop
echo "workload-bench: shell loop: $(sed -n 's/^total //p' "$tmp/baseline") ms" >&2

"$JAVA_HOME/bin/java" -Xmx512m -cp target/drover.jar bench/WorkloadBench.java --data-dir "$tmp/data" \
  --server-pid "$server_pid" --baseline "$tmp/baseline" --app "$app" "$@" &
java_pid=$!
wait "$java_pid"
java_pid=""
echo "workload-bench: load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
