#!/usr/bin/env bash
# Stops the daemons scripts/slurm-up.sh started in STATE_DIR, by the pids in their pid files (slurmd,
# slurmctld, munged: never by name, so another Slurm on the machine is left alone), waits until they
# have exited, then removes STATE_DIR (unless --keep).
#
#   scripts/slurm-down.sh [--keep] STATE_DIR
set -uo pipefail
keep=0
if [ "${1:-}" = "--keep" ]; then keep=1; shift; fi
state="${1:?usage: slurm-down.sh [--keep] STATE_DIR}"
if [ ! -f "$state/slurm.conf" ] && [ ! -d "$state/run" ]; then
  echo "slurm-down: $state is not a directory made by slurm-up.sh" >&2
  exit 2
fi

stop() {
  local name="$1" file="$state/run/$1.pid" pid
  [ -f "$file" ] || return 0
  pid="$(tr -dc '0-9' <"$file")"
  [ -n "$pid" ] || return 0
  # Only a process that is this daemon (the pid may have been reused since).
  if [ -r "/proc/$pid/comm" ] && [ "$(cat "/proc/$pid/comm")" = "$name" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$file"
}

stop slurmd
stop slurmctld
stop munged
if [ "$keep" -eq 0 ]; then rm -rf "$state"; fi
exit 0
