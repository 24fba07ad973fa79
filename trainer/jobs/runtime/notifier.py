"""Notifications between Oban instances, through PostgreSQL's LISTEN/NOTIFY.

Channels: `oban_insert` (payload: the queue that got available jobs) and `oban_signal`
(queue control, as JSON). A NOTIFY is delivered when its transaction commits, so a job
inserted in a rolled-back transaction, or in a test's sandbox, wakes nobody.

The listener holds one connection of its own. When it loses it, it reconnects with a
growing pause; meanwhile the producers still poll, at every stager tick.
"""

from __future__ import annotations

import json
import logging
import os
import select
import threading
from collections.abc import Callable
from typing import Any

import psycopg

from trainer.db.connect import connect
from trainer.errors import DatabaseUnavailable
from trainer.jobs import queries

INSERT, SIGNAL = "oban_insert", "oban_signal"  # the channels sql/listen.sql listens on
IDLE_CHECK = 5.0  # seconds a quiet listener waits before it looks again
log = logging.getLogger("trainer.oban")


def notify_insert(conn: psycopg.Connection, queues: set[str]) -> None:
    """Tell every listening instance that these queues have new available jobs."""
    for queue in sorted(queues):
        conn.execute(queries.load("notify"), {"channel": INSERT, "payload": queue})


def notify_signal(conn: psycopg.Connection, signal: dict[str, Any]) -> None:
    conn.execute(queries.load("notify"), {"channel": SIGNAL, "payload": json.dumps(signal)})


class Listener:
    """A thread that LISTENs and calls `on_insert(queue)` or `on_signal(dict)`."""

    def __init__(self, conninfo: Callable[[], str], on_insert: Callable[[str], None],
                 on_signal: Callable[[dict[str, Any]], None], name: str) -> None:
        self._conninfo = conninfo
        self._on_insert, self._on_signal = on_insert, on_signal
        self._stopping = threading.Event()
        # stop() writes a byte to this pipe: the listener waits on its connection and the
        # pipe at once, so a stop is noticed at once, and an idle listener never wakes.
        # Made by start(), closed by the thread as it ends (under the lock, so a stop
        # never writes to a closed one).
        self._wake: tuple[int, int] | None = None
        self._wake_lock = threading.Lock()
        self.connected = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"{name} listener", daemon=True)

    def start(self) -> None:
        self._wake = os.pipe()
        try:
            self._thread.start()
        except BaseException:
            self._close_wake()
            raise

    def stop(self) -> None:
        self._stopping.set()
        with self._wake_lock:
            if self._wake is not None:
                os.write(self._wake[1], b"x")
        if self._thread.ident is not None:
            self._thread.join(timeout=5)

    def _close_wake(self) -> None:
        with self._wake_lock:
            if self._wake is not None:
                for end in self._wake:
                    os.close(end)
                self._wake = None

    def _run(self) -> None:
        try:
            self._follow()
        finally:
            self._close_wake()

    def _follow(self) -> None:
        pause = 0.1
        while not self._stopping.is_set():
            try:
                with connect(self._conninfo(), autocommit=True) as conn:
                    conn.execute(queries.load("listen"))
                    self.connected.set()
                    pause = 0.1
                    self._listen(conn)
            except (psycopg.Error, DatabaseUnavailable) as error:
                if not self._stopping.is_set():
                    log.warning("the notification listener lost its connection (%s); "
                                "reconnecting in %.1f s", error, pause)
            except Exception:  # noqa: BLE001 - said, then tried again: never a silent end
                log.exception("the notification listener failed; restarting in %.1f s", pause)
            self.connected.clear()
            self._stopping.wait(pause)
            pause = min(pause * 2, 5.0)

    def _listen(self, conn: psycopg.Connection) -> None:
        while not self._stopping.is_set():
            # What has arrived (or came in with LISTEN's reply), without waiting; a lost
            # connection raises here.
            for note in conn.notifies(timeout=0):
                self._deliver(note.channel, note.payload)
                if self._stopping.is_set():
                    return
            if self._woken(conn.fileno()):
                return

    def _woken(self, connection: int) -> bool:
        """Wait for the connection or the pipe (IDLE_CHECK at most); True: stop now. poll,
        not select: select cannot watch a descriptor numbered 1024 or more."""
        assert self._wake is not None
        waiting = select.poll()
        waiting.register(connection, select.POLLIN)
        waiting.register(self._wake[0], select.POLLIN)
        return any(fd == self._wake[0] for fd, _ in waiting.poll(IDLE_CHECK * 1000))

    def _deliver(self, channel: str, payload: str) -> None:
        try:
            if channel == INSERT:
                self._on_insert(payload)
            elif channel == SIGNAL:
                self._on_signal(json.loads(payload))
        except Exception:  # noqa: BLE001 - a bad payload must not stop the listener
            log.exception("a %s notification could not be handled: %r", channel, payload)
