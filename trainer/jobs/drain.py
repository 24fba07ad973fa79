"""Draining a queue: run its available jobs here and now, one after another, exactly as
a production runner would record them."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from typing import Any, Protocol

import psycopg

from trainer.clock import utcnow
from trainer.jobs import executor, options, queries
from trainer.jobs.job import Job
from trainer.jobs.results import DrainResult
from trainer.jobs.validate import bad
from trainer.jobs.worker import Worker

Resolver = Callable[[str], "type[Worker] | LookupError"]


class DrainRepo(Protocol):
    def connection(self) -> AbstractContextManager[psycopg.Connection]: ...
    def query(self, statement: str, params: Any = None) -> list[dict[str, Any]]: ...
    def execute(self, statement: str, params: Any = None) -> int: ...


def check_drain_options(queue: Any, with_limit: Any, with_recursion: Any, with_safety: Any,
                        with_scheduled: Any) -> None:
    if queue is None:
        raise bad("queue", queue, "a queue name, which drain_queue requires, "
                  "e.g. drain_queue(queue='default')")
    options.check_queue(queue)
    if with_limit is not None and (not isinstance(with_limit, int)
                                   or isinstance(with_limit, bool) or with_limit < 1):
        raise bad("with_limit", with_limit, "a positive integer, or None for no limit")
    for name, flag in (("with_recursion", with_recursion), ("with_safety", with_safety)):
        if not isinstance(flag, bool):
            raise bad(name, flag, "True or False")
    if not isinstance(with_scheduled, bool | datetime):
        raise bad("with_scheduled", with_scheduled, "True, False or a datetime")


def drain(repo: DrainRepo, resolve: Resolver, node: str, *, queue: str,
          with_limit: int | None, with_recursion: bool, with_safety: bool,
          with_scheduled: bool | datetime) -> DrainResult:
    """Passes of fetch-and-run until the queue is empty (or one pass, without recursion)."""
    result = DrainResult()
    with repo.connection() as conn:  # one connection for the whole drain; each ack commits
        while True:
            if with_scheduled is not False:
                until = None if with_scheduled is True else options.check_scheduled_at(
                    with_scheduled)
                repo.execute(queries.load("stage_jobs"), {"queue": queue, "until": until})
            jobs = _fetch(repo, node, queue, with_limit)
            if not jobs:
                break
            result = result + _run_all(repo, resolve, jobs, with_safety, conn)
            if not with_recursion:
                break
    return result


def _fetch(repo: DrainRepo, node: str, queue: str, limit: int | None) -> list[Job]:
    rows = repo.query(queries.load("fetch_jobs"), {
        "queue": queue, "limit": limit, "now": utcnow(),
        "attempted_by": [node, str(uuid.uuid4())],
    })
    return sorted((Job.from_row(row) for row in rows),
                  key=lambda j: (j.priority, j.scheduled_at, j.id))


def _run_all(repo: DrainRepo, resolve: Resolver, jobs: Sequence[Job],
             with_safety: bool, conn: psycopg.Connection) -> DrainResult:
    counts = DrainResult()
    workers: dict[str, type[Worker] | LookupError] = {}  # resolved once per pass
    not_started = list(jobs)
    try:
        while not_started:
            job = not_started.pop(0)
            if job.worker not in workers:
                workers[job.worker] = resolve(job.worker)
            worker = workers[job.worker]
            result = executor.perform(job, worker, guard=lambda: _savepoint(conn))
            change = executor.transition(job, result, utcnow(), worker)
            # Each ack is committed before the next job starts: a drain that dies leaves
            # no finished job looking as if it were still running.
            executor.ack(repo, job, change)
            counts.record(change.counted_as)
            if result.exception is not None and (result.interrupted or not with_safety):
                raise result.exception
    finally:
        # Stricter than Oban: whatever stopped the drain (with_safety=False, Ctrl-C, a
        # crash), the jobs it had taken and not started go back as they were.
        if not_started:
            repo.execute(queries.load("release_jobs"), {"ids": [j.id for j in not_started]})
    return counts


def _savepoint(conn: psycopg.Connection) -> AbstractContextManager[object]:
    """Inside a test's sandbox, a perform whose SQL fails must not abort the test's whole
    transaction: it gets a savepoint, as if it ran on a connection of its own."""
    if conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS:
        return conn.transaction()
    return nullcontext()
