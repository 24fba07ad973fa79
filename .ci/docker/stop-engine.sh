#!/usr/bin/env bash
# Stop the private Docker engine that start-engine.sh started from STATE_DIR and
# clean up after it, so nothing of it is left running or mounted.
# Usage: stop-engine.sh STATE_DIR
# Idempotent: does nothing harmful when no engine runs or STATE_DIR is gone.
# Only processes tied to STATE_DIR are touched (by PID), never by name.
set -uo pipefail   # no -e: every step is best effort and the next must still run

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 STATE_DIR" >&2
    exit 2
fi
log() { echo "stop-engine: $*" >&2; }

if [ ! -d "$1" ]; then
    log "nothing to do: $1 does not exist"
    exit 0
fi
STATE_DIR=$(cd "$1" && pwd -P)
SOCK="$STATE_DIR/docker.sock"
PIDFILE="$STATE_DIR/dockerd.pid"
export DOCKER_HOST="unix://$SOCK"
unset DOCKER_CONTEXT

# A killed process whose parent does not reap it stays a zombie: not running.
alive() {
    [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
    [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# Send TERM, wait up to $2 seconds, then KILL.
stop_pid() {
    local pid=$1 grace=$2 i
    alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < grace * 10; i++)); do
        alive "$pid" || return 0
        sleep 0.1
    done
    log "pid $pid ignored TERM for ${grace} s: KILL"
    kill -KILL "$pid" 2>/dev/null
    sleep 0.2
}

# PIDs of our containerd and its shims (their command lines name our exec
# root's containerd config/socket) and of our containers' processes (their
# cgroup path holds the id of one of our containers; /proc/PID/root cannot tell,
# it reads "/" from outside the container's mount namespace).
# A few greps over /proc, not a fork per process.
# Container ids are read once, before the data root is removed.
CIDS=()
if [ -d "$STATE_DIR/data/containers" ]; then
    mapfile -t CIDS < <(find "$STATE_DIR/data/containers" -mindepth 1 -maxdepth 1 -type d -printf '%f\n')
fi
pids_of_state_dir() {
    local pid
    {
        grep -laF -- "$STATE_DIR/exec/containerd/" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3
        if [ ${#CIDS[@]} -gt 0 ]; then
            grep -lF "${CIDS[@]/#/-e}" /proc/[0-9]*/cgroup 2>/dev/null | cut -d/ -f3
        fi
    } | sort -un | while read -r pid; do
        # Skip ourselves, the grep that just matched its own command line, and
        # zombies (dead, waiting for PID 1 to reap them).
        [ "$pid" != "$$" ] && alive "$pid" && echo "$pid"
    done
}

# After a KILL the kernel still needs a moment to tear a process down.
survivors() {
    local i left
    for ((i = 0; i < 50; i++)); do
        left=$(pids_of_state_dir)
        if alive "$pid"; then left="dockerd $pid $left"; fi
        [ -z "$left" ] && return 0
        sleep 0.1
    done
    echo "$left"
}

# --- 1. containers, removed through the engine while it still answers -------
pid=$(cat "$PIDFILE" 2>/dev/null || true)
if alive "$pid" && [ -S "$SOCK" ]; then
    ids=$(timeout 5 docker ps -aq 2>/dev/null || true)
    if [ -n "$ids" ]; then
        log "removing containers: $(tr '\n' ' ' <<<"$ids")"
        # shellcheck disable=SC2086
        timeout 30 docker rm -f -v $ids >/dev/null 2>&1 || log "could not remove every container"
    fi
fi

# --- 2. dockerd, by the PID in its pidfile ------------------------------------
if alive "$pid" && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ]; then
    log "stopping dockerd pid $pid"
    stop_pid "$pid" 15
else
    log "no dockerd running from $STATE_DIR"
fi

# --- 3. containerd spawned by dockerd, shims, container processes -------------
# dockerd stops its own containerd on a clean exit; after a KILL they linger.
cpid=$(cat "$STATE_DIR/exec/containerd/containerd.pid" 2>/dev/null || true)
if alive "$cpid" && [ "$(cat "/proc/$cpid/comm" 2>/dev/null)" = containerd ]; then
    log "stopping leftover containerd pid $cpid"
    stop_pid "$cpid" 5
fi
left=$(pids_of_state_dir)
if [ -n "$left" ]; then
    log "killing leftover processes: $(tr '\n' ' ' <<<"$left")"
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null
    survivors >/dev/null   # let them die before unmounting their layers
fi

# --- 4. mounts (overlay layers, netns, shm) then files ------------------------
# Deepest first; lazy unmount as a fallback for a mount still busy.
awk -v d="$STATE_DIR" 'index($5, d "/") == 1 || $5 == d {print $5}' /proc/self/mountinfo |
    sort -r | while read -r m; do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"
    done
# Only what start-engine.sh created, so a mistaken STATE_DIR (say /tmp) does
# not wipe unrelated files; the directory itself goes only if left empty.
(cd "$STATE_DIR" && rm -rf --one-file-system data exec docker.sock dockerd.pid dockerd.log) 2>/dev/null ||
    log "some of $STATE_DIR could not be removed"
rmdir "$STATE_DIR" 2>/dev/null || true

# Report what (if anything) survived, so CI logs show it.
left=$(survivors)
if [ -n "$left" ]; then
    log "still running: $(tr '\n' ' ' <<<"$left")"
    exit 1
fi
log "engine stopped, $STATE_DIR cleaned"
exit 0
