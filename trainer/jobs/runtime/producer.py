"""A queue's producer: fetches up to `limit` jobs at once and runs each in one of its
job threads (kept and reused, see workers.py).

It fetches when woken (an insert notification, a job ending, a queue signal) and at least
once a second. A job that runs past its worker's `timeout(job)` is recorded as failed and
its slot freed; Python cannot stop a thread from outside, so the thread runs on, and what
its perform returns is ignored. On stop, jobs still running after the grace period are
left `executing` (orphans, for the Lifeline), and their threads record nothing.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from trainer.clock import utcnow
from trainer.errors import DatabaseConnectionLost, DatabaseUnavailable
from trainer.jobs import events, executor, queries
from trainer.jobs.job import Job
from trainer.jobs.results import Outcome
from trainer.jobs.runtime.config import QueueConfig
from trainer.jobs.runtime.timeouts import timeout_of
from trainer.jobs.runtime.workers import Workers
from trainer.jobs.worker import Resolver, Worker

POLL_SECONDS = 1.0
DB_ERRORS = (psycopg.OperationalError, DatabaseConnectionLost, DatabaseUnavailable)
log = logging.getLogger("trainer.oban")


@dataclass(eq=False)
class Attempt:
    """One job this producer is running."""

    job: Job
    worker: type[Worker] | LookupError
    deadline: float | None = None  # time.monotonic() past which it has timed out
    timeout: float | None = None
    began: float = 0.0  # time.perf_counter() at the start event
    settled: bool = False  # its outcome is being recorded (or will never be)


class Producer:
    def __init__(self, config: QueueConfig, repo: Any, resolve: Resolver, node: str) -> None:
        self.queue, self.limit, self.paused = config.name, config.limit, config.paused
        self.node, self.uuid = node, str(uuid.uuid4())
        self.started_at: datetime = utcnow()
        self._repo, self._resolve = repo, resolve
        self._running: dict[int, Attempt] = {}
        self._lock = threading.Condition()
        self._wake = threading.Event()
        self._stopping = False
        self._abandoned = threading.Event()
        self._thread = threading.Thread(target=self._dispatch_loop, daemon=True,
                                        name=f"oban queue {self.queue!r}")
        self._workers: Workers[Attempt] = Workers(f"oban queue {self.queue!r}", self._run)

    # -- control ---------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False
        self.wake()

    def scale(self, limit: int) -> None:
        self.limit = limit  # lowering it stops no running job; they finish as they are
        self.wake()

    def check(self) -> dict[str, Any]:
        with self._lock:
            running = sorted(self._running)
        return {"queue": self.queue, "limit": self.limit, "paused": self.paused,
                "node": self.node, "uuid": self.uuid, "started_at": self.started_at,
                "running": running}

    def stop(self, grace: float) -> list[int]:
        """Stop fetching, wait up to `grace` seconds for running jobs; return the ids
        of those still running (left executing)."""
        with self._lock:
            self._stopping, self.paused = True, True
        self.wake()
        if self._thread.is_alive():
            self._thread.join()
        deadline = time.monotonic() + grace
        with self._lock:
            while self._running and (left := deadline - time.monotonic()) > 0:
                self._lock.wait(left)
            orphans = sorted(job_id for job_id, attempt in self._running.items()
                             if not attempt.settled)
            for attempt in self._running.values():
                attempt.settled = True
            self._abandoned.set()  # an ack still retrying gives up
        self._workers.idle_go()
        return orphans

    # -- fetching --------------------------------------------------------------------

    def _dispatch_loop(self) -> None:
        while True:
            self._wake.wait(self._wait_seconds())
            self._wake.clear()
            self._expire()
            with self._lock:
                if self._stopping:
                    return
                demand = 0 if self.paused else self.limit - len(self._running)
            if demand > 0:
                try:
                    jobs = self._fetch(demand)
                except DB_ERRORS as error:
                    log.warning("queue %r could not fetch jobs (%s); trying again",
                                self.queue, error)
                    continue
                for job in jobs:
                    self._begin(job)

    def _wait_seconds(self) -> float:
        with self._lock:
            deadlines = [a.deadline for a in self._running.values()
                         if a.deadline is not None and not a.settled]
        if not deadlines:
            return POLL_SECONDS
        return max(0.0, min(POLL_SECONDS, min(deadlines) - time.monotonic()))

    def _fetch(self, demand: int) -> list[Job]:
        params = {"queue": self.queue, "demand": demand, "now": utcnow(),
                  "attempted_by": [self.node, self.uuid]}
        with self._repo.connection() as conn:
            rows = conn.execute(queries.load("fetch_jobs"), params).fetchall()
        jobs = [Job.from_columns(row) for row in rows]
        return sorted(jobs, key=lambda job: (job.priority, job.scheduled_at, job.id))

    def _begin(self, job: Job) -> None:
        worker = self._resolve(job.worker)
        timeout = timeout_of(worker, job)
        attempt = Attempt(job, worker, began=events.started(job))
        if isinstance(timeout, str):  # timeout() itself is wrong: the attempt fails
            self._settle(attempt, executor.Result(Outcome.FAILURE, error=timeout))
            return
        if timeout is not None:
            attempt.timeout, attempt.deadline = timeout, time.monotonic() + timeout
        with self._lock:
            assert job.id is not None
            self._running[job.id] = attempt
        self._workers.submit(attempt)

    # -- running and recording ---------------------------------------------------------

    def _run(self, attempt: Attempt) -> None:
        result = executor.perform(attempt.job, attempt.worker)
        with self._lock:
            if attempt.settled:
                return  # timed out, or abandoned at stop: its outcome is not ours to record
            attempt.settled = True
        self._settle(attempt, result)

    def _expire(self) -> None:
        now = time.monotonic()
        with self._lock:
            expired = [a for a in self._running.values() if not a.settled
                       and a.deadline is not None and a.deadline <= now]
            for attempt in expired:
                attempt.settled = True
        for attempt in expired:
            error = (f"TimeoutError: {attempt.job.worker} timed out after "
                     f"{attempt.timeout:g} s (its thread runs on; what it returns is ignored)")
            self._settle(attempt, executor.Result(Outcome.FAILURE, error=error))

    def _settle(self, attempt: Attempt, result: executor.Result) -> None:
        """Record the attempt's outcome, retrying while the database is away, then free
        its slot."""
        job = attempt.job
        change = executor.transition(job, result, utcnow(), attempt.worker)
        executor.report(attempt.began, job, result, change)
        pause = 0.1
        while True:
            try:
                executor.ack(self._repo, job, change)
                break
            except DB_ERRORS as error:
                if self._abandoned.is_set():
                    break
                log.warning("job %s: its outcome could not be recorded (%s); retrying",
                            job.id, error)
                time.sleep(pause)
                pause = min(pause * 2, 5.0)
        with self._lock:
            self._running.pop(job.id or 0, None)
            self._lock.notify_all()
        self.wake()
