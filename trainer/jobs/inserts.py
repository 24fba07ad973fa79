"""Storing jobs: one plain insert, one unique insert (a single server-side call), or a
batch in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from trainer.jobs import queries, unique
from trainer.jobs.job import Job


def insert_one(conn: psycopg.Connection, job: Job, now: datetime, *, lock: bool,
               notify: bool = False) -> Job:
    """Store a job; with unique options, the oldest duplicate comes back instead. With
    `notify`, a new available job wakes the listening producers (same statement)."""
    params = {**row_params(job, now), "notify": notify}
    with conn.cursor(row_factory=dict_row) as cur:
        if job.unique is None:
            cur.execute(queries.load("insert_job"), params)
        else:
            params.update(unique.insert_params(job.unique, unique.Candidate.of(job),
                                               job.replace, now, lock))
            cur.execute(queries.load("insert_unique"), params)
        row = cur.fetchone()
    assert row is not None
    return Job.from_row(row)


def insert_many(conn: psycopg.Connection, jobs: Sequence[Job], now: datetime) -> list[Job]:
    """Store many jobs in the connection's transaction, honouring unique job by job."""
    if all(job.unique is None for job in jobs):
        with conn.cursor(row_factory=dict_row) as cur:
            cur.execute(queries.load("insert_jobs"),
                        {"jobs": Jsonb([_batch_row(job, now) for job in jobs])})
            rows = cur.fetchall()
        return sorted((Job.from_row(row) for row in rows), key=lambda j: j.id or 0)
    # One exclusive lock per unique configuration stands in for one lock per job:
    # a transaction may hold only so many locks.
    for key in sorted({unique.config_lock_key(job.unique, job.worker)
                       for job in jobs if job.unique}):
        conn.execute(queries.load("lock_unique_config"), {"config_lock_key": key})
    return [insert_one(conn, job, now, lock=False) for job in jobs]


def row_params(job: Job, now: datetime) -> dict[str, Any]:
    """The new row's columns, as insert_job.sql and insert_unique.sql take them (with
    no notification)."""
    return {"notify": False,
        "state": job.state.value, "queue": job.queue, "worker": job.worker,
        "args": Jsonb(job.args), "meta": Jsonb(job.meta), "tags": list(job.tags),
        "max_attempts": job.max_attempts, "priority": job.priority,
        "inserted_at": now, "scheduled_at": job.scheduled_at or now,
    }


def _batch_row(job: Job, now: datetime) -> dict[str, Any]:
    """One element of insert_jobs.sql's JSON array (timestamps as ISO text)."""
    return {
        "state": job.state.value, "queue": job.queue, "worker": job.worker,
        "args": job.args, "meta": job.meta, "tags": list(job.tags),
        "max_attempts": job.max_attempts, "priority": job.priority,
        "inserted_at": now.isoformat(), "scheduled_at": (job.scheduled_at or now).isoformat(),
    }
