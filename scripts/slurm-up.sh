#!/usr/bin/env bash
# Brings up a single-node Slurm cluster from Debian's slurm-wlm and munge, for the scheduler tests and
# for trying the `--emit slurm` scripts: munged, slurmctld and slurmd started directly as daemons (no
# systemd), one node with all this machine's CPUs, every file (config, munge key and socket, spool,
# state, logs, pid files) in one fresh directory, on free ports, so it touches nothing of a system Slurm.
#
#   eval "$(scripts/slurm-up.sh [STATE_DIR])"   # prints export SLURM_CONF=... FER_SLURM_STATE=...
#   sbatch ...; squeue ...
#   scripts/slurm-down.sh "$FER_SLURM_STATE"    # stops exactly these daemons, removes the directory
#
# Needs root (slurmd runs jobs as their submitter) and `apt-get install slurm-wlm munge`. Exit codes:
# 0 up (the node is idle), 3 the tools are missing, 1 anything else (the daemons it started are stopped).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

for tool in munged slurmctld slurmd sbatch squeue sinfo; do
  if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
    echo "slurm-up: $tool is not installed (apt-get install -y slurm-wlm munge)" >&2
    exit 3
  fi
done
if [ "$(id -u)" -ne 0 ]; then
  echo "slurm-up: needs root (slurmd starts jobs as their user)" >&2
  exit 3
fi
PATH="$PATH:/usr/sbin"

state="${1:-$(mktemp -d /tmp/fer-slurm-XXXXXX)}"
mkdir -p "$state"
state="$(cd "$state" && pwd)"
mkdir -p "$state/munge" "$state/spool" "$state/state" "$state/log" "$state/run"
chmod 755 "$state"

# Stop what was started if anything below fails.
trap 'status=$?; if [ $status -ne 0 ]; then echo "slurm-up: failed; logs in $state/log" >&2; "$here/slurm-down.sh" --keep "$state" >&2 || true; fi' EXIT

# munge: its own key, socket and pid file, run as the munge user as its package intends.
if ! runuser -u munge -- test -x "$state"; then
  echo "slurm-up: the munge user cannot reach $state (a parent folder is not searchable by others, e.g. mode 700): use another folder" >&2
  exit 1
fi
chown munge:munge "$state/munge"
chmod 755 "$state/munge"  # the socket's directory must be searchable by all
head -c 1024 /dev/urandom >"$state/munge/munge.key"
chown munge:munge "$state/munge/munge.key"
chmod 400 "$state/munge/munge.key"
socket="$state/munge/munge.socket"
runuser -u munge -- munged --key-file="$state/munge/munge.key" --socket="$socket" \
  --pid-file="$state/munge/munged.pid" --log-file="$state/munge/munged.log" --seed-file="$state/munge/munged.seed"
cp "$state/munge/munged.pid" "$state/run/munged.pid"

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
host="$(hostname -s)"
cpus="$(nproc)"
mem="$(free -m | awk '/^Mem:/ { print int($7 * 0.9) }')"
ctld_port="$(free_port)"
slurmd_port="$(free_port)"
while [ "$slurmd_port" = "$ctld_port" ]; do slurmd_port="$(free_port)"; done

cat >"$state/slurm.conf" <<EOF
# Written by fer-bench scripts/slurm-up.sh: one node, everything under $state.
ClusterName=ferbench
SlurmctldHost=${host}(127.0.0.1)
SlurmctldPort=${ctld_port}
SlurmdPort=${slurmd_port}
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=${socket}
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
StateSaveLocation=${state}/state
SlurmdSpoolDir=${state}/spool
SlurmctldPidFile=${state}/run/slurmctld.pid
SlurmdPidFile=${state}/run/slurmd.pid
SlurmctldLogFile=${state}/log/slurmctld.log
SlurmdLogFile=${state}/log/slurmd.log
NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${mem} State=UNKNOWN
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$state/slurm.conf"

slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"

# Up when the node is idle (`idle*` means the controller cannot reach it: keep waiting).
for _ in $(seq 1 150); do
  if [ "$(sinfo -h -N -o '%T' 2>/dev/null | head -n1)" = "idle" ]; then
    trap - EXIT
    echo "export SLURM_CONF='$SLURM_CONF'"
    echo "export FER_SLURM_STATE='$state'"
    exit 0
  fi
  sleep 0.2
done
echo "slurm-up: the node did not become idle in 30 s: $(sinfo -h -N -o '%N %T %E' 2>&1)" >&2
exit 1
