"""Running queues: every test here works on committed rows (no sandbox), with an Oban
whose instance is stopped at the end, whatever the test did."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import wait_for
from trainer.db import Repository
from trainer.jobs import Job, Oban

pytestmark = pytest.mark.no_sandbox


@pytest.fixture
def start(committed: Repository) -> Iterator[Callable[..., Oban]]:
    """start(queues=..., **options): a started Oban on committed rows; stopped after."""
    started: list[Oban] = []

    def start_one(**options: Any) -> Oban:
        options.setdefault("shutdown_grace_period", 5)
        options.setdefault("stage_interval", 0.2)
        oban = Oban(repo=committed, **options).start()
        started.append(oban)
        return oban

    yield start_one
    for oban in started:
        oban.stop()


class Gate:
    """Lets a test hold jobs inside perform and release them when it wants. Every gate is
    opened after each test (no job stays held) and closed again for the next."""

    made: list[Gate] = []

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()
        Gate.made.append(self)

    def reset(self) -> None:
        self.inside: list[int] = []
        self.most_at_once = 0
        self._open = threading.Event()

    def enter(self, job: Job, wait: float = 30) -> None:
        with self._lock:
            self.inside.append(job.id or 0)
            self.most_at_once = max(self.most_at_once, len(self.inside))
        try:
            self._open.wait(wait)
        finally:
            with self._lock:
                self.inside.remove(job.id or 0)

    def open(self) -> None:
        self._open.set()


@pytest.fixture(autouse=True)
def _gates_closed_then_opened() -> Iterator[None]:
    for gate in Gate.made:
        gate.reset()
    yield
    for gate in Gate.made:
        gate.open()


def eventually(condition: Callable[[], Any], what: str, timeout: float = 10) -> Any:
    return wait_for(condition, what, timeout, poll=0.01)
