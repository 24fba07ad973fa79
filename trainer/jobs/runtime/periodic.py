"""A task run every `interval` seconds in a thread of its own, until stopped."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("trainer.oban")


class Periodic:
    def __init__(self, name: str, interval: float, task: Callable[[], object]) -> None:
        self.name, self.interval, self._task = name, interval, task
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._task()
            except Exception:  # noqa: BLE001 - one failed run must not end the next ones
                log.exception("%s failed; trying again in %.1f s", self.name, self.interval)
            self._stopping.wait(self.interval)
