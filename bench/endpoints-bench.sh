#!/usr/bin/env bash
# The endpoints benchmark: starts `./drover server --disable-agent` (the control plane: API server
# and controllers) on a temp data dir and a free port, then bench/EndpointsBench.java, which flips
# the Ready condition of pods behind a Service and measures how long until the Service's
# EndpointSlice shows each flip (p50/p99 over the flips; target p99 <= 100 ms). Prints a Markdown
# table on stdout (progress on stderr). Not part of `mvn test`.
#
#   bench/endpoints-bench.sh [--pods P] [--flips F]      (defaults: 5 pods, 50 flips)
#
# No node agent runs: the bench writes the pods' status itself, so what is measured is the
# endpoint controllers' path, not a probe's period. Environment: BENCH_DIR (default /tmp).
# The server is stopped and the temp dir removed on exit, Ctrl-C or failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

# ./drover builds target/drover.jar when it is missing or stale; scripts/jdk.sh finds a JDK >= 21.
./drover --version >/dev/null
# shellcheck source=../scripts/jdk.sh
. "$here/scripts/jdk.sh"

tmp="$(mktemp -d "${BENCH_DIR:-/tmp}/endpoints-bench.XXXXXX")"
server_pid=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 150); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "endpoints-bench: load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs" >&2
mkdir -p "$tmp/data"
./drover server --data-dir "$tmp/data" --api-port 0 --bind-address 127.0.0.1 --disable-agent \
  >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 600); do
  grep -q 'drover API server ready at' "$tmp/server.log" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { echo "endpoints-bench: server exited:" >&2; grep -v "^\s*at " "$tmp/server.log" | head -12 >&2; exit 1; }
  sleep 0.1
done
grep -q 'drover API server ready at' "$tmp/server.log" || { echo "endpoints-bench: server not ready after 60 s" >&2; exit 1; }
echo "endpoints-bench: $(grep -o 'drover API server ready at [^;]*' "$tmp/server.log")" >&2

"$JAVA_HOME/bin/java" -Xmx256m -cp target/drover.jar bench/EndpointsBench.java --kubeconfig "$tmp/data/kubeconfig" "$@"
echo "endpoints-bench: load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
