#!/usr/bin/env bash
# Start a private Docker engine for CI, since these machines ship only a docker
# client and no engine. Usage: start-engine.sh STATE_DIR
# Everything the engine writes lives under STATE_DIR; its socket is
# STATE_DIR/docker.sock. Diagnostics go to stderr; stdout carries only
# KEY=VALUE lines to export, DOCKER_HOST=... being the last one, e.g.
#   eval "$(bash .ci/docker/start-engine.sh "$dir" | grep -E '^DOCKER_[A-Z_]+=')"
# Idempotent: an engine already running from STATE_DIR is reused.
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 STATE_DIR" >&2
    exit 2
fi

log() { echo "start-engine: $*" >&2; }

mkdir -p "$1"
STATE_DIR=$(cd "$1" && pwd -P)   # absolute: dockerd and the socket URL need it
SOCK="$STATE_DIR/docker.sock"
PIDFILE="$STATE_DIR/dockerd.pid"
LOG="$STATE_DIR/dockerd.log"
export DOCKER_HOST="unix://$SOCK"
unset DOCKER_CONTEXT

# Unix socket paths are limited to 107 bytes; containerd's sockets sit deeper
# under the exec root than docker.sock does.
if [ ${#STATE_DIR} -gt 60 ]; then
    log "warning: STATE_DIR path is long (${#STATE_DIR} chars); socket paths may overflow"
fi

# --- 1. packages (only what is missing) --------------------------------------
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    t0=$SECONDS
    # There is no init system here: keep docker.io's maintainer scripts from
    # starting a system-wide dockerd on /var/run/docker.sock behind our back.
    policy=/usr/sbin/policy-rc.d
    made_policy=""
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        made_policy=1
        trap 'rm -f "$policy"' EXIT
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y --no-install-recommends "${missing[@]}" >&2
    if [ -n "$made_policy" ]; then rm -f "$policy"; trap - EXIT; fi
    log "installed in $((SECONDS - t0)) s"
fi

# --- 2. talk to the engine ---------------------------------------------------
# The docker client on the machine may be newer than Debian's 20.10 engine.
# Recent clients negotiate the API version down by themselves; if this one does
# not, pin DOCKER_API_VERSION to what the engine says it supports.
API_PINNED=""
engine_answers() {
    local out max
    if out=$(timeout 5 docker -H "$DOCKER_HOST" version --format '{{.Server.APIVersion}}' 2>&1); then
        return 0
    fi
    max=$(sed -n 's/.*[Mm]aximum supported API version is \([0-9.]*\).*/\1/p' <<<"$out" | head -n1)
    if [ -n "$max" ] && [ -z "${DOCKER_API_VERSION:-}" ]; then
        export DOCKER_API_VERSION="$max"
        API_PINNED="$max"
        timeout 5 docker -H "$DOCKER_HOST" version >/dev/null 2>&1 && return 0
    fi
    return 1
}

pid_is_our_dockerd() {
    local pid=$1
    [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] || return 1
    tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" | grep -qxF -- "$PIDFILE"
}

report() {
    local client server
    client=$(docker version --format '{{.Client.Version}} (API {{.Client.APIVersion}})' 2>/dev/null || echo '?')
    server=$(docker -H "$DOCKER_HOST" version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null || echo '?')
    log "client $client, engine $server"
    if [ -n "$API_PINNED" ] || [ -n "${DOCKER_API_VERSION:-}" ]; then
        echo "DOCKER_API_VERSION=${DOCKER_API_VERSION}"
    fi
    echo "DOCKER_HOST=$DOCKER_HOST"
}

# --- 3. reuse an engine already running from this STATE_DIR ------------------
oldpid=$(cat "$PIDFILE" 2>/dev/null || true)
if pid_is_our_dockerd "$oldpid"; then
    for _ in $(seq 30); do
        if engine_answers; then
            log "reusing engine pid $oldpid"
            report
            exit 0
        fi
        sleep 1
    done
    log "engine pid $oldpid runs but does not answer on $SOCK; run stop-engine.sh first"
    exit 1
fi
# Stale leftovers from an engine that died would make dockerd refuse to start.
rm -f "$PIDFILE" "$SOCK"
# dockerd trusts containerd's pidfile and waits forever on a dead (or zombie:
# PID 1 reaps late here) containerd; a live one of ours it simply reuses.
cpidfile="$STATE_DIR/exec/containerd/containerd.pid"
cpid=$(cat "$cpidfile" 2>/dev/null || true)
if [ -n "$cpid" ] && { [ "$(cat "/proc/$cpid/comm" 2>/dev/null)" != containerd ] ||
    [ "$(awk '{print $3}' "/proc/$cpid/stat" 2>/dev/null)" = Z ]; }; then
    rm -f "$cpidfile"
fi

# --- 4. start dockerd --------------------------------------------------------
mkdir -p "$STATE_DIR/data" "$STATE_DIR/exec"
log "starting dockerd (log: $LOG)"
t0=$SECONDS
# setsid: the engine must outlive this script and ignore Ctrl-C sent to the
# caller's process group; stop-engine.sh ends it by the PID in its pidfile.
setsid dockerd \
    --data-root "$STATE_DIR/data" \
    --exec-root "$STATE_DIR/exec" \
    --pidfile "$PIDFILE" \
    -H "unix://$SOCK" \
    >>"$LOG" 2>&1 </dev/null &
launcher=$!

# Bounded wait: a dockerd that cannot start (no iptables, no overlay...) exits
# early; one that hangs must not stall CI.
for _ in $(seq 60); do
    if [ -S "$SOCK" ] && engine_answers; then
        log "engine up in $((SECONDS - t0)) s (pid $(cat "$PIDFILE" 2>/dev/null || echo "$launcher"))"
        report
        exit 0
    fi
    if ! kill -0 "$launcher" 2>/dev/null; then
        log "dockerd exited during startup; last log lines:"
        tail -n 30 "$LOG" >&2 || true
        exit 1
    fi
    sleep 0.5
done
log "dockerd did not answer within 30 s; stopping it. Last log lines:"
tail -n 30 "$LOG" >&2 || true
kill -TERM "$launcher" 2>/dev/null || true
exit 1
