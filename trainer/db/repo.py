"""Repo: a tiny data layer on psycopg 3: a connection pool, and a per-test sandbox.

Outside a sandbox, each operation borrows a connection from the pool and is committed
when it ends; `transaction()` keeps one connection for its block. Nothing is shared
between threads: a rollback on one thread never touches another thread's writes.

Inside a test, the plugin opens a *sandbox*: one transaction that every piece of trainer
code in that test shares (Repo, the ChowMojo functions, the job queue), rolled back when
the test ends. The sandbox belongs to the context that opened it; another thread (a
running queue, say) joins it only when allowed, as with Ecto's sandbox allowances:

    with Repo.sandbox() as box:
        box.allow(thread)
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout

from trainer.db import process, queries, records
from trainer.db.connect import CONNECT_TIMEOUT_SECONDS, connect, describe
from trainer.db.failures import translated
from trainer.db.sandbox import Sandbox
from trainer.errors import ArgumentError, DatabaseConnectionLost, DatabaseUnavailable

T = TypeVar("T")
MAX_CONNECTIONS = 20  # per Repository; the embedded server allows 100
POOL_WAIT_SECONDS = 30  # for a free connection when all are in use
# The pool's workers log each failed reconnection; the operation's own error says it all.
logging.getLogger("psycopg.pool").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class _Binding:
    """What a context is using on one Repository: its sandbox, the connection it holds."""

    sandbox: Sandbox | None = None
    held: psycopg.Connection | None = None


# Per context (so per thread, and per task): Repository -> what that context holds on it.
_bindings: ContextVar[Mapping[Repository, _Binding]] = ContextVar(
    "trainer_repo_bindings", default=MappingProxyType({}))
_live: weakref.WeakSet[Repository] = weakref.WeakSet()
_parents_pools: list[ConnectionPool] = []  # kept in a forked child, never used or closed


class Repository:
    """Connections to the trainer's database, and a few helpers on top of them."""

    def __init__(self, conninfo: str | None = None, *,
                 max_connections: int = MAX_CONNECTIONS) -> None:
        self._conninfo = conninfo
        self._max_connections = max_connections
        self._pool: ConnectionPool | None = None
        self._lock = threading.Lock()
        self._allowed: dict[threading.Thread, Sandbox] = {}
        _live.add(self)

    # Compared and hashed by identity: a key of the context's bindings.
    __hash__ = object.__hash__

    @property
    def conninfo(self) -> str:
        if self._conninfo is not None:
            return self._conninfo
        database = process.current()
        if database is None:
            raise DatabaseUnavailable(
                "no PostgreSQL is running in this process yet: run the lesson's first cell "
                "(`from trainer.lesson import *`) or trainer.bootstrap.prepare() first"
            )
        return database.conninfo

    # -- connections -------------------------------------------------------------------

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """The connection for this block: the one this context holds already, else the
        sandbox's (in a test), else one from the pool, kept until the block ends.

        A connection the server dropped fails its operation with DatabaseConnectionLost;
        the next operation connects afresh.
        """
        bindings = _bindings.get()
        binding = bindings.get(self)
        if binding is not None and binding.held is not None:
            try:
                yield binding.held
            except psycopg.Error as error:
                raise translated(error, binding.held, self._discard_pool)  # noqa: B904
            return
        sandbox = binding.sandbox if binding is not None else None
        sandbox = sandbox or self._allowed.get(threading.current_thread())
        if sandbox is not None:
            with sandbox.lock:
                yield from self._hold(bindings, sandbox.connection, sandbox)
            return
        pool, conn = self._borrow()
        try:
            yield from self._hold(bindings, conn, None)
        finally:
            pool.putconn(conn)  # a pool closed since closes it instead

    def _hold(self, bindings: Mapping[Repository, _Binding], conn: psycopg.Connection,
              sandbox: Sandbox | None) -> Iterator[psycopg.Connection]:
        """Yield `conn` with this context holding it, so nested operations reuse it."""
        token = _bindings.set({**bindings, self: _Binding(sandbox=sandbox, held=conn)})
        try:
            yield conn
        except psycopg.Error as error:
            raise translated(error, conn, self._discard_pool)  # noqa: B904
        finally:
            _bindings.reset(token)

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection]:
        """Run a block in one transaction (a savepoint inside a sandbox)."""
        with self.connection() as conn, conn.transaction():
            yield conn

    @contextmanager
    def sandbox(self) -> Iterator[Sandbox]:
        """One transaction shared by everything in the block, rolled back at its end."""
        if self._context_sandbox() is not None:
            raise ArgumentError("a sandbox is already open here on this Repo; they do not nest")
        box = Sandbox(*self._begin_sandbox(), on_allow=self._allow)
        token = _bindings.set({**_bindings.get(), self: _Binding(sandbox=box)})
        try:
            yield box
        finally:
            _bindings.reset(token)
            with self._lock:
                for thread in [t for t, allowed in self._allowed.items() if allowed is box]:
                    del self._allowed[thread]
            with box.lock:
                try:
                    box.connection.execute(queries.load("sandbox_rollback"))
                except psycopg.Error:
                    box.connection.close()  # broken by an outage: the pool drops it
                box.pool.putconn(box.connection)

    def current_sandbox(self) -> Sandbox | None:
        """The sandbox this context (or this allowed thread) works in, if any."""
        return self._context_sandbox() or self._allowed.get(threading.current_thread())

    @property
    def in_sandbox(self) -> bool:
        """True when this context (or this allowed thread) works inside a sandbox."""
        return self.current_sandbox() is not None

    def close(self) -> None:
        """Close every idle connection; the next operation opens a new pool."""
        self._discard_pool(wait=True)

    def _context_sandbox(self) -> Sandbox | None:
        return getattr(_bindings.get().get(self), 'sandbox', None)

    def _allow(self, thread: threading.Thread, sandbox: Sandbox) -> None:
        with self._lock:
            self._allowed[thread] = sandbox

    # -- the pool ----------------------------------------------------------------------

    def _open_pool(self) -> ConnectionPool:
        with self._lock:
            if self._pool is not None and self._conninfo is None:
                database = process.current()
                if database is not None and database.conninfo != self._pool.conninfo:
                    # The lesson's server was replaced (see process.revive): a new pool.
                    self._pool.close(timeout=0)
                    self._pool = None
            if self._pool is None:
                conninfo = self.conninfo
                # One direct connection first: when no server answers, this fails at once
                # and says why, where the pool would keep retrying in the background.
                try:
                    connect(conninfo).close()
                except DatabaseUnavailable:
                    # The lesson's own server died under a live kernel: start a fresh one.
                    fresh = process.revive() if self._conninfo is None else None
                    if fresh is None:
                        raise
                    conninfo = fresh.conninfo
                pool = ConnectionPool(
                    conninfo, min_size=1, max_size=self._max_connections, open=False,
                    timeout=POOL_WAIT_SECONDS, name="trainer",
                    kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_SECONDS},
                )
                pool.open(wait=True, timeout=CONNECT_TIMEOUT_SECONDS)
                self._pool = pool
            return self._pool

    def _borrow(self) -> tuple[ConnectionPool, psycopg.Connection]:
        for _ in (1, 2):
            pool = self._open_pool()
            try:
                return pool, pool.getconn()
            except PoolClosed:
                continue  # discarded by another thread just now: open the next one
            except PoolTimeout:
                connect(self.conninfo).close()  # says why when the server is gone
                raise DatabaseUnavailable(
                    f"no connection to PostgreSQL at {describe(self.conninfo)} became free "
                    f"within {POOL_WAIT_SECONDS} s: all {self._max_connections} are in use"
                ) from None
        raise DatabaseUnavailable("the connection pool was closed while opening a connection")

    def _discard_pool(self, wait: bool = False) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            # Connections still in use are closed when they come back.
            pool.close(timeout=5 if wait else 0)

    def _begin_sandbox(self) -> tuple[ConnectionPool, psycopg.Connection]:
        """A pooled connection in an open transaction. One the server dropped since its
        last use (a restart between two test cells) is replaced: nothing was lost yet."""
        for attempt in (1, 2):
            pool, conn = self._borrow()
            try:
                conn.execute(queries.load("sandbox_begin"))
                return pool, conn
            except psycopg.OperationalError as error:
                pool.putconn(conn)
                if not (conn.broken or conn.closed):
                    raise
                self._discard_pool()
                if attempt == 2:
                    raise DatabaseConnectionLost(
                        "the connection to PostgreSQL was lost while opening the test's "
                        f"sandbox ({str(error).strip() or type(error).__name__}); run it again"
                    ) from None
        raise AssertionError("unreachable")

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
        return records.get(self, schema, id)

    def all(self, schema: type[T]) -> list[T]:
        """Every record of `schema`, by id."""
        return records.all(self, schema)

    def insert(self, record: T) -> T:
        """Store a new record; return it with its id and timestamps filled in."""
        return records.insert(self, record)


def _check_statement(method: str, statement: object) -> None:
    if not isinstance(statement, str | bytes | sql.Composable):
        raise ArgumentError(
            f"Repo.{method} expects the SQL as a string, with the values apart in params "
            f"(e.g. Repo.{method}(text, (1,))), got {statement!r}"
        )


def _forget_pools_in_child() -> None:
    """A forked child must not use, or close, its parent's connections: it opens its own."""
    for repo in list(_live):
        if repo._pool is not None:
            _parents_pools.append(repo._pool)
        repo._pool = None
        repo._allowed.clear()


os.register_at_fork(after_in_child=_forget_pools_in_child)

Repo = Repository()
"""The lesson's Repo: `Repo.get(Order, 1)`, `Repo.insert(Order(total=99))`, ..."""
