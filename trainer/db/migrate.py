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
from trainer.errors import ConfigurationError
from trainer.sqlfiles import Migrations

Schema = Sequence[Migrations]


class Transactional(Protocol):
    def transaction(self) -> AbstractContextManager[psycopg.Connection]: ...


def migrate(repo: Transactional, schema: Schema) -> list[str]:
    """Apply what this database has not had yet; return the names applied now."""
    applied_now: list[str] = []
    with repo.transaction() as conn:
        try:
            _apply(conn, schema, applied_now)
        except (psycopg.errors.DuplicateTable, psycopg.errors.DuplicateObject,
                psycopg.errors.DuplicateFunction, psycopg.errors.InsufficientPrivilege) as error:
            raise _not_ours(conn, error) from None
    return applied_now


def _apply(conn: psycopg.Connection, schema: Schema, applied_now: list[str]) -> None:
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


def _not_ours(conn: psycopg.Connection, error: psycopg.Error) -> ConfigurationError:
    """What stops the trainer from setting up its tables in this database, and the fix."""
    where = f"the database {conn.info.dbname!r} on {conn.info.host}:{conn.info.port}"
    found = (error.diag.message_primary if error.diag else None) or str(error).strip()
    fix = ("Give the trainer a database of its own: set TRAINER_DATABASE_NAME to a new "
           "name (the trainer creates it), e.g. TRAINER_DATABASE_NAME=trainer_lesson_2.")
    if isinstance(error, psycopg.errors.InsufficientPrivilege):
        return ConfigurationError(
            f"the trainer may not create its tables in {where} ({found}). Grant the role "
            f"CREATE on the schema, or: {fix}")
    return ConfigurationError(
        f"{where} already holds something of the trainer's names, made by something "
        f"else (an Oban or oban-py install, say): {found}. The trainer never changes "
        f"what it did not make. {fix}")


def digest(schema: Schema) -> str:
    """Changes with any migration, so a prepared template never lags behind them."""
    text = "".join(f"{part.component}{version}{name}{sql}"
                   for part in schema for version, name, sql in part.all())
    return hashlib.sha256(text.encode()).hexdigest()[:10]
