"""The job's telemetry events, around every attempt wherever it runs (a running queue, a
drain, inline mode, perform_job): `oban.job.start`, then `oban.job.stop` (success,
cancelled, snoozed, discard by return) or `oban.job.exception` (failure, or discard when
no attempt is left)."""

from __future__ import annotations

import time
from typing import Any

from trainer import telemetry
from trainer.jobs.job import Job
from trainer.jobs.results import Outcome

START, STOP, EXCEPTION = "oban.job.start", "oban.job.stop", "oban.job.exception"


def metadata(job: Job) -> dict[str, Any]:
    return {"job": job, "id": job.id, "args": job.args, "meta": job.meta, "queue": job.queue,
            "worker": job.worker, "attempt": job.attempt, "max_attempts": job.max_attempts,
            "tags": list(job.tags)}


def started(job: Job) -> float:
    """Emit the start event; return the moment the attempt began, for `ended`."""
    if telemetry.listening(START):
        telemetry.execute(START, {"system_time": time.time()}, metadata(job))
    return time.perf_counter()


def ended(began: float, job: Job, *, outcome: Outcome, counted_as: Outcome,
          returned: Any = None, error: str | None = None,
          exception: BaseException | None = None) -> None:
    """Emit the stop or exception event of an attempt that began at `began`."""
    failed = outcome is Outcome.FAILURE
    event = EXCEPTION if failed else STOP
    if not telemetry.listening(event):
        return
    queue_time = 0.0
    if job.attempted_at is not None and job.scheduled_at is not None:
        queue_time = max(0.0, (job.attempted_at - job.scheduled_at).total_seconds())
    measurements = {"duration": time.perf_counter() - began, "queue_time": queue_time}
    meta = {**metadata(job), "state": ("failure" if counted_as is Outcome.FAILURE
                                       else counted_as.value), "result": returned}
    if failed:
        meta.update(kind="error", error=error, reason=exception)
    telemetry.execute(event, measurements, meta)
