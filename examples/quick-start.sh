#!/usr/bin/env bash
# The README's quick start in one command: starts `./drover server` on a temporary data dir, runs
# examples/hello.yaml (three replicas of `drover demo-app`), reaches a replica on its allocated
# port, reads its logs, execs into it, scales to 5, kills one replica's process with SIGKILL and
# watches it come back, then deletes everything and stops the server. Needs a JDK 21+, Maven (the
# launcher builds the jar on first use) and kubectl.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
command -v kubectl >/dev/null || { echo "quick-start: kubectl is not installed" >&2; exit 1; }

data="$(mktemp -d "${TMPDIR:-/tmp}/drover-quick-start.XXXXXX")"
server=""
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    # A server leaves its pods running for its next start: delete them before stopping it.
    kubectl delete -f examples/hello.yaml --ignore-not-found --wait=true >/dev/null 2>&1 || true
    for _ in $(seq 100); do [ -z "$(kubectl get pods -o name 2>/dev/null)" ] && break; sleep 0.2; done
    kill "$server"; wait "$server" 2>/dev/null || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT

./drover server --data-dir "$data" --api-port 0 --kubelet-port 0 >"$data/server.log" 2>&1 &
server=$!
for _ in $(seq 600); do grep -q "API server ready" "$data/server.log" && break; kill -0 "$server"; sleep 0.1; done
grep "API server ready" "$data/server.log" || { cat "$data/server.log" >&2; exit 1; }
export KUBECONFIG="$data/kubeconfig"

# The pod's main process: the one whose environment says it is that pod (HOSTNAME is the pod name).
pid_of() {
  local p
  for p in /proc/[0-9]*; do
    if tr '\0' '\n' 2>/dev/null <"$p/environ" | grep -qx "HOSTNAME=$1"; then echo "${p#/proc/}"; return; fi
  done
}
get() { # GET / on a local port, without curl
  exec 3<>"/dev/tcp/127.0.0.1/$1"
  printf 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
  sed -n '$p' <&3
  exec 3<&-
}

step kubectl apply -f examples/hello.yaml
step kubectl rollout status deployment/hello --timeout=180s
step kubectl get pods -o wide
pod=$(kubectl get pods -l app=hello -o jsonpath='{.items[0].metadata.name}')
port=$(kubectl get pod "$pod" -o jsonpath='{.metadata.annotations.drover\.io/host-ports}' | sed 's/.*=//')
echo "$pod listens on host port $port:"
get "$port"
step kubectl logs "$pod" --timestamps --tail=3
step kubectl exec "$pod" -- printenv HOSTNAME PORT
step kubectl scale deployment hello --replicas=5
step kubectl rollout status deployment/hello --timeout=180s
pid=$(pid_of "$pod")
step kill -9 "$pid"
step kubectl wait --for=jsonpath='{.status.containerStatuses[0].restartCount}'=1 "pod/$pod" --timeout=60s
step kubectl wait --for=condition=Ready "pod/$pod" --timeout=60s
step kubectl get pods -l app=hello
get "$port"
echo "quick start done: the replica came back on the same port"
