"""Repo: a tiny data layer on psycopg 3, with a per-test sandbox.

Outside tests, each operation runs on the lesson database and is committed when it
ends. Inside a test the plugin opens a *sandbox*: one transaction that every piece of
trainer code in that test shares (Repo, the ChowMojo functions, the job queue), rolled
back when the test ends, so tests never see each other's rows. This is how Ecto's SQL
sandbox works in shared mode.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from trainer import _sql, database
from trainer.errors import ArgumentError, DatabaseConnectionLost

T = TypeVar("T")
MIGRATIONS_LOCK = 7_362_104_551  # any constant: serialises migrations across processes


def utcnow() -> datetime:
    """The app clock: naive UTC, the way the tables store time.

    Time is always passed to SQL as a parameter, never taken from SQL `now()`, which
    stands still inside a sandbox transaction.
    """
    return datetime.now(UTC).replace(tzinfo=None)


class Repository:
    """Connections to the trainer's database, and a few helpers on top of them."""

    def __init__(self, conninfo: str | None = None) -> None:
        self._conninfo = conninfo
        self._lesson: psycopg.Connection | None = None
        self._sandbox: psycopg.Connection | None = None
        self._sandbox_active = False
        self._lock = threading.RLock()

    # -- connections -------------------------------------------------------------------

    @property
    def conninfo(self) -> str:
        return self._conninfo or database.start().conninfo

    def _open(self) -> psycopg.Connection:
        return database.connect(self.conninfo, autocommit=True)

    @staticmethod
    def _usable(conn: psycopg.Connection | None) -> bool:
        return conn is not None and not conn.closed and not conn.broken

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """The connection for this moment: the sandbox's in a test, the lesson's otherwise.

        A connection the server dropped is replaced on the next call; the call that hit
        the outage fails with DatabaseConnectionLost.
        """
        with self._lock:
            if self._sandbox_active:
                conn = self._sandbox
            else:
                if not self._usable(self._lesson):
                    self._lesson = self._open()
                conn = self._lesson
        assert conn is not None
        try:
            yield conn
        except psycopg.OperationalError as error:
            if conn.broken or conn.closed:
                raise DatabaseConnectionLost(
                    "the connection to PostgreSQL was lost during this operation "
                    f"({str(error).strip() or type(error).__name__}). Its changes were not "
                    "saved; run it again: the next operation reconnects."
                ) from None
            raise
        except psycopg.DataError as error:
            # A value of the wrong type or size reached the server (or psycopg refused to
            # send it): the caller's mistake, said in the package's own words.
            raise ArgumentError(
                f"PostgreSQL refused a value given to this operation: {_first_line(error)}. "
                "Check the types and sizes of the values you passed."
            ) from error

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection]:
        """Run a block in one transaction (a savepoint inside a sandbox)."""
        with self.connection() as conn, conn.transaction():
            yield conn

    @contextmanager
    def sandbox(self) -> Iterator[psycopg.Connection]:
        """One transaction shared by everything in the block, rolled back at its end."""
        with self._lock:
            if self._sandbox_active:
                raise ArgumentError("a sandbox is already open on this Repo; they do not nest")
            conn = self._begin_sandbox()
            self._sandbox_active = True
        try:
            yield conn
        finally:
            with self._lock:
                self._sandbox_active = False
                try:
                    conn.execute("ROLLBACK")
                except psycopg.Error:
                    conn.close()  # broken by an outage: the next sandbox reconnects

    def _begin_sandbox(self) -> psycopg.Connection:
        """BEGIN on the sandbox connection. A connection the server dropped since its
        last use (a restart between two test cells) is replaced: nothing was lost yet."""
        for attempt in (1, 2):
            if not self._usable(self._sandbox):
                self._sandbox = self._open()
            conn = self._sandbox
            assert conn is not None
            try:
                # An explicit BEGIN on an autocommit connection: psycopg then turns every
                # `transaction()` inside the test into a savepoint, never a COMMIT.
                conn.execute("BEGIN")
                return conn
            except psycopg.OperationalError as error:
                if not (conn.broken or conn.closed):
                    raise
                conn.close()
                if attempt == 2:
                    raise DatabaseConnectionLost(
                        "the connection to PostgreSQL was lost while opening the test's "
                        f"sandbox ({str(error).strip() or type(error).__name__}); run it again"
                    ) from None
        raise AssertionError("unreachable")

    @property
    def in_sandbox(self) -> bool:
        return self._sandbox_active

    def close(self) -> None:
        with self._lock:
            for conn in (self._lesson, self._sandbox):
                if conn is not None:
                    conn.close()
            self._lesson = self._sandbox = None

    # -- migrations --------------------------------------------------------------------

    def migrate(self) -> list[str]:
        """Apply the migrations this database has not had yet; return their names."""
        applied_now = []
        with self.transaction() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATIONS_LOCK,))
            conn.execute(_sql.load("migrations_table"))
            done = {row[0] for row in conn.execute("SELECT version FROM trainer_migrations")}
            for version, name, text in _sql.migrations():
                if version in done:
                    continue
                conn.execute(text)
                conn.execute(
                    "INSERT INTO trainer_migrations (version, name) VALUES (%s, %s)",
                    (version, name),
                )
                applied_now.append(name)
        return applied_now

    # -- queries -----------------------------------------------------------------------

    def query(self, statement: str | sql.Composable, params: Any = None) -> list[dict[str, Any]]:
        """Rows as dicts. Values always go in `params`, never into the SQL text."""
        _check_statement("query", statement)
        with self.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(statement, params)  # type: ignore[arg-type]
            return cur.fetchall() if cur.description else []

    def execute(self, statement: str | sql.Composable, params: Any = None) -> int:
        """Run a statement; return how many rows it touched."""
        _check_statement("execute", statement)
        with self.connection() as conn, conn.cursor() as cur:
            cur.execute(statement, params)  # type: ignore[arg-type]
            return cur.rowcount

    def get(self, schema: type[T], id: int) -> T | None:
        """The record of `schema` with this id, or None."""
        _check_schema(schema)
        if isinstance(id, bool) or not isinstance(id, int):
            raise ArgumentError(f"Repo.get expects an integer id, got {id!r}")
        statement = sql.SQL("SELECT * FROM {} WHERE id = %s").format(
            sql.Identifier(schema.__table__)  # type: ignore[attr-defined]
        )
        rows = self.query(statement, (id,))
        return schema(**rows[0]) if rows else None

    def all(self, schema: type[T]) -> list[T]:
        """Every record of `schema`, by id."""
        _check_schema(schema)
        statement = sql.SQL("SELECT * FROM {} ORDER BY id").format(
            sql.Identifier(schema.__table__)  # type: ignore[attr-defined]
        )
        return [schema(**row) for row in self.query(statement)]

    def insert(self, record: T) -> T:
        """Store a new record; return it with its id and timestamps filled in."""
        schema = type(record)
        _check_schema(schema)
        now = utcnow()
        values = {
            f.name: getattr(record, f.name)
            for f in dataclasses.fields(record)  # type: ignore[arg-type]
            if f.name != "id"
        }
        for stamp in ("inserted_at", "updated_at"):
            if stamp in values and values[stamp] is None:
                values[stamp] = now
        statement = sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING *").format(
            sql.Identifier(schema.__table__),  # type: ignore[attr-defined]
            sql.SQL(", ").join(map(sql.Identifier, values)),
            sql.SQL(", ").join(sql.Placeholder(name) for name in values),
        )
        try:
            return schema(**self.query(statement, values)[0])
        except ArgumentError as error:
            raise ArgumentError(f"Repo.insert could not store {record!r}: {error}") from error


def _check_statement(method: str, statement: object) -> None:
    if not isinstance(statement, str | bytes | sql.Composable):
        raise ArgumentError(
            f"Repo.{method} expects the SQL as a string, with the values apart in params "
            f"(e.g. Repo.{method}(text, (1,))), got {statement!r}"
        )


def _first_line(error: psycopg.Error) -> str:
    """PostgreSQL's one-line reason, with its detail: 'invalid input syntax for type json
    (Token "NaN" is invalid.)'."""
    primary = error.diag.message_primary if error.diag is not None else None
    detail = error.diag.message_detail if error.diag is not None else None
    text = (primary or str(error).strip() or type(error).__name__).splitlines()[0]
    return f"{text} ({detail.splitlines()[0]})" if detail else text


def _check_schema(schema: object) -> None:
    if not (isinstance(schema, type) and dataclasses.is_dataclass(schema)
            and isinstance(getattr(schema, "__table__", None), str)):
        raise ArgumentError(
            f"expected a record class such as Order (a dataclass with __table__), got {schema!r}"
        )


Repo = Repository()
"""The lesson's Repo: `Repo.get(Order, 1)`, `Repo.insert(Order(total=99))`, ..."""
