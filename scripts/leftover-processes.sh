#!/usr/bin/env bash
# Usage: leftover-processes.sh RUN_TMP
# Lists (and then kills) the processes a test run left behind: pod task monitors, drover servers
# and etcd members whose data dirs are under RUN_TMP, the run's temp dir. Exits 1 when there were
# any, so a test that leaks a process fails the run even when every assertion passed.
set -uo pipefail
tmp="${1:?usage: leftover-processes.sh RUN_TMP}"
tmp="${tmp%/}"
patterns=(
  "drover-monitor ${tmp}/"                        # a pod task's monitor (its task dir is in the data dir)
  "io.drover.cli.Main server --data-dir ${tmp}/"  # a drover server child process
  "etcd .*${tmp}/"                                # an etcd member of EtcdProcess
)
found=0
sessions=()
for p in "${patterns[@]}"; do
  pids=$(pgrep -f -- "$p" | grep -vx "$$" || true)
  for pid in $pids; do
    echo "left running after the tests: $(ps -o pid=,args= -p "$pid" | cut -c1-200)"
    found=1
    # a monitor's task is its child leading a session of its own: report and kill those sessions too
    for child in $(pgrep -P "$pid" 2>/dev/null); do
      echo "  its child: $(ps -o pid=,args= -p "$child" | cut -c1-200)"
      sessions+=("$(ps -o sid= -p "$child" | tr -d ' ')")
    done
  done
done
if [ "$found" = 1 ]; then
  for p in "${patterns[@]}"; do pkill -KILL -f -- "$p" || true; done
  for sid in "${sessions[@]}"; do pkill -KILL -s "$sid" || true; done
  exit 1
fi
