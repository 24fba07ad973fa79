"""Oban: insert jobs, run queues, drain them in tests, retry and cancel, on the
trainer's PostgreSQL.

    oban = Oban(queues={"default": 10}).start()   # jobs run by themselves, in threads
    job = oban.insert(Refunder.new({"id": 1, "reason": "cold"}))

    oban = Oban(testing="manual")                  # in tests: jobs run when drained
    oban.drain_queue(queue="default")   # -> DrainResult(success=1, ...)
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

import psycopg
from psycopg.rows import dict_row

from trainer.clock import utcnow
from trainer.db.repo import Repo
from trainer.errors import ArgumentError
from trainer.jobs import drain, executor, filters, inserts, modes, queries, retry
from trainer.jobs.job import Job
from trainer.jobs.plugins.base import check_plugins
from trainer.jobs.results import DrainResult
from trainer.jobs.runtime import config as runtime_config
from trainer.jobs.runtime import instance as runtime
from trainer.jobs.runtime.control import QueueControl
from trainer.jobs.runtime.notifier import notify_insert
from trainer.jobs.states import JobState
from trainer.jobs.validate import bad, seconds_of
from trainer.jobs.worker import Worker, resolve_worker

TESTING_MODES = ("manual", "inline", "disabled")


@runtime_checkable
class JobRepo(Protocol):
    """What Oban needs of a repo: trainer.Repo, or anything shaped like it."""

    def connection(self) -> AbstractContextManager[psycopg.Connection]: ...
    def transaction(self) -> AbstractContextManager[psycopg.Connection]: ...
    def query(self, statement: str, params: Any = None) -> list[dict[str, Any]]: ...
    def execute(self, statement: str, params: Any = None) -> int: ...


class Oban(QueueControl):
    """A job queue on the trainer's database.

    testing="disabled" (the default): jobs are stored; `start()` runs the `queues` in
    this process, and `drain_queue` runs a queue's jobs here and now.
    testing="manual": jobs are stored and run only when you drain a queue (for tests);
    `start()` runs no queue.
    testing="inline": jobs run at once, in `insert`, and are not stored.

    queues: {"default": 10, "email": {"limit": 1, "paused": True}}: jobs at once, per
    queue. plugins: [Cron(...), Pruner(...), Lifeline(...)], run by the leader (see
    trainer.jobs.plugins); peer=False: no instance leads. shutdown_grace_period: seconds
    `stop()` waits for running jobs (15).
    stage_interval: seconds between two stagings of due scheduled jobs (1).
    """

    def __init__(self, *, testing: str = "disabled", repo: JobRepo | None = None,
                 node: str | None = None, name: str = "Oban", queues: Any = None,
                 plugins: Any = None, peer: bool = True,
                 shutdown_grace_period: float | timedelta = 15,
                 stage_interval: float | timedelta = 1.0, insert_trigger: bool = True) -> None:
        if testing not in TESTING_MODES:
            raise bad("testing", testing, f"one of {list(TESTING_MODES)}")
        if repo is not None and not isinstance(repo, JobRepo):
            raise ArgumentError(f"repo must be a Repository such as trainer.Repo, got {repo!r}")
        if not isinstance(name, str) or not name:
            raise bad("name", name, "a non-empty string")
        if not isinstance(insert_trigger, bool):
            raise bad("insert_trigger", insert_trigger, "True or False")
        self.testing, self.name = testing, name
        self.repo: JobRepo = repo or Repo
        self.node = node or socket.gethostname()
        self.queues = runtime_config.check_queues(queues)
        self.plugins = check_plugins(plugins)
        if not isinstance(peer, bool):
            raise bad("peer", peer, "True (instances elect a leader) or False (none leads: "
                      "no staging, no plugins)")
        self.peer = peer
        self.shutdown_grace_period = runtime_config.check_seconds(
            "shutdown_grace_period", shutdown_grace_period)
        self.stage_interval = runtime_config.check_seconds(
            "stage_interval", stage_interval, allow_zero=False)
        self.insert_trigger = insert_trigger
        self._workers: dict[str, type[Worker]] = {}
        self._instance: runtime.Instance | None = None

    @classmethod
    def validate(cls, **options: Any) -> None:
        """Check a configuration without starting anything: raises the error `Oban(...)`
        would, naming the option; returns None when every option is right."""
        cls(**options)

    @property
    def config(self) -> dict[str, Any]:
        """This instance's configuration, as given (after checking)."""
        return {"name": self.name, "node": self.node, "testing": self.testing,
                "queues": {q.name: {"limit": q.limit, "paused": q.paused}
                           for q in self.queues},
                "plugins": list(self.plugins), "peer": self.peer,
                "shutdown_grace_period": self.shutdown_grace_period,
                "stage_interval": self.stage_interval, "insert_trigger": self.insert_trigger}

    def __repr__(self) -> str:
        queues = {q.name: q.limit for q in self.queues}
        running = ", running" if self._instance is not None and self._instance.running else ""
        return f"Oban(name={self.name!r}, testing={self.testing!r}, queues={queues}{running})"

    # -- running in this process -------------------------------------------------------

    def start(self) -> Oban:
        """Run the queues in this process, in threads, until `stop()` (or the end of
        the process). A testing mode runs no queue, as in Oban."""
        if self.testing != "disabled" or (self._instance and self._instance.running):
            return self
        self._instance = runtime.Instance(oban=self, queues=self.queues,
                                          plugins=self.plugins, peer=self.peer)
        self._instance.start()
        return self

    def stop(self) -> dict[str, list[int]]:
        """Stop fetching, wait up to shutdown_grace_period for running jobs; return the
        ids of those still running, by queue: they stay `executing` (orphans)."""
        return self._instance.stop() if self._instance is not None else {}

    def __enter__(self) -> Oban:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # -- inserting ---------------------------------------------------------------------

    def insert(self, job: Job) -> Job:
        """Store a job; return it as stored. With unique options, a duplicate is not stored:
        the oldest existing match comes back instead, with `conflict=True` (and with the
        fields named by `replace` overwritten)."""
        _check_job(job, "insert")
        self._remember(job)
        if modes.effective(self.testing) == "inline":
            return self._run_inline(job)
        triggers = self._triggers()
        with self.repo.connection() as conn:
            stored = inserts.insert_one(conn, job, utcnow(), lock=True, notify=triggers)
        if triggers and stored.state is JobState.AVAILABLE and not stored.conflict:
            runtime.wake_local([stored.queue])
        return stored

    def insert_all(self, jobs: Iterable[Job]) -> list[Job]:
        """Store many jobs in one transaction, honouring unique and replace job by job."""
        if isinstance(jobs, Job) or not isinstance(jobs, Iterable):
            raise ArgumentError(f"insert_all expects a list of jobs, got {jobs!r}")
        jobs = list(jobs)
        for job in jobs:
            _check_job(job, "insert_all")
            self._remember(job)
        if modes.effective(self.testing) == "inline":
            return [self._run_inline(job) for job in jobs]
        if not jobs:
            return []
        with self.repo.transaction() as conn:
            stored = inserts.insert_many(conn, jobs, utcnow())
            self._announce(conn, stored)
        return stored

    def _announce(self, conn: psycopg.Connection, jobs: list[Job]) -> None:
        """The insert trigger: wake the producers of queues that got available jobs, here
        at once, elsewhere by a notification (delivered when the insert commits)."""
        queues = {job.queue for job in jobs
                  if job.state is JobState.AVAILABLE and not job.conflict}
        if queues and self._triggers():
            notify_insert(conn, queues)
            runtime.wake_local(queues)

    def _triggers(self) -> bool:
        """Whether inserts wake running queues (never in a testing mode)."""
        return self.insert_trigger and modes.effective(self.testing) == "disabled"

    def _remember(self, job: Job) -> None:
        if job.worker_class is not None:
            self._workers[job.worker] = job.worker_class

    # -- running -----------------------------------------------------------------------

    def drain_queue(self, *, queue: str | None = None, with_limit: int | None = None,
                    with_recursion: bool = False, with_safety: bool = True,
                    with_scheduled: bool | datetime = False) -> DrainResult:
        """Run the queue's available jobs here and now, one after another, as production
        would; return how many succeeded, failed, were discarded, cancelled or snoozed.

        with_limit: jobs taken per pass (default: all). with_recursion: keep passing
        while a pass ran something (jobs inserted by jobs). with_safety=False: an
        exception in a job is raised here, after being recorded. with_scheduled: first
        make scheduled and retryable jobs available (all, or those due by a datetime).
        """
        drain.check_drain_options(queue, with_limit, with_recursion, with_safety,
                                  with_scheduled)
        assert queue is not None
        return drain.drain(self.repo, self._resolve, self.node, queue=queue,
                           with_limit=with_limit, with_recursion=with_recursion,
                           with_safety=with_safety, with_scheduled=with_scheduled)

    def _resolve(self, name: str) -> type[Worker] | LookupError:
        try:
            return resolve_worker(name, self._workers)
        except LookupError as error:
            return error

    def _run_inline(self, job: Job) -> Job:
        """Oban's inline testing mode: run now, store nothing, exceptions propagate."""
        now = utcnow()
        running = job.evolve(state=JobState.EXECUTING, attempt=1, attempted_at=now)
        worker = self._resolve(job.worker)
        result, change = executor.attempt(running, worker, utcnow)
        if result.exception is not None:
            raise result.exception
        return executor.applied(running, change)

    # -- looking, retrying, cancelling, rescuing --------------------------------------

    def list_jobs(self, *, limit: int | None = None, **filter_by: Any) -> list[Job]:
        """Jobs matching the filters (id, ids, worker, queue, state, args, meta), newest
        first. `args` and `meta` match when they contain the given pairs."""
        params = filters.job_filter_params(filter_by)
        params["limit"] = limit
        return [Job.from_row(row) for row in self.repo.query(queries.load("list_jobs"), params)]

    def get_job(self, job_or_id: Job | int) -> Job | None:
        """The job as it is stored now, or None."""
        found = self.list_jobs(ids=[filters.job_id(job_or_id)])
        return found[0] if found else None

    def retry_job(self, job_or_id: Job | int) -> None:
        """Make a finished or waiting job available to run again now."""
        self.retry_all_jobs(ids=[filters.job_id(job_or_id)])

    def retry_all_jobs(self, **filter_by: Any) -> int:
        """retry_job for every job matching the filters; return how many changed. A job
        of a unique worker whose key another job holds now is left as it is."""
        with self.repo.transaction() as conn:
            return retry.retry(conn, self._resolve, filter_by, utcnow())

    def cancel_job(self, job_or_id: Job | int) -> None:
        """Cancel a job that has not finished."""
        self.cancel_all_jobs(ids=[filters.job_id(job_or_id)])

    def cancel_all_jobs(self, **filter_by: Any) -> int:
        """cancel_job for every job matching the filters; return how many changed."""
        params = filters.job_filter_params(filter_by)
        params["now"] = utcnow()
        return self.repo.execute(queries.load("cancel_jobs"), params)

    def rescue_orphaned_jobs(self, *, after: int | timedelta) -> list[Job]:
        """Oban's lifeline: jobs executing for longer than `after` lost their runner.
        They become available again, or discarded when no attempt is left."""
        seconds = seconds_of("after", after, allow_negative=False)
        with self.repo.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(queries.load("rescue_jobs"), {"now": utcnow(), "after_seconds": seconds})
            jobs = [Job.from_row(row) for row in cur.fetchall()]
            self._announce(conn, jobs)  # running queues take the rescued jobs at once
        return jobs


def _check_job(job: Any, where: str) -> None:
    if not isinstance(job, Job):
        raise ArgumentError(
            f"{where} expects a Job built with YourWorker.new(args), got {job!r}"
        )
    if job.id is not None:
        raise ArgumentError(f"{where} got job {job.id}, which is stored already")
