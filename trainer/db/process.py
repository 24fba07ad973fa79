"""The database this process uses: one server per process, set once it is started."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from trainer.db.servers import Server


@dataclass
class Database:
    """The server this process uses, and how it was chosen."""

    backend: str
    conninfo: str
    server_version: str
    reason: str
    seconds: float
    server: Server
    # Starts a fresh server when this one stopped by itself (None when it cannot).
    restart: Callable[[], Database | None] | None = field(default=None, repr=False)

    def status_line(self) -> str:
        why = f"; {self.reason}" if self.reason else ""
        return (f"PostgreSQL {self.server_version} ready ({self.backend}{why}) "
                f"in {self.seconds:.1f} s")

    def stop(self) -> None:
        self.server.stop()

    def __repr__(self) -> str:
        return (f"Database(backend={self.backend!r}, server_version={self.server_version!r}, "
                f"reason={self.reason!r})")


_current: Database | None = None
_owner_pid: int | None = None


def current() -> Database | None:
    """This process's database; None before it starts (a forked child has none of its own)."""
    return _current if _owner_pid == os.getpid() else None


def revive() -> Database | None:
    """A fresh server in place of this process's, if that one stopped by itself."""
    database = current()
    if database is None or database.restart is None:
        return None
    return database.restart()


def set_current(database: Database | None) -> None:
    global _current, _owner_pid
    _current = database
    _owner_pid = os.getpid() if database is not None else None


# What must stop before this process's server does (running Oban instances), newest first.
_before_shutdown: list[Callable[[], object]] = []


def before_shutdown(callback: Callable[[], object]) -> None:
    if callback not in _before_shutdown:
        _before_shutdown.append(callback)


def forget_before_shutdown(callback: Callable[[], object]) -> None:
    if callback in _before_shutdown:
        _before_shutdown.remove(callback)


def run_before_shutdown() -> None:
    for callback in reversed(list(_before_shutdown)):
        try:
            callback()
        except Exception:  # noqa: BLE001, S110 - the server must stop whatever happens here
            pass
