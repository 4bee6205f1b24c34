#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for testing and trying the job-array
# scripts (docs/CLUSTER.md). Debian slurm-wlm and munge (scripts/setup-debian.sh
# --test installs them); run as root.
#
#   scripts/slurm/local-cluster.sh start  [--dir DIR] [--port P]
#   scripts/slurm/local-cluster.sh status [--dir DIR]
#   scripts/slurm/local-cluster.sh stop   [--dir DIR]
#
# Everything lives in DIR (default /tmp/nelmsim-slurm, or $NELMSIM_SLURM_DIR):
# slurm.conf generated from `hostname -s` and `slurmd -C`, its own munge key,
# munged socket, PID and seed files (munged --socket/--key-file/--pid-file/
# --seed-file; the system munged, if any, is not touched), slurmctld state,
# slurmd spool, logs and the PID file of every daemon. slurmctld listens on port
# P and slurmd on P+1 (default 36817, or $NELMSIM_SLURM_PORT; the system Slurm
# uses 6817/6818), so an already-running system Slurm is not disturbed.
# Proctrack linuxproc, no task plugin, no accounting, select/cons_tres with
# cores as the consumable resource.
#
# `start` waits (bounded) until sinfo shows the node idle and prints the line
# that points the Slurm clients at this cluster:
#     export SLURM_CONF=DIR/slurm.conf
# `stop` cancels the cluster's jobs, stops the daemons by their recorded PIDs,
# and any process of the cluster still left (found by the marker
# NELMSIM_LOCAL_SLURM=DIR in its environment, or a slurmstepd with a file open
# in DIR, and its job's processes), then removes DIR. `status` exits 0 when all
# three daemons run, 3 when none does, 1 otherwise.
set -euo pipefail

prog=local-cluster.sh
die() { echo "$prog: $*" >&2; exit 1; }
usage() { sed -n '6,8s/^# \{0,3\}//p' "$0" >&2; exit 2; }

[ $# -ge 1 ] || usage
action=$1
shift
dir=${NELMSIM_SLURM_DIR:-/tmp/nelmsim-slurm}
port=${NELMSIM_SLURM_PORT:-36817}
while [ $# -gt 0 ]; do
    case $1 in
        --dir) [ $# -ge 2 ] || usage; dir=$2; shift 2 ;;
        --dir=*) dir=${1#--dir=}; shift ;;
        --port) [ $# -ge 2 ] || usage; port=$2; shift 2 ;;
        --port=*) port=${1#--port=}; shift ;;
        -h|--help) usage ;;
        *) echo "$prog: unknown option '$1'" >&2; usage ;;
    esac
done
case $action in start|stop|status) ;; *) usage ;; esac
case $port in ''|*[!0-9]*) die "--port needs a number (got '$port')" ;; esac
if [ "$port" -lt 1024 ] || [ "$port" -gt 65534 ]; then die "--port must be in 1024..65534"; fi
case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
dir=${dir%/}
if [ -z "$dir" ] || [ "$dir" = / ]; then die "refusing to use / as the state directory"; fi

conf=$dir/slurm.conf
marker=NELMSIM_LOCAL_SLURM=$dir
daemons=(munged slurmctld slurmd)

pidfile() { echo "$dir/run/$1.pid"; }

# The PID of daemon $1 if it is alive and is that program, else nothing.
live_pid() {
    local f pid comm
    f=$(pidfile "$1")
    [ -r "$f" ] || return 0
    pid=$(tr -dc '0-9' <"$f")
    [ -n "$pid" ] || return 0
    comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 0
    [ "$comm" = "$1" ] && running "$pid" && echo "$pid"
    return 0
}

# PIDs of this cluster's processes, whatever their name: those carrying its
# marker in their environment (the daemons and slurmscriptd), every
# slurmstepd with a file open in DIR (its slurmd.log; slurmd does not pass
# its environment on), and the children of those slurmstepd (job scripts).
marked_pids() {
    local e pid f comm hit steps=()
    for e in /proc/[0-9]*; do
        pid=${e#/proc/}
        if [ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ]; then continue; fi
        comm=$(cat 2>/dev/null "$e/comm") || continue
        hit=
        if tr '\0' '\n' 2>/dev/null <"$e/environ" | grep -qxF -- "$marker"; then
            hit=1
        elif [ "$comm" = slurmstepd ]; then
            for f in "$e"/fd/*; do
                case $(readlink "$f" 2>/dev/null) in "$dir"/*) hit=1; break ;; esac
            done
        fi
        [ -n "$hit" ] || continue
        echo "$pid"
        [ "$comm" != slurmstepd ] || steps+=("$pid")
    done
    [ ${#steps[@]} -gt 0 ] || return 0
    # their descendants, from a table of (pid, parent pid)
    for e in /proc/[0-9]*; do
        awk -v pid="${e#/proc/}" '$1 == "PPid:" { print pid, $2 }' 2>/dev/null <"$e/status" || true
    done | awk -v roots="${steps[*]}" '
        { parent[$1] = $2 }
        END {
            n = split(roots, r, " ")
            for (i = 1; i <= n; i++) mark[r[i]] = 1
            do {
                grew = 0
                for (p in parent)
                    if (!(p in mark) && (parent[p] in mark)) { mark[p] = 1; grew = 1; print p }
            } while (grew)
        }'
}

# Process $1 exists and is not a zombie (PID 1 of a container may be slow to
# reap the orphans).
running() {
    local st
    st=$(awk '$1 == "State:" { print $2 }' 2>/dev/null <"/proc/$1/status") || return 1
    [ -n "$st" ] && [ "$st" != Z ]
}

port_in_use() { # port: something accepts connections on 127.0.0.1:port
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

show_logs() {
    local f
    for f in "$dir"/log/*.log; do
        [ -s "$f" ] || continue
        echo "--- $f (last 25 lines)" >&2
        tail -n 25 "$f" >&2
    done
}

stop_cluster() {
    local pids=() d pid i alive
    if [ ! -d "$dir" ]; then
        echo "$prog: no cluster in $dir"
        return 0
    fi
    # Cancel this cluster's jobs first, so their steps end cleanly.
    if [ -n "$(live_pid slurmctld)" ] && [ -r "$conf" ]; then
        SLURM_CONF=$conf timeout 10 scancel --quiet --full --user=root >/dev/null 2>&1 || true
        for i in $(seq 1 20); do
            [ -z "$(SLURM_CONF=$conf timeout 5 squeue -h -o %i 2>/dev/null)" ] && break
            sleep 0.5
        done
    fi
    for d in slurmd slurmctld munged; do
        pid=$(live_pid "$d")
        [ -z "$pid" ] || pids+=("$pid")
    done
    while read -r pid; do
        case " ${pids[*]} " in *" $pid "*) ;; *) pids+=("$pid") ;; esac
    done < <(marked_pids)
    if [ ${#pids[@]} -gt 0 ]; then
        kill -TERM "${pids[@]}" 2>/dev/null || true
        # slurmstepd ignores SIGTERM
        for pid in "${pids[@]}"; do
            [ "$(cat 2>/dev/null "/proc/$pid/comm")" != slurmstepd ] || kill -KILL "$pid" 2>/dev/null || true
        done
        for i in $(seq 1 50); do
            alive=()
            for pid in "${pids[@]}"; do
                ! running "$pid" || alive+=("$pid")
            done
            [ ${#alive[@]} -gt 0 ] || break
            sleep 0.2
        done
        if [ ${#alive[@]} -gt 0 ]; then
            echo "$prog: still running after SIGTERM, killing: ${alive[*]}" >&2
            kill -KILL "${alive[@]}" 2>/dev/null || true
            sleep 0.5
        fi
        echo "$prog: stopped ${pids[*]}"
    fi
    pids=()
    while read -r pid; do
        [ -z "$pid" ] || pids+=("$pid")
    done < <(marked_pids)
    [ ${#pids[@]} -eq 0 ] || die "processes of $dir still running: ${pids[*]}"
    rm -rf -- "$dir"
    echo "$prog: removed $dir"
}

status_cluster() {
    local d pid up=0
    for d in "${daemons[@]}"; do
        pid=$(live_pid "$d")
        if [ -n "$pid" ]; then
            echo "$d: running, pid $pid"
            up=$((up + 1))
        else
            echo "$d: not running"
        fi
    done
    if [ "$up" -gt 0 ] && [ -n "$(live_pid slurmctld)" ]; then
        SLURM_CONF=$conf timeout 10 sinfo -N -o '%N %P %T %c %m' || true
        echo "export SLURM_CONF=$conf"
    fi
    [ "$up" -eq ${#daemons[@]} ] && return 0
    [ "$up" -eq 0 ] && return 3
    return 1
}

start_cluster() {
    local d prog_path host nodeline keyfile state i reason
    [ "$(id -u)" -eq 0 ] || die "must run as root (slurmd and munged need it)"
    for d in munged slurmctld slurmd sinfo scontrol squeue scancel; do
        prog_path=$(command -v "$d" 2>/dev/null || true)
        [ -n "$prog_path" ] || [ -x "/usr/sbin/$d" ] ||
            die "$d not found: install slurm-wlm and munge (scripts/setup-debian.sh --test)"
    done
    PATH=$PATH:/usr/sbin:/sbin
    for d in "${daemons[@]}"; do
        [ -z "$(live_pid "$d")" ] || die "a cluster is already running in $dir ($d); stop it first"
    done
    for i in "$port" $((port + 1)); do
        ! port_in_use "$i" || die "port $i is in use: choose others with --port"
    done

    rm -rf -- "$dir"
    # munged wants its socket directory, and every directory above it,
    # searchable by all; the key's directory stays private.
    mkdir -p -- "$dir"
    chmod 0711 "$dir"
    mkdir -m 0700 "$dir/munge" "$dir/run" "$dir/log" "$dir/state" "$dir/spool"
    mkdir -m 0755 "$dir/socket"
    # The munge socket path must fit in sockaddr_un (108 bytes).
    [ ${#dir} -le 80 ] || die "state directory path too long for the munge socket: $dir"

    host=$(hostname -s)
    [ -n "$host" ] || die "hostname -s printed nothing"
    # e.g. NodeName=vm CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=24105
    nodeline=$(slurmd -C 2>/dev/null | grep '^NodeName=' | head -n 1) || true
    [ -n "$nodeline" ] || die "slurmd -C printed no NodeName line"
    nodeline=$(printf '%s\n' "$nodeline" | sed "s/^NodeName=[^ ]*/NodeName=$host/")

    keyfile=$dir/munge/munge.key
    (umask 077 && dd if=/dev/urandom of="$keyfile" bs=1024 count=1 status=none)
    chmod 0400 "$keyfile"

    cat >"$conf" <<EOF
# Generated by scripts/slurm/local-cluster.sh: a one-node test cluster.
# Clients: export SLURM_CONF=$conf
ClusterName=nelmsim-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/socket/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/slurmd-%n
SlurmctldPidFile=$(pidfile slurmctld)
SlurmdPidFile=$(pidfile slurmd)
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=600
KillWait=5
InactiveLimit=0
$nodeline NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

    # The marker lets `stop` find every process of this cluster (slurmstepd
    # inherits slurmd's environment), and SLURM_CONF is passed explicitly.
    env "$marker" munged \
        --socket="$dir/socket/munge.socket" \
        --key-file="$keyfile" \
        --pid-file="$(pidfile munged)" \
        --seed-file="$dir/munge/munged.seed" \
        --log-file="$dir/log/munged.log" ||
        { show_logs; die "munged did not start (log above)"; }
    for i in $(seq 1 50); do
        [ -S "$dir/socket/munge.socket" ] && [ -n "$(live_pid munged)" ] && break
        sleep 0.1
    done
    [ -S "$dir/socket/munge.socket" ] || { show_logs; stop_quiet; die "munged socket did not appear"; }

    env "$marker" SLURM_CONF="$conf" slurmctld -f "$conf" -c ||
        { show_logs; stop_quiet; die "slurmctld did not start (log above)"; }
    env "$marker" SLURM_CONF="$conf" slurmd -f "$conf" -N "$host" ||
        { show_logs; stop_quiet; die "slurmd did not start (log above)"; }

    # Bounded wait for the node to be idle.
    state=
    for i in $(seq 1 60); do
        state=$(SLURM_CONF=$conf timeout 5 sinfo -h -N -n "$host" -o %T 2>/dev/null || true)
        [ "$state" = idle ] && break
        for d in "${daemons[@]}"; do
            [ -n "$(live_pid "$d")" ] || { show_logs; stop_quiet; die "$d exited during start (log above)"; }
        done
        sleep 1
    done
    if [ "$state" != idle ]; then
        reason=$(SLURM_CONF=$conf timeout 5 scontrol show node "$host" 2>&1 || true)
        show_logs
        echo "$reason" >&2
        stop_quiet
        die "node $host not idle after 60 s (state '${state:-none}')"
    fi
    {
        for d in "${daemons[@]}"; do echo "$d $(live_pid "$d")"; done
    } >"$dir/run/pids"
    echo "$prog: one-node cluster '$host' up in $dir (slurmctld port $port, slurmd $((port + 1)))"
    for d in "${daemons[@]}"; do echo "$prog: $d pid $(live_pid "$d")"; done
    echo "$prog: stop it with: $0 stop --dir $dir"
    echo "export SLURM_CONF=$conf"
}

stop_quiet() { stop_cluster >/dev/null 2>&1 || true; }

case $action in
    start) start_cluster ;;
    stop) stop_cluster ;;
    status) status_cluster ;;
esac
