"""Migrations: each component (the job engine, the app) has its own numbered `.sql` files;
`migrate` applies the ones a database has not had, in one transaction, under a lock that
serialises migrating processes."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Protocol

import psycopg

from trainer.db import queries
from trainer.sqlfiles import Migrations

Schema = Sequence[Migrations]


class Transactional(Protocol):
    def transaction(self) -> AbstractContextManager[psycopg.Connection]: ...


def migrate(repo: Transactional, schema: Schema) -> list[str]:
    """Apply what this database has not had yet; return the names applied now."""
    applied_now = []
    with repo.transaction() as conn:
        conn.execute(queries.load("migrations_lock"))
        conn.execute(queries.load("migrations_upgrade"))
        conn.execute(queries.load("migrations_table"))
        for component in schema:
            done = {row[0] for row in conn.execute(queries.load("migrations_applied"),
                                                   {"component": component.component})}
            for version, name, text in component.all():
                if version in done:
                    continue
                conn.execute(text)
                conn.execute(queries.load("migrations_record"), {
                    "component": component.component, "version": version, "name": name})
                applied_now.append(name)
    return applied_now


def digest(schema: Schema) -> str:
    """Changes with any migration, so a prepared template never lags behind them."""
    text = "".join(f"{part.component}{version}{name}{sql}"
                   for part in schema for version, name, sql in part.all())
    return hashlib.sha256(text.encode()).hexdigest()[:10]
