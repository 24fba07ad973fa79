"""Start the database and bring its schema up to date: what every entry point needs first.

The schema is the job engine's migrations and the app's, each tracked apart.
"""

from __future__ import annotations

from trainer import db
from trainer.course.chowmojo import MIGRATIONS as APP_MIGRATIONS
from trainer.db.repo import Repo, Repository
from trainer.db.resolve import lesson_template
from trainer.db.servers.embedded import EmbeddedServer
from trainer.jobs.queries import MIGRATIONS as JOB_MIGRATIONS
from trainer.sqlfiles import Migrations

SCHEMA: tuple[Migrations, ...] = (JOB_MIGRATIONS, APP_MIGRATIONS)


def prepare() -> db.Database:
    """Start (or reuse) this process's server and migrate the trainer's database."""
    database = db.start(SCHEMA)
    migrate(Repo)
    return database


def migrate(repo: Repository) -> list[str]:
    """Bring a database up to date with the trainer's schema; return what was applied."""
    return db.migrate(repo, SCHEMA)


def embedded_server(*, tcp: bool = False) -> EmbeddedServer:
    """A new embedded server of its own (tests, benchmarks), from the lesson template."""
    return EmbeddedServer.start(lesson_template(SCHEMA), tcp=tcp)
