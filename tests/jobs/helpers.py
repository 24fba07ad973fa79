"""Small helpers shared by the job-queue tests: read rows, move a job's clock back."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from psycopg import sql

from trainer.db import Repository
from trainer.jobs import Job

TIME_COLUMNS = ("inserted_at", "scheduled_at", "attempted_at")


def stored(repo: Repository) -> list[Job]:
    """Every row of oban_jobs, oldest first."""
    return [Job.from_row(row) for row in repo.query("SELECT * FROM oban_jobs ORDER BY id")]


def count(repo: Repository) -> int:
    return repo.query("SELECT count(*) AS n FROM oban_jobs")[0]["n"]


def set_columns(repo: Repository, job_id: int | None, **values: Any) -> Job:
    """Overwrite columns of one row (as another process, or time, would); return it."""
    assignments = sql.SQL(", ").join(
        sql.SQL("{} = {}").format(sql.Identifier(name), sql.Placeholder(name))
        for name in values
    )
    statement = sql.SQL("UPDATE oban_jobs SET {} WHERE id = {} RETURNING *").format(
        assignments, sql.Placeholder("job_id"))
    rows = repo.query(statement, {**values, "job_id": job_id})
    return Job.from_row(rows[0])


def backdate(repo: Repository, job_id: int | None, column: str, seconds: float) -> Job:
    """Move a timestamp of one job `seconds` into the past."""
    assert column in TIME_COLUMNS
    row = repo.query(
        sql.SQL("SELECT {} AS t FROM oban_jobs WHERE id = %s").format(sql.Identifier(column)),
        (job_id,))[0]
    when: datetime = row["t"]
    return set_columns(repo, job_id, **{column: when - timedelta(seconds=seconds)})
