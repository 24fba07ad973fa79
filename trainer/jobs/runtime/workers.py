"""The threads a producer runs its jobs in: made when no idle one is free, then kept and
reused (starting a thread for each job cost more than most jobs' own work)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

Task = TypeVar("Task")


class Workers(Generic[Task]):
    def __init__(self, name: str, run: Callable[[Task], None]) -> None:
        self._name, self._run = name, run
        self._tasks: queue.SimpleQueue[Task | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._spare = 0  # idle threads no task has been handed to yet
        self.made = 0

    def submit(self, task: Task) -> None:
        with self._lock:
            spawn = self._spare == 0
            if spawn:
                self.made += 1
            else:
                self._spare -= 1
        self._tasks.put(task)
        if spawn:
            threading.Thread(target=self._loop, daemon=True,
                             name=f"{self._name} worker {self.made}").start()

    def idle_go(self) -> None:
        """Let the idle threads end (a busy one ends when its task does, at a stop)."""
        with self._lock:
            spare, self._spare = self._spare, 0
        for _ in range(spare):
            self._tasks.put(None)

    def _loop(self) -> None:
        while (task := self._tasks.get()) is not None:
            try:
                self._run(task)
            finally:
                with self._lock:
                    self._spare += 1
