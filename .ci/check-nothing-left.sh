#!/usr/bin/env bash
# Fails when a PostgreSQL server or container started by the test suite is still running.
#   check-nothing-left.sh --baseline FILE   records what runs before the tests
#   check-nothing-left.sh FILE              fails on anything running now that is not in FILE
set -euo pipefail

servers() { pgrep -f -- '-D /[^ ]*/trainer-[0-9]+/pg-' | sort || true; }

if [ "${1:-}" = "--baseline" ]; then
    servers > "$2"
    exit 0
fi
baseline=${1:-/dev/null}

for _ in $(seq 1 50); do
    left=$(comm -13 "$baseline" <(servers))
    [ -z "$left" ] && break
    sleep 0.2
done
if [ -n "$left" ]; then
    echo "embedded PostgreSQL servers left running after the tests:" >&2
    ps -o pid,args -p "$(echo "$left" | paste -sd,)" >&2
    exit 1
fi
if [ -n "${TRAINER_CI_DOCKER_HOST:-}" ]; then
    containers=$(DOCKER_HOST=$TRAINER_CI_DOCKER_HOST docker ps -q --filter label=org.chowmojo.trainer.owner)
    if [ -n "$containers" ]; then
        echo "containers left running after the tests: $containers" >&2
        exit 1
    fi
fi
echo "nothing left running: no embedded server, no container"
