"""Start the database and bring its schema up to date: what every entry point needs first."""

from __future__ import annotations

from trainer import database
from trainer.repo import Repo


def prepare() -> database.Database:
    """Start (or reuse) this process's server and migrate the trainer's database."""
    db = database.start()
    Repo.migrate()
    return db
