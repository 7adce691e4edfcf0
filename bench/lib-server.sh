# Shared by the benchmarks that run one `./drover server` on a temp data dir (sourced, not run):
# start_server waits for it to be ready, stop_server stops it and the pods it leaves running.
# The caller sets $tmp (its temp dir) and $bench (its name, for messages) and calls stop_server
# from its EXIT trap. The benchmarks that start their servers themselves use stop_pid, and
# cleanup_on_exit for their traps.

server_pid=""
server_prefix=() # a command the server runs under, e.g. (taskset -c 1)

stop_pid() { # SIGTERM, then SIGKILL after 15 s
  local pid="$1"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# cleanup_on_exit VAR...: on exit, and on INT or TERM (status 130, 143), stops the processes whose
# pids the variables VAR... hold by then, in that order, then etcd when lib-etcd.sh is sourced;
# removes $tmp; and exits with the script's status.
cleanup_vars=()
cleanup_on_exit() {
  cleanup_vars=("$@")
  trap run_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}
run_cleanup() {
  local rc=$? var
  trap - EXIT INT TERM
  for var in "${cleanup_vars[@]}"; do stop_pid "${!var}"; done
  if declare -F etcd_stop >/dev/null; then etcd_stop; fi
  rm -rf "$tmp"
  exit "$rc"
}

# start_server [SERVER OPTIONS...]: the server, as a user starts it (the launcher execs java, and
# taskset execs too, so $! is the JVM), on $tmp/data with free API and kubelet ports; its log is $tmp/server.log.
start_server() {
  mkdir -p "$tmp/data"
  "${server_prefix[@]}" ./drover server --data-dir "$tmp/data" --api-port 0 --kubelet-port 0 --bind-address 127.0.0.1 "$@" \
    >"$tmp/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 600); do
    grep -q 'drover API server ready at' "$tmp/server.log" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || {
      echo "$bench: server exited:" >&2
      grep -v "^\s*at " "$tmp/server.log" | grep -v INFO | head -12 >&2
      return 1
    }
    sleep 0.1
  done
  grep -q 'drover API server ready at' "$tmp/server.log" || { echo "$bench: server not ready after 60 s" >&2; return 1; }
  echo "$bench: $(grep -o 'drover API server ready at [^;]*' "$tmp/server.log")" >&2
}

stop_server() {
  local f pid cgroup dir
  local cgroups=()
  stop_pid "$server_pid"
  # A drover server leaves its pods running for the next start to adopt: stop what is left. A
  # task's pid leads its own process group (the process runtime starts it under setsid), so the
  # group goes too (nginx's workers).
  for f in $(find "$tmp/data/pods" -name handle.json 2>/dev/null); do
    pid=$(sed -n 's/.*"pid" *: *\([0-9]*\).*/\1/p' "$f")
    cgroup=$(sed -n 's/.*"cgroup" *: *"\([^"]*\)".*/\1/p' "$f")
    [ -n "$cgroup" ] && cgroups+=("$cgroup")
    [ -n "$pid" ] || continue
    kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
  done
  # And their cgroups (as root), which the next start would have reused; the kernel lets a cgroup
  # go once its last process is reaped.
  for cgroup in "${cgroups[@]}"; do
    for dir in /sys/fs/cgroup/drover/"$cgroup" /sys/fs/cgroup/*/drover/"$cgroup"; do
      [ -d "$dir" ] || continue
      for _ in $(seq 50); do rmdir "$dir" 2>/dev/null && break; sleep 0.1; done
    done
  done
}

# The runtime's per-pod monitors write a pod's exit status into $tmp once its task is gone, so the
# first attempt can race with them.
remove_tmp() {
  for _ in $(seq 50); do
    rm -rf "$tmp" 2>/dev/null && return 0
    sleep 0.1
  done
  rm -rf "$tmp"
}
