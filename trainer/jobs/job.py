"""Job: one row of `oban_jobs`, or a validated job that is not stored yet."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from trainer.jobs.states import ALL_STATES, JobState
from trainer.jobs.unique import UniqueOptions

COLUMNS = ("id", "state", "queue", "worker", "args", "meta", "tags", "errors", "attempt",
           "max_attempts", "priority", "attempted_by", "inserted_at", "scheduled_at",
           "attempted_at", "completed_at", "discarded_at", "cancelled_at")


@dataclass(frozen=True, kw_only=True)
class Job:
    """A job. `id` is None until it is stored; `conflict` is True when an insert found an
    existing duplicate and returned it instead of storing a new job."""

    id: int | None = None
    state: JobState = JobState.AVAILABLE
    queue: str = "default"
    worker: str
    args: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    errors: tuple[dict[str, Any], ...] = ()
    attempt: int = 0
    max_attempts: int = 20
    priority: int = 0
    attempted_by: tuple[str, ...] | None = None
    inserted_at: datetime | None = None
    scheduled_at: datetime | None = None
    attempted_at: datetime | None = None
    completed_at: datetime | None = None
    discarded_at: datetime | None = None
    cancelled_at: datetime | None = None
    conflict: bool = False
    # Options used when inserting; not stored in the table.
    unique: UniqueOptions | None = field(default=None, repr=False, compare=False)
    replace: dict[JobState, tuple[str, ...]] | None = field(default=None, repr=False,
                                                             compare=False)
    worker_class: type | None = field(default=None, repr=False, compare=False)

    @staticmethod
    def states() -> list[JobState]:
        """The eight job states, in Oban's order (`suspended` first)."""
        return list(ALL_STATES)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Job:
        """A Job from a row of oban_jobs (plus an optional `conflict` column)."""
        return cls(
            id=row["id"],
            state=JobState(row["state"]),
            queue=row["queue"],
            worker=row["worker"],
            args=row["args"],
            meta=row["meta"] if row["meta"] is not None else {},
            tags=tuple(row["tags"] or ()),
            errors=tuple(row["errors"] or ()),
            attempt=row["attempt"],
            max_attempts=row["max_attempts"],
            priority=row["priority"],
            attempted_by=tuple(row["attempted_by"]) if row["attempted_by"] else None,
            inserted_at=row["inserted_at"],
            scheduled_at=row["scheduled_at"],
            attempted_at=row["attempted_at"],
            completed_at=row["completed_at"],
            discarded_at=row["discarded_at"],
            cancelled_at=row["cancelled_at"],
            conflict=bool(row.get("conflict", False)),
        )

    @classmethod
    def from_columns(cls, row: Sequence[Any]) -> Job:
        """A Job from a plain tuple with the columns in COLUMNS' order (what the fetch
        statements return, read without per-row names)."""
        return cls.from_row(dict(zip(COLUMNS, row, strict=True)))

    def evolve(self, **changes: Any) -> Job:
        return dataclasses.replace(self, **changes)
