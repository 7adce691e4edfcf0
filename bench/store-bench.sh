#!/usr/bin/env bash
# The store benchmark: runs bench/StoreBench.java against the embedded SQLite backend and a real
# etcd started here, in one run, and prints the results as a Markdown table on stdout (progress
# on stderr). Not part of `mvn test`.
#
#   bench/store-bench.sh [--quick]
#
# Environment:
#   BENCH_DIR  where the temporary SQLite file and etcd data dir go (default /tmp); both live on
#              the same disk so the durable-write figures compare like with like.
#   ETCD       the etcd binary (default: etcd on PATH, else /usr/bin/etcd).
# Everything started here (etcd, the JVM) is stopped and the temp dir removed on exit, Ctrl-C or
# failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

etcd_bin="${ETCD:-$(command -v etcd || echo /usr/bin/etcd)}"
[ -x "$etcd_bin" ] || { echo "store-bench: etcd not found (set ETCD)" >&2; exit 1; }

# ./drover builds target/drover.jar when it is missing or stale; scripts/jdk.sh finds a JDK >= 21.
./drover --version >/dev/null
# shellcheck source=../scripts/jdk.sh
. "$here/scripts/jdk.sh"
java="$JAVA_HOME/bin/java"

tmp="$(mktemp -d "${BENCH_DIR:-/tmp}/store-bench.XXXXXX")"
etcd_pid=""
java_pid=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$java_pid" ] && kill -0 "$java_pid" 2>/dev/null; then
    kill "$java_pid" 2>/dev/null || true
    wait "$java_pid" 2>/dev/null || true
  fi
  if [ -n "$etcd_pid" ] && kill -0 "$etcd_pid" 2>/dev/null; then
    kill "$etcd_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$etcd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$etcd_pid" 2>/dev/null || true
    wait "$etcd_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
client_port=$(free_port)
peer_port=$(free_port)
while [ "$peer_port" = "$client_port" ]; do peer_port=$(free_port); done
client="http://127.0.0.1:$client_port"
peer="http://127.0.0.1:$peer_port"

mkdir -p "$tmp/etcd" "$tmp/sqlite"
"$etcd_bin" --name bench --data-dir "$tmp/etcd/data" \
  --listen-client-urls "$client" --advertise-client-urls "$client" \
  --listen-peer-urls "$peer" --initial-advertise-peer-urls "$peer" \
  --initial-cluster "bench=$peer" --initial-cluster-state new \
  --max-request-bytes 2097152 \
  >"$tmp/etcd/etcd.log" 2>&1 &
etcd_pid=$!

for _ in $(seq 100); do
  if curl -fsS "$client/health" 2>/dev/null | grep -q '"health":"true"'; then break; fi
  kill -0 "$etcd_pid" 2>/dev/null || { echo "store-bench: etcd exited:" >&2; tail -20 "$tmp/etcd/etcd.log" >&2; exit 1; }
  sleep 0.1
done
curl -fsS "$client/health" | grep -q '"health":"true"' || { echo "store-bench: etcd not healthy" >&2; exit 1; }
echo "store-bench: etcd $("$etcd_bin" --version | head -1 | awk '{print $3}') at $client, data in $tmp" >&2

"$java" --enable-native-access=ALL-UNNAMED -Xmx1g -cp target/drover.jar bench/StoreBench.java \
  --sqlite-dir "$tmp/sqlite" --etcd "$client" "$@" &
java_pid=$!
wait "$java_pid"
