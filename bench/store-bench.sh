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

# shellcheck source=lib-etcd.sh
. "$here/bench/lib-etcd.sh"
# shellcheck source=lib-server.sh
. "$here/bench/lib-server.sh" # for cleanup_on_exit
[ -x "$etcd_bin" ] || { echo "store-bench: etcd not found (set ETCD)" >&2; exit 1; }

# ./drover builds target/drover.jar when it is missing or stale; scripts/jdk.sh finds a JDK >= 21.
./drover --version >/dev/null
# shellcheck source=../scripts/jdk.sh
. "$here/scripts/jdk.sh"
java="$JAVA_HOME/bin/java"

tmp="$(mktemp -d "${BENCH_DIR:-/tmp}/store-bench.XXXXXX")"
java_pid=""
cleanup_on_exit java_pid

mkdir -p "$tmp/etcd" "$tmp/sqlite"
etcd_start "$tmp/etcd/data" "$tmp/etcd/etcd.log" store-bench
client="$etcd_url"

"$java" --enable-native-access=ALL-UNNAMED -Xmx1g -cp target/drover.jar bench/StoreBench.java \
  --sqlite-dir "$tmp/sqlite" --etcd "$client" "$@" &
java_pid=$!
wait "$java_pid"
