#!/usr/bin/env bash
# The API server benchmark: starts a real etcd and two drover servers (one on the embedded SQLite
# store, one on that etcd) on free loopback ports, runs bench/ApiBench.java against both over
# HTTPS (wrk for throughput and paced latency, the JDK client for the rest) and prints the results
# as a Markdown table on stdout (progress on stderr). Not part of
# `mvn test`.
#
#   bench/api-bench.sh [--quick]
#
# Environment:
#   BENCH_DIR  where the temporary data dirs go (default /tmp): the SQLite server's data dir, the
#              etcd server's data dir (its PKI and kubeconfig) and etcd's data dir, on one disk.
#   ETCD       the etcd binary (default: etcd on PATH, else /usr/bin/etcd).
#   DROVER_JAVA_OPTS  extra JVM options for the two servers, after the launcher's (default -Xmx1g).
#   API_BENCH_JAVA_OPTS  extra JVM options for the benchmark client (e.g. -Xlog:gc:file=...).
# Everything started here (etcd, both servers, the benchmark JVM) is stopped and the temp dir
# removed on exit, Ctrl-C or failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

# shellcheck source=lib-etcd.sh
. "$here/bench/lib-etcd.sh"
# shellcheck source=lib-server.sh
. "$here/bench/lib-server.sh" # for stop_pid and cleanup_on_exit
[ -x "$etcd_bin" ] || { echo "api-bench: etcd not found (set ETCD)" >&2; exit 1; }
# The creates/s, gets/s and paced phases run wrk (the Debian package wrk).
command -v wrk >/dev/null || { echo "api-bench: wrk not found (apt-get install wrk)" >&2; exit 1; }

# ./drover builds target/drover.jar when it is missing or stale; scripts/jdk.sh finds a JDK >= 21.
./drover --version >/dev/null
# shellcheck source=../scripts/jdk.sh
. "$here/scripts/jdk.sh"
java="$JAVA_HOME/bin/java"

tmp="$(mktemp -d "${BENCH_DIR:-/tmp}/api-bench.XXXXXX")"
sqlite_pid=""
etcdsrv_pid=""
java_pid=""
cleanup_on_exit java_pid sqlite_pid etcdsrv_pid

mkdir -p "$tmp/etcd" "$tmp/srv-sqlite" "$tmp/srv-etcd"
etcd_start "$tmp/etcd/data" "$tmp/etcd/etcd.log" api-bench

# Starts a drover server in the background the way users start it, through the launcher and its
# JVM flags (it execs the JVM, so $! is the JVM and SIGTERM reaches it).
start_server() {
  local dir="$1"; shift
  DROVER_JAVA_OPTS="${DROVER_JAVA_OPTS:--Xmx1g}" ./drover server \
    --data-dir "$dir" --api-port 0 --kubelet-port 0 --bind-address 127.0.0.1 "$@" >"$dir/server.log" 2>&1 &
  server_pid=$!
}
wait_ready() {
  local dir="$1" pid="$2"
  for _ in $(seq 600); do
    grep -q 'drover API server ready at' "$dir/server.log" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { echo "api-bench: server in $dir exited:" >&2; tail -20 "$dir/server.log" >&2; exit 1; }
    sleep 0.1
  done
  grep -q 'drover API server ready at' "$dir/server.log" || { echo "api-bench: server in $dir not ready after 60 s" >&2; tail -20 "$dir/server.log" >&2; exit 1; }
  echo "api-bench: $(grep -o 'drover API server ready at [^;]*' "$dir/server.log")" >&2
}
start_server "$tmp/srv-sqlite"; sqlite_pid=$server_pid
start_server "$tmp/srv-etcd" --datastore-endpoint "$etcd_url"; etcdsrv_pid=$server_pid
# ApiBench reads the CPU time of these processes from /proc (the etcd server's figure includes etcd).
echo "$sqlite_pid" >"$tmp/srv-sqlite/bench.pids"
echo "$etcdsrv_pid $etcd_pid" >"$tmp/srv-etcd/bench.pids"
wait_ready "$tmp/srv-sqlite" "$sqlite_pid"
wait_ready "$tmp/srv-etcd" "$etcdsrv_pid"

"$java" -Xmx1g ${API_BENCH_JAVA_OPTS:-} bench/ApiBench.java --target "sqlite=$tmp/srv-sqlite" --target "etcd=$tmp/srv-etcd" "$@" &
java_pid=$!
wait "$java_pid"
