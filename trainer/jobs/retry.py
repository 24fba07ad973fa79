"""Retrying jobs: bring finished or waiting jobs back to run now.

Stricter than Oban: a job whose worker is unique comes back only if no other job holds
its unique key now. Say a cancelled refund (cancelled jobs do not count for uniqueness by
default) and a newer refund for the same order waits: retrying the cancelled one would
make two refunds for one order, so it stays as it is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row

from trainer.jobs import filters, inserts, queries, unique
from trainer.jobs.job import Job
from trainer.jobs.states import JobState
from trainer.jobs.worker import Resolver


def retry(conn: psycopg.Connection, resolve: Resolver, filter_by: dict[str, Any],
          now: datetime) -> int:
    """Retry every job matching the filters that may come back; return how many did."""
    params = filters.job_filter_params(filter_by)
    with conn.cursor(row_factory=dict_row) as cur:
        candidates = [Job.from_row(row) for row in
                      cur.execute(queries.load("retry_candidates"), params).fetchall()]
    checks = []
    for job in candidates:
        worker = resolve(job.worker)
        options = worker.worker_unique if isinstance(worker, type) else None
        checks.append((job, options))
    # Locks in one order, so two retries at once never wait for each other in a circle.
    checks.sort(key=lambda pair: unique.value_lock_key(pair[1], unique.Candidate.of(pair[0]))
                if pair[1] is not None else 0)
    ids = [job.id for job, options in checks
           if options is None or not _held_by_another(conn, job, options, now)]
    if not ids:
        return 0
    with conn.cursor() as cur:
        cur.execute(queries.load("retry_jobs"),
                    {**filters.job_filter_params({"ids": ids}), "now": now})
        return cur.rowcount


def _held_by_another(conn: psycopg.Connection, job: Job, options: unique.UniqueOptions,
                     now: datetime) -> bool:
    """Would this job, inserted now, find a duplicate other than itself?"""
    candidate = unique.Candidate.of(job)
    conn.execute(queries.load("lock_unique_value"), {
        "config_lock_key": unique.config_lock_key(options, job.worker),
        "lock_key": unique.value_lock_key(options, candidate)})
    as_new = job.evolve(state=JobState.AVAILABLE, scheduled_at=now)
    params = {**inserts.row_params(as_new, now),
              **unique.insert_params(options, candidate, None, now, lock=False)}
    # The unique insert's own lookup, in a savepoint that is always rolled back: what it
    # would insert is never kept.
    with conn.transaction(force_rollback=True), conn.cursor(row_factory=dict_row) as cur:
        found = cur.execute(queries.load("insert_unique"), params).fetchone()
    return found is not None and bool(found["conflict"]) and found["id"] != job.id
