"""Running one job and recording how it ended: the job state machine lives here, once.

`perform` runs a worker and says what came of it (a `Result`); `transition` decides the
job's next state from that; `ack` stores it with one statement (`sql/ack.sql`), and
`applied` gives the same change to an unstored job (inline testing mode).
"""

from __future__ import annotations

import inspect
import traceback
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from psycopg.types.json import Jsonb

from trainer.jobs import events, queries
from trainer.jobs.job import Job
from trainer.jobs.results import Cancel, Discard, Error, Outcome, Snooze
from trainer.jobs.states import JobState
from trainer.jobs.validate import MAX_SECONDS, MAX_SPAN
from trainer.jobs.worker import Worker


class Executes(Protocol):
    def execute(self, statement: str, params: Any = None) -> int: ...


@dataclass(frozen=True)
class Result:
    """What running one job came to, and what to record."""

    outcome: Outcome
    error: str | None = None
    snooze_seconds: int = 0
    exception: BaseException | None = None
    interrupted: bool = False  # KeyboardInterrupt, SystemExit...: the runner must stop
    returned: Any = None  # what perform returned, for telemetry


def perform(job: Job, worker: type[Worker] | LookupError,
            guard: Callable[[], AbstractContextManager[object]] = nullcontext) -> Result:
    """Run the worker's `perform` on the job, inside `guard` (a savepoint, in a test's
    sandbox). Any exception fails the attempt; an interruption (Ctrl-C, `sys.exit()`)
    fails it too, and says so, for the runner to record before it stops."""
    if isinstance(worker, LookupError):
        return Result(Outcome.FAILURE, error=str(worker), exception=worker)
    try:
        with guard():
            returned = worker().perform(job)
    except Exception as error:  # noqa: BLE001 - any error fails the attempt
        return Result(Outcome.FAILURE, error=_traceback(error), exception=error)
    except BaseException as interruption:
        return Result(Outcome.FAILURE, exception=interruption, interrupted=True,
                      error=f"interrupted by {_traceback(interruption)}")
    return replace(classify(job.worker, returned), returned=returned)


def attempt(job: Job, worker: type[Worker] | LookupError, now: Callable[[], datetime],
            guard: Callable[[], AbstractContextManager[object]] = nullcontext,
            ) -> tuple[Result, Transition]:
    """`perform`, then `transition`, between the job's telemetry events."""
    began = events.started(job)
    result = perform(job, worker, guard)
    change = transition(job, result, now(), worker)
    report(began, job, result, change)
    return result, change


def report(began: float, job: Job, result: Result, change: Transition) -> None:
    """The attempt's stop or exception event."""
    events.ended(began, job, outcome=result.outcome, counted_as=change.counted_as,
                 returned=result.returned, error=result.error, exception=result.exception)


def _traceback(error: BaseException) -> str:
    return "".join(traceback.format_exception(error)).rstrip()


RESULT_CLASSES = (Error, Cancel, Discard, Snooze)


def classify(worker: str, returned: Any) -> Result:
    """What a value returned by `perform` means: Error, Cancel, Discard and Snooze say so;
    any other value is a success, as in Oban (which logs a warning for an unexpected one).
    Two mistakes fail the attempt with a message that names them."""
    if isinstance(returned, type) and issubclass(returned, RESULT_CLASSES):
        name = returned.__name__
        example = "Snooze(60)" if returned is Snooze else f"{name}('why')"
        return Result(Outcome.FAILURE, error=f"{worker}.perform returned the class {name} "
                      f"itself, not a {name}: call it, e.g. `return {example}`")
    if inspect.isawaitable(returned):
        if inspect.iscoroutine(returned):
            returned.close()  # never awaited: close it, so Python does not warn later
        return Result(Outcome.FAILURE, error=f"{worker}.perform returned an awaitable "
                      f"({type(returned).__name__}) that nothing runs: write perform as a "
                      "plain `def`, not `async def`")
    if isinstance(returned, Error):
        return Result(Outcome.FAILURE, error=f"{worker} failed with {returned!r}")
    if isinstance(returned, BaseException):
        return Result(Outcome.FAILURE, error=f"{worker} returned {returned!r}")
    if isinstance(returned, Cancel):
        return Result(Outcome.CANCELLED, error=f"{worker} cancelled with {returned!r}")
    if isinstance(returned, Discard):
        return Result(Outcome.DISCARD, error=f"{worker} discarded with {returned!r}")
    if isinstance(returned, Snooze):
        seconds = returned.seconds
        if (isinstance(seconds, bool) or not isinstance(seconds, int)
                or not 0 <= seconds <= MAX_SECONDS):
            return Result(Outcome.FAILURE, error=f"{worker} returned {returned!r}: Snooze takes "
                          f"a whole number of seconds, 0 or more ({MAX_SPAN})")
        return Result(Outcome.SNOOZED, snooze_seconds=seconds)
    return Result(Outcome.SUCCESS)


@dataclass(frozen=True)
class Transition:
    """A job's next state after an attempt, and only the columns that state changes."""

    counted_as: Outcome
    state: JobState
    scheduled_at: datetime | None = None
    completed_at: datetime | None = None
    discarded_at: datetime | None = None
    cancelled_at: datetime | None = None
    attempt_change: int = 0
    error: dict[str, Any] | None = None
    snoozed: bool = False


def transition(job: Job, result: Result, now: datetime,
               worker: type[Worker] | LookupError) -> Transition:
    """Oban's rules: success completes; a failure is retried after the backoff while
    attempts are left, else discarded; a snooze reschedules and gives its attempt back."""
    error = None if result.error is None else {
        "attempt": job.attempt, "at": now.isoformat(), "error": storable(result.error)}
    outcome = result.outcome
    if outcome is Outcome.SUCCESS:
        return Transition(outcome, JobState.COMPLETED, completed_at=now)
    if outcome is Outcome.FAILURE and job.attempt < job.max_attempts:
        backoff = (worker if isinstance(worker, type) else Worker)().backoff(job)
        return Transition(outcome, JobState.RETRYABLE, error=error,
                          scheduled_at=now + timedelta(seconds=int(backoff)))
    if outcome in (Outcome.FAILURE, Outcome.DISCARD):
        # An exhausted failure counts as a discard.
        return Transition(Outcome.DISCARD, JobState.DISCARDED, discarded_at=now, error=error)
    if outcome is Outcome.CANCELLED:
        return Transition(outcome, JobState.CANCELLED, cancelled_at=now, error=error)
    return Transition(outcome, JobState.SCHEDULED, attempt_change=-1, snoozed=True,
                      scheduled_at=now + timedelta(seconds=result.snooze_seconds))


def storable(text: str) -> str:
    """Text PostgreSQL can keep in jsonb: a NUL and a lone surrogate written as escapes."""
    if "\x00" in text:
        text = text.replace("\x00", "\\x00")
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def ack(repo: Executes, job: Job, change: Transition) -> None:
    """Store the transition of a job this runner holds (it must still be executing)."""
    repo.execute(queries.load("ack"), ack_params(job.id, change))


def ack_params(job_id: int | None, change: Transition | None) -> dict[str, Any]:
    """The parameters of ack.sql; with no job (None), it changes nothing."""
    if change is None:
        return {"id": None, "state": None, "scheduled_at": None, "completed_at": None,
                "discarded_at": None, "cancelled_at": None, "attempt_change": 0,
                "error": None, "snoozed": False}
    return {
        "id": job_id, "state": change.state.value, "scheduled_at": change.scheduled_at,
        "completed_at": change.completed_at, "discarded_at": change.discarded_at,
        "cancelled_at": change.cancelled_at, "attempt_change": change.attempt_change,
        "error": Jsonb(change.error) if change.error is not None else None,
        "snoozed": change.snoozed,
    }


def applied(job: Job, change: Transition) -> Job:
    """The job as `ack` would leave it, for a job that is not stored."""
    meta = job.meta
    if change.snoozed:
        meta = {**meta, "snoozed": int(meta.get("snoozed", 0)) + 1}
    return job.evolve(
        state=change.state,
        scheduled_at=change.scheduled_at or job.scheduled_at,
        completed_at=change.completed_at or job.completed_at,
        discarded_at=change.discarded_at or job.discarded_at,
        cancelled_at=change.cancelled_at or job.cancelled_at,
        attempt=job.attempt + change.attempt_change,
        errors=job.errors + ((change.error,) if change.error is not None else ()),
        meta=meta,
    )
