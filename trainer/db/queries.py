"""The database layer's own SQL (`trainer/db/sql/`), and composing the few statements
that need an identifier or a literal, which no parameter can stand for."""

from __future__ import annotations

from typing import Any

from psycopg import sql

from trainer import sqlfiles


def load(name: str) -> str:
    return sqlfiles.load("trainer.db", name)


def composed(file: str, **parts: Any) -> sql.Composed:
    """A statement whose `{placeholders}` are filled with psycopg.sql objects."""
    return sql.SQL(load(file)).format(**parts)  # type: ignore[arg-type]
