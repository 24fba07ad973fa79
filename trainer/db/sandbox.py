"""A test's sandbox: one transaction on one connection, rolled back when the test ends,
and the threads allowed to work inside it."""

from __future__ import annotations

import threading
from collections.abc import Callable

import psycopg
from psycopg_pool import ConnectionPool

from trainer.errors import ArgumentError


class Sandbox:
    """One test's transaction, on one connection, rolled back when the test ends."""

    def __init__(self, pool: ConnectionPool, connection: psycopg.Connection,
                 on_allow: Callable[[threading.Thread, Sandbox], None]) -> None:
        self.connection = connection
        self.pool = pool
        self.lock = threading.RLock()  # allowed threads take turns on the one connection
        self._on_allow = on_allow

    def allow(self, thread: threading.Thread) -> None:
        """Let `thread` (started or not) work inside this sandbox until it closes."""
        if not isinstance(thread, threading.Thread):
            raise ArgumentError(f"Sandbox.allow expects a threading.Thread, got {thread!r}")
        self._on_allow(thread, self)
