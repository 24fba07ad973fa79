"""The trainer's side of the running-queue benchmarks: `Oban(queues=...).start()`, its
producer fetching and running jobs in threads, on committed data (no sandbox).

Every operation starts from an empty `oban_jobs` (untimed) and checks what ran, as
`trainer_runner.py` does; its SQL is in `benchmarks/sql/`.
"""

from __future__ import annotations

import queue
import time
from typing import Any

from benchmarks.peers.protocol import POLL_SECONDS, WAIT_SECONDS, expect
from trainer.bootstrap import migrate
from trainer.db import Repository
from trainer.jobs import Oban, Worker
from trainer.sqlfiles import load

CONCURRENCY = 10  # jobs at once in the running queue, as the peers'
WARM_UP = 5  # untimed insert-to-perform samples first
IDLE_SECONDS = 0.02  # after the last job ended, before the next insert-to-perform sample
PERFORMED: queue.SimpleQueue[float] = queue.SimpleQueue()  # when each Clocked job began


class Trivial(Worker):
    def perform(self, job: Any) -> None:
        return None


class Clocked(Worker):
    def perform(self, job: Any) -> None:
        PERFORMED.put(time.perf_counter())


class TrainerQueues:
    name = "trainer"

    def __init__(self, conninfo: str) -> None:
        self.repo = Repository(conninfo)
        migrate(self.repo)

    def run(self, op: str, jobs: int) -> dict[str, Any]:
        self.repo.execute(load("benchmarks", "truncate_jobs"))
        reply: dict[str, Any] = getattr(self, op)(jobs)
        return reply

    def close(self) -> None:
        self.repo.close()

    def _count(self, state: str) -> int:
        return int(self.repo.query(load("benchmarks", "count_jobs"), {"state": state})[0]["n"])

    def _finished(self, jobs: int) -> None:
        """Return once `jobs` jobs are completed, counting every POLL_SECONDS."""
        deadline = time.monotonic() + WAIT_SECONDS
        while (found := self._count("completed")) < jobs:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {jobs} completed jobs within "
                                     f"{WAIT_SECONDS:.0f} s, found {found}")
            time.sleep(POLL_SECONDS)

    def _oban(self) -> Oban:
        return Oban(repo=self.repo, name="bench running queue",
                    queues={"default": CONCURRENCY})

    def run_queue(self, jobs: int) -> dict[str, Any]:
        """All the jobs in first, then from start() until every one is completed."""
        oban = self._oban()
        oban.insert_all([Trivial.new({"i": i}) for i in range(jobs)])
        began = time.perf_counter()
        oban.start()
        try:
            self._finished(jobs)
            seconds = time.perf_counter() - began
        finally:
            orphans = oban.stop()
        expect(len(orphans), 0, "queues left with jobs executing")
        expect(self._count("completed"), jobs, "completed jobs")
        return {"seconds": seconds}

    def start_latency(self, samples: int) -> dict[str, Any]:
        """Seconds from just before each insert to its perform beginning."""
        oban = self._oban().start()
        try:
            for _ in range(WARM_UP):
                start_delay(oban)
            found = [start_delay(oban) for _ in range(samples)]
        finally:
            oban.stop()
        expect(self._count("completed"), WARM_UP + samples, "completed jobs")
        return {"samples": found}


    def stop_idle(self, samples: int) -> dict[str, Any]:
        """Seconds a stop takes on an idle instance whose listener is waiting: what each
        `with Oban(...)` block of a lesson pays at its end."""
        found = []
        for _ in range(samples):
            oban = self._oban().start()
            try:
                expect(oban._instance is not None and  # noqa: SLF001 - no public "ready"
                       oban._instance._listener.connected.wait(WAIT_SECONDS), True,  # noqa: SLF001
                       "a listener connected")
                time.sleep(IDLE_SECONDS)  # the listener is waiting for notifications now
            finally:
                began = time.perf_counter()
                orphans = oban.stop()
                found.append(time.perf_counter() - began)
            expect(orphans, {}, "jobs left executing by the stop")
        return {"samples": found}


def start_delay(oban: Oban) -> float:
    """One insert on an idle queue: seconds until its perform begins."""
    while (found := oban.check_queue(queue="default")) is not None and found["running"]:
        time.sleep(IDLE_SECONDS / 10)
    time.sleep(IDLE_SECONDS)
    began = time.perf_counter()
    oban.insert(Clocked.new({}))
    return PERFORMED.get(timeout=WAIT_SECONDS) - began
