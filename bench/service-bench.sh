#!/usr/bin/env bash
# The service proxy benchmark: starts `./drover server` on a temp data dir, 3 nginx pods behind a
# NodePort Service (bench/ServiceBench.java), and HAProxy (mode tcp, roundrobin) in front of the
# same 3 endpoints; then wrk, with the same threads, connections and duration, against
#   direct   one backend (the first endpoint)
#   drover   the Service's ClusterIP:port through the drover proxy
#   haproxy  HAProxy
# in rounds (direct, drover, haproxy, then haproxy, drover, direct, ...) so that a change in the
# machine's load hits all three alike; each path gets one warm-up run first (the JIT, the
# connection pools). Prints Markdown tables on stdout: the median requests/s and p99 over the
# rounds, and PASS/FAIL against issue #5's targets (throughput >= 0.95x HAProxy's, p99 <= 1.2x
# HAProxy's) judged on the median over the rounds of drover's figure divided by that of the
# HAProxy run next to it (on a shared machine the load changes more between rounds than between
# neighbours; the ratio of the medians is printed too).
# Progress on stderr. Not part of `mvn test`.
#
#   bench/service-bench.sh [--rounds R] [--duration SECONDS] [--connections C] [--threads T] [--pin]
#                          [--server-option OPTION]...
#
# --pin: the balancer under test (the drover server JVM, or HAProxy) on CPU 1, wrk and nginx on
# CPU 0, so each balancer gets one whole core and the client and backends the other (both need
# two CPUs); without it everything shares all CPUs.
# Needs wrk, haproxy and nginx (Debian: apt-get install wrk haproxy nginx-light).
# Environment:
#   BENCH_DIR  where the temp dir goes (default /tmp)
# Everything started here (the server, its pods, HAProxy) is stopped and the temp dir removed on
# exit, Ctrl-C or failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bench=service-bench

rounds=5
duration=10
connections=64
threads=2
pin=false
server_options=() # passed to drover server, e.g. --proxy-mode=nftables
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --pin) pin=true; shift ;;
    --server-option) server_options+=("$2"); shift 2 ;;
    *) echo "$bench: unknown argument $1" >&2; exit 2 ;;
  esac
done
for tool in wrk haproxy nginx; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] \
    || { echo "$bench: $tool not found (Debian: apt-get install wrk haproxy nginx-light)" >&2; exit 1; }
done
haproxy_bin="$(command -v haproxy || echo /usr/sbin/haproxy)"
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
if $pin && [ "$(nproc)" -lt 2 ]; then echo "$bench: --pin needs 2 CPUs" >&2; exit 1; fi

# ./drover builds target/drover.jar when it is missing or stale; scripts/jdk.sh finds a JDK >= 21.
./drover --version >/dev/null
# shellcheck source=../scripts/jdk.sh
. "$here/scripts/jdk.sh"
# shellcheck source=lib-server.sh
. "$here/bench/lib-server.sh"

tmp="$(mktemp -d "${BENCH_DIR:-/tmp}/service-bench.XXXXXX")"
haproxy_pid=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$haproxy_pid"
  stop_server
  remove_tmp
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "$bench: load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs" >&2

balancer_cpu=() client_cpu=()
if $pin; then
  balancer_cpu=(taskset -c 1) client_cpu=(taskset -c 0)
  # The JVM sizes the proxy's event loops (and its GC and JIT threads) from the CPUs it may use.
  server_prefix=(taskset -c 1)
fi

# A service CIDR of its own (10.1xx.0.0/16): as root the proxy routes the whole range to loopback,
# and another drover on this machine may use the default one. The DNS server takes a free port.
start_server --service-cidr "10.$((100 + RANDOM % 100)).0.0/16" --cluster-dns-port 0 "${server_options[@]}"
echo "$bench: $(grep -o 'service proxy started.*' "$tmp/server.log" | head -1)" >&2

# The backend: nginx with one worker, answering every GET with its own port (ServiceBench checks
# that the proxy reaches all three); a connection may carry any number of requests, so wrk's
# connections stay open on every path and the figures are about relaying, not connection set-up.
mkdir -p "$tmp/nginx"
backend="d=$tmp/nginx/\$PORT; mkdir -p \$d && cat >\$d/nginx.conf <<EOF && exec $nginx_bin -e stderr -p \$d -c \$d/nginx.conf
worker_processes 1; daemon off; pid \$d/nginx.pid; error_log stderr error;
events { worker_connections 4096; }
http {
  access_log off; keepalive_requests 1000000; keepalive_timeout 300s;
  client_body_temp_path \$d/body; proxy_temp_path \$d/proxy; fastcgi_temp_path \$d/fastcgi;
  uwsgi_temp_path \$d/uwsgi; scgi_temp_path \$d/scgi;
  server { listen \$PORT reuseport; location / { return 200 '\$PORT\n'; } }
}
EOF"
read -r service node_port ep1 ep2 ep3 haproxy_port < <("$JAVA_HOME/bin/java" -Xmx256m -cp target/drover.jar \
  bench/ServiceBench.java proxy --data-dir "$tmp/data" --backend "$backend")
[ -n "$haproxy_port" ] || { echo "$bench: the set-up failed (above)" >&2; exit 1; }
if $pin; then
  # The pods inherited the server's CPU; wrk's side of the machine is theirs.
  for f in $(find "$tmp/data/pods" -name handle.json); do
    pgid=$(sed -n 's/.*"pid" *: *\([0-9]*\).*/\1/p' "$f")
    for p in $(pgrep -g "$pgid"); do taskset -a -p -c 0 "$p" >/dev/null; done
  done
fi

cat >"$tmp/haproxy.cfg" <<EOF
global
  maxconn 4000
defaults
  mode tcp
  timeout connect 1s
  timeout client 300s
  timeout server 300s
listen bench
  bind 127.0.0.1:$haproxy_port
  balance roundrobin
  server b1 $ep1
  server b2 $ep2
  server b3 $ep3
EOF
"${balancer_cpu[@]}" "$haproxy_bin" -db -f "$tmp/haproxy.cfg" >"$tmp/haproxy.log" 2>&1 &
haproxy_pid=$!
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$haproxy_port") 2>/dev/null && break
  kill -0 "$haproxy_pid" 2>/dev/null || { echo "$bench: haproxy exited:" >&2; cat "$tmp/haproxy.log" >&2; exit 1; }
  sleep 0.1
done
echo "$bench: direct $ep1, drover $service (NodePort $node_port), haproxy 127.0.0.1:$haproxy_port" >&2

declare -A url=([direct]="http://$ep1/" [drover]="http://$service/" [haproxy]="http://127.0.0.1:$haproxy_port/")
paths=(direct drover haproxy)

# run PATH SECONDS OUT: one wrk run; OUT gets "requests/s p99-ms errors".
run() {
  "${client_cpu[@]}" wrk --latency -t "$threads" -c "$connections" -d "${2}s" "${url[$1]}" >"$tmp/wrk.out" 2>&1 \
    || { echo "$bench: wrk against $1 failed:" >&2; cat "$tmp/wrk.out" >&2; exit 1; }
  awk '
    /Requests\/sec:/ { rps = $2 }
    /^ +99%/ { v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
               p99 = unit == "us" ? v / 1000 : unit == "s" ? v * 1000 : unit == "m" ? v * 60000 : v }
    /Non-2xx|Socket errors/ { errors = errors $0 " " }
    END { printf "%s %.3f %s\n", rps, p99, (errors == "" ? "-" : "errors") }' "$tmp/wrk.out" >"$3"
  [ "$(cut -d' ' -f3 "$3")" = "-" ] || { echo "$bench: wrk against $1 saw errors:" >&2; cat "$tmp/wrk.out" >&2; exit 1; }
}

for p in "${paths[@]}"; do
  echo "$bench: warm-up $p (5 s)" >&2
  run "$p" 5 "$tmp/warmup.$p"
done
for ((r = 1; r <= rounds; r++)); do
  order=("${paths[@]}")
  ((r % 2)) || order=(haproxy drover direct) # drover and HAProxy next to each other, each first in turn
  for p in "${order[@]}"; do
    run "$p" "$duration" "$tmp/result.$p.$r"
    echo "$bench: round $r $p: $(awk '{printf "%.0f requests/s, p99 %.2f ms", $1, $2}' "$tmp/result.$p.$r")" >&2
  done
done
echo "$bench: load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# median FIELD PATH: the median over the rounds of one field (1 requests/s, 2 p99 ms).
median() {
  cat "$tmp"/result."$2".* | cut -d' ' -f"$1" | sort -g | awk '{ v[NR] = $1 } END {
    printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
declare -A rps p99
for p in "${paths[@]}"; do rps[$p]=$(median 1 "$p"); p99[$p]=$(median 2 "$p"); done

echo "wrk -t $threads -c $connections -d ${duration}s --latency, $rounds rounds, medians over the rounds;"
echo "CPU pinning: $($pin && echo "balancer on CPU 1, wrk and nginx on CPU 0" || echo none)."
echo
echo "| path | requests/s | p99 (ms) | requests/s per round |"
echo "|---|---:|---:|---|"
for p in "${paths[@]}"; do
  printf '| %s | %.0f | %.2f | %s |\n' "$p" "${rps[$p]}" "${p99[$p]}" \
    "$(cat "$tmp"/result."$p".* | awk '{ printf "%s%.0f", (NR > 1 ? ", " : ""), $1 }')"
done
# The paired ratios: drover's round against HAProxy's run right before or after it, which share
# the machine's load far better than runs a minute apart; the targets are judged on their median.
ratio() { # ratio FIELD: drover / haproxy per round, sorted, comma-separated
  for ((r = 1; r <= rounds; r++)); do
    paste -d' ' "$tmp/result.drover.$r" "$tmp/result.haproxy.$r" \
      | awk -v f="$1" '{ printf "%.3f\n", $(f) / $(f + 3) }'
  done | sort -g | paste -sd, -
}
rps_ratios=$(ratio 1)
p99_ratios=$(ratio 2)
med() { tr , '\n' <<<"$1" | awk '{ v[NR] = $1 } END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo
echo "drover / HAProxy per round (sorted): requests/s $rps_ratios; p99 $p99_ratios"
echo
awk -v t="$(med "$rps_ratios")" -v l="$(med "$p99_ratios")" \
  -v tm="$(awk -v a="${rps[drover]}" -v b="${rps[haproxy]}" 'BEGIN { printf "%.3f", a / b }')" \
  -v lm="$(awk -v a="${p99[drover]}" -v b="${p99[haproxy]}" 'BEGIN { printf "%.3f", a / b }')" 'BEGIN {
  print "| target | median of the paired ratios | ratio of the medians | result |"
  print "|---|---|---|---|"
  printf "| throughput >= 0.95x HAProxy | %.3fx | %.3fx | %s |\n", t, tm, (t >= 0.95 ? "PASS" : "**FAIL**")
  printf "| p99 <= 1.2x HAProxy | %.3fx | %.3fx | %s |\n", l, lm, (l <= 1.2 ? "PASS" : "**FAIL**")
}'
