"""A worker's `timeout(job)`: how long one attempt may run, checked before it starts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from trainer.jobs.job import Job
from trainer.jobs.validate import MAX_SECONDS
from trainer.jobs.worker import Worker


def timeout_of(worker: type[Worker] | LookupError, job: Job) -> float | None | str:
    """Seconds (None: no limit), or why the worker's timeout() is wrong."""
    if isinstance(worker, LookupError):
        return None
    try:
        value: Any = worker().timeout(job)
    except Exception as error:  # noqa: BLE001 - a learner's timeout() may raise anything
        return f"{job.worker}.timeout(job) raised {error!r}"
    if value is None:
        return None
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        seconds = -1.0
    if not 0 < seconds <= MAX_SECONDS:
        return (f"{job.worker}.timeout(job) returned {value!r}: return a number of seconds "
                "more than 0, a timedelta, or None for no limit")
    return seconds
