# Shared by the bench scripts (sourced, not run): starts a single-member etcd on free loopback
# ports and stops it again. The caller owns the trap that calls etcd_stop.
#
#   . bench/lib-etcd.sh
#   etcd_start DATA_DIR LOG_FILE PREFIX   # sets etcd_pid and etcd_url; PREFIX labels error messages
#   etcd_stop                             # SIGTERM, then SIGKILL after 5 s; safe to call twice
#
# ETCD selects the binary (default: etcd on PATH, else /usr/bin/etcd).

etcd_pid=""
etcd_url=""
etcd_bin="${ETCD:-$(command -v etcd || echo /usr/bin/etcd)}"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

etcd_start() {
  local data_dir="$1" log="$2" prefix="$3"
  [ -x "$etcd_bin" ] || { echo "$prefix: etcd not found (set ETCD)" >&2; return 1; }
  local client_port peer_port client peer
  client_port=$(free_port)
  peer_port=$(free_port)
  while [ "$peer_port" = "$client_port" ]; do peer_port=$(free_port); done
  client="http://127.0.0.1:$client_port"
  peer="http://127.0.0.1:$peer_port"
  "$etcd_bin" --name bench --data-dir "$data_dir" \
    --listen-client-urls "$client" --advertise-client-urls "$client" \
    --listen-peer-urls "$peer" --initial-advertise-peer-urls "$peer" \
    --initial-cluster "bench=$peer" --initial-cluster-state new \
    --max-request-bytes 2097152 \
    >"$log" 2>&1 &
  etcd_pid=$!
  for _ in $(seq 100); do
    if curl -fsS "$client/health" 2>/dev/null | grep -q '"health":"true"'; then break; fi
    kill -0 "$etcd_pid" 2>/dev/null || { echo "$prefix: etcd exited:" >&2; tail -20 "$log" >&2; return 1; }
    sleep 0.1
  done
  curl -fsS "$client/health" | grep -q '"health":"true"' || { echo "$prefix: etcd not healthy" >&2; return 1; }
  etcd_url="$client"
  echo "$prefix: etcd $("$etcd_bin" --version | head -1 | awk '{print $3}') at $client, data in $data_dir" >&2
}

etcd_stop() {
  if [ -n "$etcd_pid" ] && kill -0 "$etcd_pid" 2>/dev/null; then
    kill "$etcd_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$etcd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$etcd_pid" 2>/dev/null || true
    wait "$etcd_pid" 2>/dev/null || true
  fi
  etcd_pid=""
}
