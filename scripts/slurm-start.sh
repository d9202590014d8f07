#!/usr/bin/env bash
# Starts a single-node Slurm on this machine (Debian's slurm-wlm and munge, which
# scripts/test-setup.sh installs; needs root), for the Slurm tests. Does nothing when a cluster
# already answers. Idempotent; leaves the daemons running.
set -euo pipefail

node_up() { sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; }
if node_up; then
  echo "slurm: a cluster already answers, with a node up"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "slurm: not running, and starting it needs root (run this script as root)" >&2
  exit 1
fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  echo "slurm: slurm-wlm and munge are not installed (scripts/test-setup.sh installs them)" >&2
  exit 1
fi

host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))

# munge: a key of 1024 random bytes, owned by munge, read-only; the daemon runs as munge
mkdir -p /etc/munge /var/lib/munge /var/log/munge /run/munge
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown -R munge:munge /etc/munge /var/lib/munge /var/log/munge /run/munge
chmod 400 /etc/munge/munge.key
chmod 700 /etc/munge
if ! pgrep -x munged >/dev/null; then
  runuser -u munge -- /usr/sbin/munged
fi

mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=training-monitor-test
SlurmctldHost=${host}
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
SwitchType=switch/none
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmUser=root
SlurmdUser=root
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ReturnToService=2
MinJobAge=300
KillWait=5
NodeName=${host} CPUs=${cpus} RealMemory=${mem} State=UNKNOWN
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP
CONF

# a daemon that fails to start says why in its log: show it, never exit silently
start() {
  pgrep -x "$1" >/dev/null && return 0
  "/usr/sbin/$1" && return 0
  echo "slurm: $1 did not start; the end of /var/log/slurm/$1.log:" >&2
  tail -n 5 "/var/log/slurm/$1.log" >&2 || true
  exit 1
}
start slurmctld
start slurmd

for _ in $(seq 1 60); do
  if node_up; then
    echo "slurm: node ${host} is up ($(sinfo -h -o '%P %T'))"
    exit 0
  fi
  sleep 0.5
done
echo "slurm: the node did not come up; see /var/log/slurm/" >&2
sinfo >&2 || true
exit 1
