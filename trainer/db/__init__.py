"""Where PostgreSQL comes from, and how the trainer talks to it.

`start(schema)` gives this process's database (a URL, a container or the embedded
server); `Repo` is the lesson's data layer on it, with a per-test sandbox.
"""

from trainer.db.connect import connect, ensure_database
from trainer.db.migrate import migrate
from trainer.db.process import Database, current
from trainer.db.repo import Repo, Repository
from trainer.db.resolve import (
    BACKENDS,
    DEFAULT_DATABASE_NAME,
    chosen_backend,
    database_name,
    shutdown,
    start,
)
from trainer.db.sandbox import Sandbox

__all__ = ["BACKENDS", "DEFAULT_DATABASE_NAME", "Database", "Repo", "Repository", "Sandbox",
           "chosen_backend", "connect", "current", "database_name", "ensure_database",
           "migrate", "shutdown", "start"]
