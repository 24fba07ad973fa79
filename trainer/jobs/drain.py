"""Draining a queue: run its available jobs here and now, one after another, exactly as
a production runner would record them."""

from __future__ import annotations

import uuid
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from typing import Any, Protocol

import psycopg

from trainer.clock import utcnow
from trainer.jobs import executor, options, queries
from trainer.jobs.job import Job
from trainer.jobs.results import DrainResult
from trainer.jobs.validate import bad
from trainer.jobs.worker import Resolver, Worker


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
    """Passes of run-and-record until the queue is empty (or one pass, without recursion)."""
    result = DrainResult()
    with repo.connection() as conn:  # one connection for the whole drain; each ack commits
        while True:
            if with_scheduled is not False:
                until = None if with_scheduled is True else options.check_scheduled_at(
                    with_scheduled)
                repo.execute(queries.load("stage_jobs"), {"queue": queue, "until": until})
            ran = _one_pass(repo, conn, resolve, node, queue, with_limit, with_safety)
            result = result + ran
            if not with_recursion or ran == DrainResult():
                break
    return result


def _one_pass(repo: DrainRepo, conn: psycopg.Connection, resolve: Resolver, node: str,
              queue: str, limit: int | None, with_safety: bool) -> DrainResult:
    """Run the queue's jobs that were available when the pass began, in order, one at a
    time: each job's ack and the next job's fetch are one statement, and a drain that
    dies holds at most the job it was running."""
    counts = DrainResult()
    workers: dict[str, type[Worker] | LookupError] = {}  # resolved once per pass
    ids = [row["id"] for row in repo.query(queries.load("pass_jobs"),
                                            {"queue": queue, "limit": limit})]
    fetch = {"attempted_by": [node, str(uuid.uuid4())]}
    done: tuple[Job, executor.Transition] | None = None
    for next_id in ids:
        job = _ack_and_fetch(conn, done, next_id, fetch)
        done = None
        if job is None:
            continue  # taken by another drain meanwhile
        if job.worker not in workers:
            workers[job.worker] = resolve(job.worker)
        worker = workers[job.worker]
        result, change = executor.attempt(job, worker, utcnow,
                                          guard=lambda: _savepoint(conn))
        counts.record(change.counted_as)
        if result.exception is not None and (result.interrupted or not with_safety):
            executor.ack(repo, job, change)
            raise result.exception
        done = (job, change)
    if done is not None:
        executor.ack(repo, *done)
    return counts


def _ack_and_fetch(conn: psycopg.Connection, done: tuple[Job, executor.Transition] | None,
                   next_id: int, fetch: dict[str, Any]) -> Job | None:
    params = {**executor.ack_params(done[0].id if done else None, done[1] if done else None),
              **fetch, "next_id": next_id, "now": utcnow()}
    row = conn.execute(queries.load("ack_and_fetch"), params).fetchone()
    return Job.from_columns(row) if row else None


def _savepoint(conn: psycopg.Connection) -> AbstractContextManager[object]:
    """Inside a test's sandbox, a perform whose SQL fails must not abort the test's whole
    transaction: it gets a savepoint, as if it ran on a connection of its own."""
    if conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS:
        return conn.transaction()
    return nullcontext()
