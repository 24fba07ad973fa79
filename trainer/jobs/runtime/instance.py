"""A started Oban instance: its producers, listener and stager, and their control.

Control is applied here at once and signalled to the instances of the same name on
other nodes (unless `local_only`); a signal never comes back to the instance that sent it.
"""

from __future__ import annotations

import atexit
import contextvars
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from trainer import telemetry
from trainer.clock import utcnow
from trainer.db import process
from trainer.errors import ArgumentError
from trainer.jobs import queries
from trainer.jobs.plugins.base import Plugin, run_plugin
from trainer.jobs.runtime.config import QueueConfig, check_limit
from trainer.jobs.runtime.notifier import Listener, notify_insert, notify_signal
from trainer.jobs.runtime.peer import ELECT_EVERY, Peer
from trainer.jobs.runtime.periodic import Periodic
from trainer.jobs.runtime.producer import DB_ERRORS, Producer

STAGE_LIMIT = 5000
log = logging.getLogger("trainer.oban")

# What runs in this process, by (name, node): one instance of a name per node, as in Oban
# (two nodes in one process, with node= given, stand for two machines in tests).
_started: dict[tuple[str, str], Instance] = {}
_started_lock = threading.Lock()


def started() -> list[Instance]:
    with _started_lock:
        return list(_started.values())


def wake_local(queues: Iterable[str]) -> None:
    """An insert in this process: wake the producers of these queues at once, without
    waiting for the notification (which only comes once the insert commits)."""
    for instance in started():
        instance.wake(queues)


class Instance:
    def __init__(self, *, oban: Any, queues: tuple[QueueConfig, ...],
                 plugins: tuple[Plugin, ...], peer: bool) -> None:
        self.name, self.node, self.uuid = oban.name, oban.node, str(uuid.uuid4())
        self._oban, self._repo, self._resolve = oban, oban.repo, oban._resolve
        self._queues = queues
        self.shutdown_grace_period = oban.shutdown_grace_period
        self._producers: dict[str, Producer] = {}
        self._lock = threading.Lock()
        self._listener = Listener(lambda: str(self._repo.conninfo), self._on_insert,
                                  self._on_signal, self.name)
        self.peer = Peer(self._repo, self.name, f"{self.node}:{self.uuid}", enabled=peer)
        # Leader-only work: staging, the plugins; and the elections themselves.
        self._periodic = [
            Periodic(f"{self.name} stager", oban.stage_interval, self._stage),
            Periodic(f"{self.name} election", ELECT_EVERY, self.peer.elect),
            *(Periodic(f"{self.name} {p.name}", p.interval, partial(self._run_plugin, p))
              for p in plugins),
        ]
        self.running = False

    # -- starting and stopping ------------------------------------------------------

    def start(self) -> None:
        with _started_lock:
            if (self.name, self.node) in _started:
                raise ArgumentError(
                    f"an Oban named {self.name!r} is already running in this process: stop "
                    "it first (oban.stop()), or give this one another name=")
            _started[self.name, self.node] = self
        with self._repo.connection():  # the database is there before anything starts
            pass
        for config in self._queues:
            self._start_producer(config)
        self._listener.start()
        # Outside any sandbox of the caller's (a test's): the leader row is committed,
        # so this instance's own election thread is never blocked by it.
        contextvars.Context().run(self.peer.elect)
        for periodic in self._periodic:
            periodic.start()
        self.running = True
        # Stopped before the lesson's server is, at exit, even if nobody calls stop().
        process.before_shutdown(self.stop)
        atexit.register(self.stop)

    def stop(self) -> dict[str, list[int]]:
        """Stop every queue gracefully; return the ids left executing, by queue."""
        with _started_lock:
            if _started.get((self.name, self.node)) is not self:
                return {}
            del _started[self.name, self.node]
        for periodic in self._periodic:
            periodic.stop()
        with self._lock:
            producers = list(self._producers.values())
            self._producers.clear()
        for producer in producers:
            producer.pause()
        began = time.perf_counter()
        orphans = {p.queue: p.stop(self.shutdown_grace_period) for p in producers}
        for queue, ids in orphans.items():
            telemetry.execute("oban.queue.shutdown", {"elapsed": time.perf_counter() - began},
                              {"name": self.name, "queue": queue, "orphaned": ids})
        self._listener.stop()
        self._resign()
        self.running = False
        process.forget_before_shutdown(self.stop)
        atexit.unregister(self.stop)
        for queue, ids in orphans.items():
            if ids:
                log.warning("queue %r stopped with jobs still running, left executing: %s",
                            queue, ids)
        return {queue: ids for queue, ids in orphans.items() if ids}

    def _start_producer(self, config: QueueConfig) -> None:
        producer = Producer(config, self._repo, self._resolve, self.node)
        with self._lock:
            if config.name in self._producers:
                return
            self._producers[config.name] = producer
        producer.start()
        producer.wake()

    # -- waking --------------------------------------------------------------------

    def wake(self, queues: Iterable[str]) -> None:
        with self._lock:
            producers = [self._producers[q] for q in set(queues) if q in self._producers]
        for producer in producers:
            producer.wake()

    def _on_insert(self, queue: str) -> None:
        self.wake([queue])

    def _stage(self) -> None:
        """On the leader: make due jobs available, and wake every instance's producers
        of their queues."""
        if not self.peer.leader:
            return
        with self._repo.connection() as conn:
            rows = conn.execute(queries.load("stage_due"),
                                {"now": utcnow(), "limit": STAGE_LIMIT}).fetchall()
            queues = {row[0] for row in rows}
            if queues:
                notify_insert(conn, queues)
        self.wake(queues)

    def _run_plugin(self, plugin: Plugin) -> None:
        if not self.peer.leader:
            plugin.follow(self._oban)
            return
        run_plugin(plugin, self._oban)

    def _resign(self) -> None:
        contextvars.Context().run(self._give_up_leadership)  # outside any sandbox

    def _give_up_leadership(self) -> None:
        """A stopping leader gives leadership up and tells the others to elect now."""
        try:
            if self.peer.resign():
                with self._repo.connection() as conn:
                    notify_signal(conn, {"action": "leader_down", "queue": "*",
                                         "name": self.name, "from": self.uuid})
        except DB_ERRORS as error:
            log.warning("could not give leadership up (%s): it expires by itself", error)

    # -- control -------------------------------------------------------------------

    def producer(self, queue: str) -> Producer | None:
        with self._lock:
            return self._producers.get(queue)

    def control(self, action: str, queue: str, local_only: bool, **extra: Any) -> None:
        """Apply a queue action here, and signal it to the other nodes."""
        if queue != "*" and self.producer(queue) is None and action != "start":
            if local_only:
                raise ArgumentError(f"queue {queue!r} is not running in this instance "
                                    f"(running: {sorted(self._producers)})")
        else:
            self._apply(action, queue, extra)
        if not local_only:
            with self._repo.connection() as conn:
                notify_signal(conn, {"action": action, "queue": queue, "name": self.name,
                                     "from": self.uuid, **extra})

    def _on_signal(self, signal: dict[str, Any]) -> None:
        if signal.get("from") == self.uuid or signal.get("name") != self.name:
            return
        if signal["action"] == "leader_down":
            self.peer.elect()
            return
        self._apply(str(signal["action"]), str(signal["queue"]), signal)

    def _apply(self, action: str, queue: str, extra: dict[str, Any]) -> None:
        if action == "start":
            self._start_producer(QueueConfig(queue, check_limit(extra["limit"]),
                                             bool(extra.get("paused", False))))
            return
        with self._lock:
            targets = [p for name, p in self._producers.items() if queue in ("*", name)]
            if action == "stop":
                for producer in targets:
                    del self._producers[producer.queue]
        actions: dict[str, Callable[[Producer], Any]] = {
            "pause": Producer.pause, "resume": Producer.resume,
            "scale": lambda p: p.scale(check_limit(extra["limit"])),
            "stop": lambda p: p.stop(self.shutdown_grace_period),
        }
        for producer in targets:
            actions[action](producer)
