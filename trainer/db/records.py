"""Reading and storing records: dataclasses with a `__table__`, such as the app's Order."""

from __future__ import annotations

import dataclasses
from typing import Any, Protocol, TypeVar

from psycopg import sql

from trainer.clock import utcnow
from trainer.db import queries
from trainer.errors import ArgumentError

T = TypeVar("T")


class Queryable(Protocol):
    def query(self, statement: str | sql.Composable, params: Any = None
              ) -> list[dict[str, Any]]: ...


def get(repo: Queryable, schema: type[T], id: int) -> T | None:
    """The record of `schema` with this id, or None."""
    table = _table(schema)
    if isinstance(id, bool) or not isinstance(id, int):
        raise ArgumentError(f"Repo.get expects an integer id, got {id!r}")
    rows = repo.query(queries.composed("record_get", table=table), {"id": id})
    return schema(**rows[0]) if rows else None


def all(repo: Queryable, schema: type[T]) -> list[T]:
    """Every record of `schema`, by id."""
    rows = repo.query(queries.composed("record_all", table=_table(schema)))
    return [schema(**row) for row in rows]


def insert(repo: Queryable, record: T) -> T:
    """Store a new record; return it with its id and timestamps filled in."""
    schema = type(record)
    table = _table(schema)
    now = utcnow()
    values = {
        f.name: getattr(record, f.name)
        for f in dataclasses.fields(record)  # type: ignore[arg-type]
        if f.name != "id"
    }
    for stamp in ("inserted_at", "updated_at"):
        if stamp in values and values[stamp] is None:
            values[stamp] = now
    statement = queries.composed(
        "record_insert", table=table,
        columns=sql.SQL(", ").join(map(sql.Identifier, values)),
        values=sql.SQL(", ").join(sql.Placeholder(name) for name in values),
    )
    try:
        return schema(**repo.query(statement, values)[0])
    except ArgumentError as error:
        raise ArgumentError(f"Repo.insert could not store {record!r}: {error}") from error


def _table(schema: object) -> sql.Identifier:
    if not (isinstance(schema, type) and dataclasses.is_dataclass(schema)
            and isinstance(getattr(schema, "__table__", None), str)):
        raise ArgumentError(
            f"expected a record class such as Order (a dataclass with __table__), got {schema!r}"
        )
    return sql.Identifier(schema.__table__)  # type: ignore[attr-defined]
