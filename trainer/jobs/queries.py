"""The job engine's SQL: every statement it runs is a file in `trainer/jobs/sql/`, and
this is the one module of the engine that reads them."""

from __future__ import annotations

from trainer import sqlfiles
from trainer.sqlfiles import Migrations

MIGRATIONS = Migrations(component="jobs", package="trainer.jobs")


def load(name: str) -> str:
    """The text of `trainer/jobs/sql/<name>.sql`."""
    return sqlfiles.load("trainer.jobs", name)
