"""The trainer's side of the job-queue benchmarks, on committed data (no sandbox).

Every operation starts from an empty `oban_jobs` (TRUNCATE, untimed) and checks what it
stored or ran, so a fast wrong answer cannot pass for a fast right one.
"""

from __future__ import annotations

import time
from typing import Any

from trainer.bootstrap import migrate
from trainer.db import Repository
from trainer.jobs import INFINITY, Oban, Worker


class Noop(Worker):
    def perform(self, job: Any) -> None:
        return None


class UniqueNoop(Worker, unique={"keys": ["id"], "period": INFINITY}):
    def perform(self, job: Any) -> None:
        return None


class TrainerRunner:
    name = "trainer"

    def __init__(self, conninfo: str) -> None:
        self.repo = Repository(conninfo)
        migrate(self.repo)
        self.oban = Oban(repo=self.repo)

    def run(self, op: str, jobs: int) -> dict[str, Any]:
        self.repo.execute("TRUNCATE oban_jobs RESTART IDENTITY")
        seconds = getattr(self, op)(jobs)
        return {"seconds": seconds}

    def close(self) -> None:
        self.repo.close()

    def _count(self, state: str | None = None) -> int:
        rows = self.repo.query("SELECT count(*) AS n FROM oban_jobs "
                               "WHERE %(state)s::text IS NULL OR state::text = %(state)s",
                               {"state": state})
        return int(rows[0]["n"])

    def _expect(self, stored: int, state: str | None = None) -> None:
        found = self._count(state)
        if found != stored:
            raise AssertionError(f"expected {stored} jobs ({state or 'any state'}), "
                                 f"found {found}")

    def insert_one(self, jobs: int) -> float:
        began = time.perf_counter()
        for i in range(jobs):
            self.oban.insert(Noop.new({"i": i}))
        seconds = time.perf_counter() - began
        self._expect(jobs)
        return seconds

    def insert_batch(self, jobs: int) -> float:
        began = time.perf_counter()
        self.oban.insert_all([Noop.new({"i": i}) for i in range(jobs)])
        seconds = time.perf_counter() - began
        self._expect(jobs)
        return seconds

    def insert_unique_half(self, jobs: int) -> float:
        """Keys 0..n/2-1, then each again: the second half all conflict."""
        half = jobs // 2
        began = time.perf_counter()
        for i in range(jobs):
            self.oban.insert(UniqueNoop.new({"id": i % half}))
        seconds = time.perf_counter() - began
        self._expect(half)
        return seconds

    def drain(self, jobs: int) -> float:
        self.oban.insert_all([Noop.new({"i": i}) for i in range(jobs)])
        began = time.perf_counter()
        result = self.oban.drain_queue(queue="default")
        seconds = time.perf_counter() - began
        if result.success != jobs:
            raise AssertionError(f"drain ran {result}, expected {jobs} successes")
        self._expect(jobs, "completed")
        return seconds
