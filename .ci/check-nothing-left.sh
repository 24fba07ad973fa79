#!/usr/bin/env bash
# Fails when a PostgreSQL server or container started by the test suite is still running.
set -euo pipefail
for _ in $(seq 1 50); do
    servers=$(pgrep -f -- '-D /[^ ]*/trainer-[0-9]+/pg-' || true)
    [ -z "$servers" ] && break
    sleep 0.2
done
if [ -n "$servers" ]; then
    echo "embedded PostgreSQL servers left running after the tests:" >&2
    ps -o pid,args -p "$(echo "$servers" | paste -sd,)" >&2
    exit 1
fi
if [ -n "${TRAINER_CI_DOCKER_HOST:-}" ]; then
    left=$(DOCKER_HOST=$TRAINER_CI_DOCKER_HOST docker ps -q --filter label=org.chowmojo.trainer.owner)
    if [ -n "$left" ]; then
        echo "containers left running after the tests: $left" >&2
        exit 1
    fi
fi
echo "nothing left running: no embedded server, no container"
