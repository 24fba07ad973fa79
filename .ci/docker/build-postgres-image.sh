#!/usr/bin/env bash
# Build a PostgreSQL image for CI without any container registry: debootstrap a
# minimal Debian with PostgreSQL from the machine's own apt mirror, add an
# entrypoint compatible with the official image's variables, and `docker import`
# it. The image is for this project's CI only (testcontainers' PostgreSQL
# module); learners use the official postgres image from their registry.
# Usage: DOCKER_HOST=unix://... build-postgres-image.sh IMAGE_TAG
# Needs root, debootstrap and a running engine (start-engine.sh provides both).
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: DOCKER_HOST=... $0 IMAGE_TAG" >&2
    exit 2
fi
IMAGE_TAG=$1
SUITE=bookworm
log() { echo "build-postgres-image: $*" >&2; }

if [ -z "${DOCKER_HOST:-}" ]; then
    log "DOCKER_HOST is not set (run start-engine.sh first)"
    exit 2
fi

# Images live as long as the engine's data root: rebuild only when missing.
if docker image inspect "$IMAGE_TAG" >/dev/null 2>&1; then
    log "$IMAGE_TAG already present"
    exit 0
fi

# The mirror apt already uses for $SUITE (deb822 .sources first, then
# one-line .list files): the only package source reachable from CI.
find_mirror() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] || continue
        # Stanzas are separated by blank lines; take URIs of an enabled deb
        # stanza whose Suites include exactly $SUITE.
        awk -v suite="$SUITE" '
            function flush() {
                if (types ~ /(^| )deb( |$)/ && enabled != "no" && (" " suites " ") ~ (" " suite " "))
                    print uris
                types = ""; suites = ""; uris = ""; enabled = ""
            }
            /^[ \t]*$/ { flush(); next }
            /^[ \t]*#/ { next }
            {
                key = tolower($1); $1 = ""; sub(/^ +/, "")
                if (key == "types:") types = $0
                else if (key == "suites:") suites = $0
                else if (key == "uris:") uris = $0
                else if (key == "enabled:") enabled = tolower($0)
            }
            END { flush() }' "$f" | tr ' ' '\n'
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] || continue
        awk -v suite="$SUITE" '$1 == "deb" {
            i = 2
            if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
            if ($(i + 1) == suite) print $i
        }' "$f"
    done
}
MIRROR=$(find_mirror | grep -E '^(https?|file)://' | head -n1 || true)
if [ -z "$MIRROR" ]; then
    log "no apt source for suite $SUITE found in /etc/apt/sources.list{,.d/}"
    exit 1
fi
log "mirror: $MIRROR"

ROOTFS=$(mktemp -d "${TMPDIR:-/tmp}/pg-rootfs.XXXXXX")
cleanup() {
    local d pid root m
    # A maintainer script may have left a daemon running inside the chroot.
    for d in /proc/[0-9]*; do
        pid=${d#/proc/}
        root=$(readlink "$d/root" 2>/dev/null) || continue
        case "$root" in "$ROOTFS" | "$ROOTFS"/*) kill -KILL "$pid" 2>/dev/null || true ;; esac
    done
    # debootstrap mounts proc/sys (and maybe /dev) inside; on failure they stay.
    awk -v d="$ROOTFS" 'index($5, d "/") == 1 {print $5}' /proc/self/mountinfo |
        sort -r | while read -r m; do
            umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
        done
    # --one-file-system: never follow a mount that is still there into the host.
    rm -rf --one-file-system "$ROOTFS" || log "could not fully remove $ROOTFS"
}
trap cleanup EXIT

t0=$SECONDS
keyring=()
[ -r /usr/share/keyrings/debian-archive-keyring.gpg ] &&
    keyring=(--keyring=/usr/share/keyrings/debian-archive-keyring.gpg)
log "debootstrap $SUITE + postgresql-15 into $ROOTFS"
debootstrap --variant=minbase --include=postgresql-15 "${keyring[@]}" \
    "$SUITE" "$ROOTFS" "$MIRROR" >&2
log "debootstrap took $((SECONDS - t0)) s"

# Server binaries live in a versioned directory off the default PATH.
PGBIN=$(find "$ROOTFS"/usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n1 || true)
PGBIN=${PGBIN#"$ROOTFS"}
if [ -z "$PGBIN" ] || [ ! -x "$ROOTFS$PGBIN/postgres" ] || [ ! -x "$ROOTFS$PGBIN/psql" ]; then
    log "postgres binaries not found under $ROOTFS/usr/lib/postgresql"
    exit 1
fi

# Trim what a throw-away test database never uses, to keep import fast.
rm -rf "$ROOTFS"/var/cache/apt/* "$ROOTFS"/var/lib/apt/lists/* \
    "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* \
    "$ROOTFS"/usr/share/locale/* "$ROOTFS"/var/cache/debconf/*-old "$ROOTFS"/var/log/*.log
# The package's default cluster: the entrypoint makes its own in PGDATA.
rm -rf "$ROOTFS"/etc/postgresql/*/main "$ROOTFS"/var/lib/postgresql/*/main

# Entrypoint compatible with what testcontainers' PostgreSQL module expects of
# the official image: POSTGRES_USER/PASSWORD/DB, password auth over TCP,
# listening on all addresses, server in the foreground as PID 1.
cat >"$ROOTFS/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
set -eu

# Anything that is not a server option (sh, psql, ...) runs as given.
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ] && [ "$1" != postgres ]; then
    exec "$@"
fi
[ "${1:-}" = postgres ] && shift

: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
: "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"
: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA
if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
    echo "docker-entrypoint: POSTGRES_PASSWORD must be set" >&2
    exit 1
fi

# postgres refuses to run as root: drop to the postgres user when we are root.
if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" /run/postgresql
    chown postgres:postgres "$PGDATA" /run/postgresql
    chmod 700 "$PGDATA"
    chmod 2775 /run/postgresql
    as_pg="setpriv --reuid=$(id -u postgres) --regid=$(id -g postgres) --init-groups --"
else
    as_pg=""
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    pwopt=""
    if [ -n "${POSTGRES_PASSWORD:-}" ]; then
        pwfile=$(mktemp)
        printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
        [ -n "$as_pg" ] && chown postgres "$pwfile"
        pwopt="--pwfile=$pwfile"
    fi
    # Local socket (docker exec only) trusts; TCP needs the password.
    # --no-sync / fsync=off: a throw-away test database need not survive a crash.
    $as_pg initdb --no-sync --username="$POSTGRES_USER" ${pwopt:+"$pwopt"} \
        --auth-local=trust --auth-host="$POSTGRES_HOST_AUTH_METHOD" \
        --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    [ -n "$pwopt" ] && rm -f "$pwfile"
    # initdb lets in only loopback over TCP; clients come through docker's bridge.
    printf 'host all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"
    if [ "$POSTGRES_DB" != postgres ]; then
        # Single-user mode: no server to start and wait for.
        db=$(printf '%s' "$POSTGRES_DB" | sed 's/"/""/g')
        printf 'CREATE DATABASE "%s";\n' "$db" |
            $as_pg postgres --single -c fsync=off -D "$PGDATA" postgres >/dev/null
    fi
fi

# exec: postgres becomes PID 1 and gets docker's stop signal itself (SIGTERM,
# a "smart" shutdown; `docker import` cannot set STOPSIGNAL).
exec $as_pg postgres -D "$PGDATA" -c listen_addresses='*' "$@"
EOF
chmod 755 "$ROOTFS/usr/local/bin/docker-entrypoint.sh"

PATH_IN_IMAGE="$PGBIN:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# psql and sh must resolve on PATH: testcontainers waits by exec'ing
# `sh -c "psql ... -c 'select version();'"` inside the container.
chroot "$ROOTFS" env PATH="$PATH_IN_IMAGE" sh -c 'command -v psql && command -v postgres' >&2

t1=$SECONDS
# /dev, /proc and /sys are provided by the engine at run time.
tar -C "$ROOTFS" --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -c . |
    docker import \
        --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
        --change "ENV PATH=$PATH_IN_IMAGE" \
        --change 'ENV PGDATA=/var/lib/postgresql/data' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'EXPOSE 5432' \
        - "$IMAGE_TAG" >&2
log "import took $((SECONDS - t1)) s; $IMAGE_TAG built in $((SECONDS - t0)) s"
docker image ls "$IMAGE_TAG" >&2
