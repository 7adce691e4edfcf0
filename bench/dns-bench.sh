#!/usr/bin/env bash
# The cluster DNS benchmark: starts `./drover server` on a temp data dir (its DNS server on a free
# port), creates Services in several namespaces (bench/ServiceBench.java: 10 Services with two
# named ports in each of 5 namespaces) and runs dnsperf against the DNS server with a query file of
# their names: an A question for <svc>.<ns>.svc.cluster.local and an SRV question for
# _http._tcp.<svc>.<ns>.svc.cluster.local per Service, in turn. Prints a Markdown table on stdout
# with PASS/FAIL against issue #5's target (>= 20,000 queries/s); progress on stderr. Not part of
# `mvn test`.
#
#   bench/dns-bench.sh [--duration SECONDS] [--clients C] [--outstanding Q] [--rounds R]
#
# Each round is one dnsperf run of --duration seconds (default 20) with C sockets (default 4) and up
# to Q queries in flight (default 100, dnsperf's); a 5 s warm-up run comes first (the JIT).
# Needs dnsperf (Debian: apt-get install dnsperf).
# Environment:
#   BENCH_DIR  where the temp dir goes (default /tmp)
# Everything started here is stopped and the temp dir removed on exit, Ctrl-C or failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bench=dns-bench

duration=20
clients=4
outstanding=100
rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --outstanding) outstanding="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "$bench: unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v dnsperf >/dev/null 2>&1 || { echo "$bench: dnsperf not found (Debian: apt-get install dnsperf)" >&2; exit 1; }

# ./drover builds target/drover.jar when it is missing or stale; scripts/jdk.sh finds a JDK >= 21.
./drover --version >/dev/null
# shellcheck source=../scripts/jdk.sh
. "$here/scripts/jdk.sh"
# shellcheck source=lib-server.sh
. "$here/bench/lib-server.sh"

tmp="$(mktemp -d "${BENCH_DIR:-/tmp}/dns-bench.XXXXXX")"
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_server
  remove_tmp
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "$bench: load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs" >&2
start_server --cluster-dns-address 127.0.0.1 --cluster-dns-port 0
dns="$(sed -n 's/.*cluster DNS for [^ ]* on \/\([0-9.]*:[0-9]*\) .*/\1/p' "$tmp/server.log" | head -1)"
[ -n "$dns" ] || { echo "$bench: the server runs no cluster DNS (log: $tmp/server.log)" >&2; exit 1; }
echo "$bench: cluster DNS at $dns" >&2

"$JAVA_HOME/bin/java" -Xmx256m -cp target/drover.jar bench/ServiceBench.java dns --data-dir "$tmp/data" \
  --dns "$dns" --queries "$tmp/queries"
echo "$bench: $(wc -l <"$tmp/queries") queries in the file ($(grep -c ' A$' "$tmp/queries") A, $(grep -c ' SRV$' "$tmp/queries") SRV)" >&2

# run SECONDS OUT: one dnsperf run; OUT gets "queries/s average-latency-ms lost-percent".
run() {
  dnsperf -s "${dns%:*}" -p "${dns##*:}" -d "$tmp/queries" -l "$1" -c "$clients" -q "$outstanding" \
    >"$tmp/dnsperf.out" 2>&1 || { echo "$bench: dnsperf failed:" >&2; cat "$tmp/dnsperf.out" >&2; exit 1; }
  awk '
    /Queries per second:/ { qps = $4 }
    /Average Latency/ { lat = $4 * 1000 }
    /Queries lost:/ { lost = $4; gsub(/[()%]/, "", lost) }
    END { printf "%s %.3f %s\n", qps, lat, lost }' "$tmp/dnsperf.out" >"$2"
  grep -q 'Response codes: *NOERROR [0-9]* (100.00%)' "$tmp/dnsperf.out" \
    || { echo "$bench: answers other than NOERROR:" >&2; grep 'Response codes' "$tmp/dnsperf.out" >&2; exit 1; }
}

echo "$bench: warm-up (5 s)" >&2
run 5 "$tmp/warmup"
for ((r = 1; r <= rounds; r++)); do
  run "$duration" "$tmp/result.$r"
  echo "$bench: round $r: $(awk '{printf "%.0f queries/s, average latency %.3f ms, %s%% lost", $1, $2, $3}' "$tmp/result.$r")" >&2
done
echo "$bench: load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

median() { # median FIELD
  cat "$tmp"/result.* | cut -d' ' -f"$1" | sort -g | awk '{ v[NR] = $1 } END {
    printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
qps=$(median 1)
echo "dnsperf -l $duration -c $clients -q $outstanding, $rounds rounds, medians over the rounds:"
echo
echo "| measurement | figure |"
echo "|---|---:|"
printf '| queries/s | %.0f |\n' "$qps"
printf '| queries/s per round | %s |\n' "$(awk '{ printf "%s%.0f", (NR > 1 ? ", " : ""), $1 }' "$tmp"/result.*)"
printf '| average latency (ms) | %.3f |\n' "$(median 2)"
printf '| queries lost (%%) | %.2f |\n' "$(median 3)"
echo
echo "| target | figure | result |"
echo "|---|---|---|"
awk -v q="$qps" 'BEGIN { printf "| >= 20,000 queries/s for cluster names | %.0f | %s |\n", q, (q >= 20000 ? "PASS" : "**FAIL**") }'
