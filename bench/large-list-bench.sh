#!/usr/bin/env bash
# The large-list benchmark: a list far larger than the server's heap. Starts `./drover server` with a
# small heap (temp data dir, free ports), creates ConfigMaps of a given size with wrk until there
# are at least N, then lists them whole three times (plain JSON, then as a Table, what `kubectl get`
# asks for) and in pages of 500 (kubectl's chunk size), and prints a Markdown table on stdout
# (progress on stderr). Not part of `mvn test`.
#
#   bench/large-list-bench.sh [--heap 256m] [--objects 40000] [--bytes 4000] [--etcd]
#
# The reference, measured in the same run, is the same list read in pages of 500; the ratio is the
# whole list's median time over the paged one's. The server's resident memory is read after the
# lists. Everything started here is stopped and the temp dir removed on exit, Ctrl-C or failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bench=large-list-bench
heap=256m
objects=40000
bytes=4000
use_etcd=""
while [ $# -gt 0 ]; do
  case "$1" in
    --heap) heap="$2"; shift 2 ;;
    --objects) objects="$2"; shift 2 ;;
    --bytes) bytes="$2"; shift 2 ;;
    --etcd) use_etcd=1; shift ;;
    *) echo "$bench: unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "$bench: wrk not found (apt-get install wrk)" >&2; exit 1; }

# shellcheck source=lib-server.sh
. "$here/bench/lib-server.sh"
server_options=()
if [ -n "$use_etcd" ]; then
  # shellcheck source=lib-etcd.sh
  . "$here/bench/lib-etcd.sh"
fi
./drover --version >/dev/null # builds target/drover.jar when it is missing or stale

tmp="$(mktemp -d "${BENCH_DIR:-/tmp}/large-list-bench.XXXXXX")"
cleanup_on_exit server_pid
if [ -n "$use_etcd" ]; then
  etcd_start "$tmp/etcd" "$tmp/etcd.log" "$bench"
  server_options=(--datastore-endpoint "$etcd_url")
fi
DROVER_JAVA_OPTS="-Xmx$heap" start_server "${server_options[@]}"
url=$(sed -n 's/ *server: *//p' "$tmp/data/kubeconfig" | tr -d '"')
token=$(cat "$tmp/data/pki/admin.token")
configmaps="$url/api/v1/namespaces/default/configmaps"
table='application/json;as=Table;v=v1;g=meta.k8s.io,application/json'

python3 -c "import json,sys; print(json.dumps({'apiVersion': 'v1', 'kind': 'ConfigMap',
  'metadata': {'generateName': 'big-'}, 'data': {'value': 'x' * int(sys.argv[1])}}))" "$bytes" >"$tmp/body.json"

count() { # objects stored, from one item and remainingItemCount
  curl -sk -H "Authorization: Bearer $token" "$configmaps?limit=1" | python3 -c '
import json, sys
m = json.load(sys.stdin)["metadata"]
print(m.get("remainingItemCount", 0) + 1)'
}
echo "$bench: creating $objects ConfigMaps of $bytes bytes" >&2
while [ "$(count)" -lt "$objects" ]; do
  BENCH_TOKEN="$token" BENCH_MODE=create BENCH_BODY="$tmp/body.json" \
    wrk -t2 -c16 -d3s -s bench/api-bench.lua "$configmaps" >/dev/null
done
stored=$(count)

# list ACCEPT: prints "seconds status bytes" of one whole list
list() {
  curl -sk -o /dev/null -w '%{time_total} %{http_code} %{size_download}\n' \
    -H "Authorization: Bearer $token" -H "Accept: $1" "$configmaps"
}
# paged: prints "seconds pages items" of the list read in pages of 500
paged() {
  python3 - "$configmaps" "$token" <<'PY'
import json, ssl, sys, time, urllib.parse, urllib.request
url, token = sys.argv[1], sys.argv[2]
context = ssl._create_unverified_context()
start, pages, items, token_next = time.monotonic(), 0, 0, ""
while True:
    query = "?limit=500" + ("&continue=" + urllib.parse.quote(token_next) if token_next else "")
    request = urllib.request.Request(url + query, headers={"Authorization": "Bearer " + token})
    page = json.load(urllib.request.urlopen(request, context=context))
    pages, items = pages + 1, items + len(page["items"])
    token_next = page["metadata"].get("continue")
    if not token_next:
        break
print(f"{time.monotonic() - start:.3f} {pages} {items}")
PY
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "$bench: listing $stored objects" >&2
for _ in 1 2 3; do list application/json; done >"$tmp/whole"
for _ in 1 2 3; do list "$table"; done >"$tmp/table"
for _ in 1 2 3; do paged; done >"$tmp/paged"
rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")
ooms=$(grep -c OutOfMemoryError "$tmp/server.log" || true)

whole_s=$(cut -d' ' -f1 "$tmp/whole" | median)
table_s=$(cut -d' ' -f1 "$tmp/table" | median)
paged_s=$(cut -d' ' -f1 "$tmp/paged" | median)
store_name=SQLite; [ -n "$use_etcd" ] && store_name=etcd
cat <<EOF
| $store_name, heap $heap, $stored ConfigMaps of $bytes bytes | result |
|---|---|
| whole list: status, MiB, seconds (3 runs) | $(awk '{printf "%s%s %.1f %.2f", (NR>1?"; ":""), $2, $3/1048576, $1}' "$tmp/whole") |
| as a Table: status, MiB, seconds | $(awk '{printf "%s%s %.1f %.2f", (NR>1?"; ":""), $2, $3/1048576, $1}' "$tmp/table") |
| reference, pages of 500: seconds, pages, items | $(awk '{printf "%s%.2f %d %d", (NR>1?"; ":""), $1, $2, $3}' "$tmp/paged") |
| whole list / paged, medians | $(awk -v a="$whole_s" -v b="$paged_s" 'BEGIN {printf "%.2fx", a/b}') |
| Table / paged, medians | $(awk -v a="$table_s" -v b="$paged_s" 'BEGIN {printf "%.2fx", a/b}') |
| server RSS after the lists | $((rss_kib / 1024)) MiB |
| OutOfMemoryError in the server log | $ooms |
EOF
