#!/usr/bin/env bash
# Stops the cluster of start.sh gracefully (SIGTERM: each node leaves and hands its shards over),
# members first and the seed, which hosts the journal, last.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="${LATTICE_LOCAL_DIR:-$here/run}"

stop() {
  local name="$1" pidfile="$dir/$1.pid"
  [ -f "$pidfile" ] || return 0
  local pid
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    local waited=0
    while kill -0 "$pid" 2>/dev/null; do
      if [ "$waited" -ge 120 ]; then
        echo "stop.sh: $name did not stop within 60 s; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.5
      waited=$((waited + 1))
    done
    echo "$name: stopped"
  fi
  rm -f "$pidfile"
}

stop worker
stop orch
stop seed
