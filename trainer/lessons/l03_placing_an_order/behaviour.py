"""Behaviour lines of lesson 3's steps: the learner's RestaurantNotifier run against the
real database, in a transaction that is rolled back, on orders the restaurant's service
answers 200, 503 or 429 for, or that are already dispatched."""

from __future__ import annotations

from typing import Any

from trainer.clock import utcnow
from trainer.course.chowmojo import insert, notify_restaurant
from trainer.grading.manifest import Namespace
from trainer.grading.report import Line
from trainer.grading.runner import describe, scratch
from trainer.jobs import Cancel, Error, Job, Oban, Snooze, Worker
from trainer.lessons.l03_placing_an_order.mutants import OK
from trainer.notebook.stubs import YourTurn
from trainer.testing import perform_job

NAME = "RestaurantNotifier"
QUEUE = "notifications"
SNOOZE_SECONDS = 10
CANCEL_REASON = "already dispatched"

Outcome = tuple[Any, BaseException | None]  # what perform_job returned, or what it raised


# -- the learner's worker -------------------------------------------------------------------

def notifier_line(ns: Namespace) -> Line:
    notifier = ns.get(NAME)
    ok = isinstance(notifier, type) and issubclass(notifier, Worker)
    detail = "" if ok or notifier is None else f"{NAME} is {notifier!r}, not a Worker class"
    return Line("A worker class named RestaurantNotifier exists", ok, (
        "Define it in the code cell of this step and run that cell.",
        "Its first line reads `class RestaurantNotifier(Worker, ...):`, then comes "
        "`def perform(self, job):`.",
    ), detail)


def perform_order(notifier: type[Worker], trait: str | None = None, **fields: Any) -> Outcome:
    """Run perform_job on a new order (of this trait, with these fields), rolled back."""
    with scratch():
        order = insert("order", trait, **fields) if trait else insert("order", **fields)
        try:
            return perform_job(notifier, {"id": order.id}), None
        except YourTurn:
            raise  # not written yet: no line of this check may pass on a stub
        except Exception as error:  # noqa: BLE001 - a learner's perform may raise anything
            return None, error


def said(outcome: Outcome) -> str:
    returned, error = outcome
    return f"perform raised {describe(error)}" if error else f"perform returned {returned!r}"


def _drained(notifier: type[Worker], trait: str | None = None,
             **fields: Any) -> tuple[Job | None, dict[str, int], float]:
    """Insert a job for a new order, drain its queue once; the job as stored after it,
    what the drain reported, and how many seconds ahead the job is now due."""
    with scratch():
        oban = Oban(testing="manual")
        order = insert("order", trait, **fields) if trait else insert("order", **fields)
        job = oban.insert(notifier.new({"id": order.id}))
        result = oban.drain_queue(queue=job.queue)
        after = oban.get_job(job)
        due = ((after.scheduled_at - utcnow()).total_seconds()
               if after is not None and after.scheduled_at else 0.0)
    return after, result.as_dict(), due


def _report(result: dict[str, int]) -> str:
    ran = {name: count for name, count in result.items() if count}
    return f"the drain reported {ran or 'nothing run'}"


def queue_line(notifier: type[Worker]) -> Line:
    try:
        queue = notifier.new({"id": 1}).queue
    except YourTurn:
        raise
    except Exception as error:  # noqa: BLE001 - a learner's new() may raise anything
        return Line("Its jobs go to the notifications queue", False, (
            "RestaurantNotifier.new({'id': 1}) should build a job.",), describe(error))
    return Line("Its jobs go to the notifications queue", queue == QUEUE, (
        "A worker's queue is a class keyword, like max_attempts.",
        "`class RestaurantNotifier(Worker, queue='notifications'):`.",
    ), "" if queue == QUEUE else f"its jobs go to the {queue!r} queue")


def notifies_ordinary_orders(notifier: type[Worker]) -> list[Line]:
    outcome = perform_order(notifier)
    returned, error = outcome
    succeeded = error is None and not isinstance(
        returned, Error | Cancel | Snooze | BaseException) and returned is not None
    return [Line("Notifying the restaurant of an ordinary order succeeds, with its answer",
                 succeeded and returned == OK, (
                     "perform gets the order's id in job.args['id']: load the order, then "
                     "notify_restaurant(order).",
                     "Return what the service answered: "
                     "`return notify_restaurant(get_order(job.args['id']))` gives (200, 'ok').",
                 ), "" if succeeded and returned == OK else said(outcome))]


# -- step 2: a 503 fails the attempt ----------------------------------------------------------

def fails_on_503(notifier: type[Worker]) -> list[Line]:
    outcome = perform_order(notifier, "unavailable")
    returned, error = outcome
    with scratch():
        expected = Error(notify_restaurant(insert("order", "unavailable")))
    right = error is None and returned == expected
    lines = [Line("A 503 from the restaurant's service becomes Error((503, body))", right, (
        "notify_restaurant answers (status, body). For 503 the attempt has failed: say so.",
        "`status, body = notify_restaurant(order)`, then for 503 "
        "`return Error((status, body))`.",
    ), "" if right else said(outcome))]
    job, result, _ = _drained(notifier, "unavailable")
    retried = (job is not None and job.state == "retryable" and job.attempt == 1
               and len(job.errors) == 1 and result.get("failure") == 1)
    if job is not None and job.state == "discarded":
        detail = "the job was discarded: it has no attempt left to retry with"
    elif job is not None:
        detail = f"{_report(result)}; the job is {job.state}, attempt {job.attempt}, " \
                 f"{len(job.errors)} error(s) recorded"
    else:
        detail = "the job was not found after the drain"
    lines.append(Line("A drained notification that got a 503 is retryable, its error recorded",
                      retried, (
                          "A failed attempt with attempts left waits in `retryable`.",
                          "Return Error(...) (do not catch it away), and keep the default "
                          "max_attempts (20) so there are attempts left.",
                      ), "" if retried else detail))
    return lines


# -- step 3: a 429 snoozes ---------------------------------------------------------------

def snoozes_on_429(notifier: type[Worker]) -> list[Line]:
    outcome = perform_order(notifier, "rate_limited")
    returned, error = outcome
    right = error is None and returned == Snooze(SNOOZE_SECONDS)
    lines = [Line("A 429 from the restaurant's service becomes Snooze(10)", right, (
        "A 429 says: not now, try again in 10 seconds. That is not a failure.",
        "For status 429 `return Snooze(10)`.",
    ), "" if right else said(outcome))]
    job, result, due = _drained(notifier, "rate_limited")
    snoozed = (job is not None and job.state == "scheduled" and job.attempt == 0
               and not job.errors and result.get("snoozed") == 1
               and abs(due - SNOOZE_SECONDS) <= 2)
    detail = ("the job was not found after the drain" if job is None else
              f"{_report(result)}; the job is {job.state}, due in {round(due)} s, attempt "
              f"{job.attempt}, {len(job.errors)} error(s) recorded")
    lines.append(Line("A drained notification that got a 429 runs again in 10 s, "
                      "its attempt given back", snoozed, (
                          "A snoozed job is scheduled again, and the attempt does not count.",
                          "Return Snooze(10) for a 429: the queue does the rest.",
                      ), "" if snoozed else detail))
    return lines


# -- step 4: a dispatched order is cancelled ---------------------------------------------------

def cancels_dispatched(notifier: type[Worker]) -> list[Line]:
    outcome = perform_order(notifier, dispatched_at=utcnow())
    returned, error = outcome
    right = error is None and returned == Cancel(CANCEL_REASON)
    lines = [Line("An order already dispatched becomes Cancel('already dispatched')", right, (
        "An order whose dispatched_at is set has left the kitchen: notifying is pointless.",
        "Before notifying: `if order.dispatched_at is not None: "
        "return Cancel('already dispatched')`.",
    ), "" if right else said(outcome))]
    down = perform_order(notifier, "unavailable", dispatched_at=utcnow())
    first = down[1] is None and down[0] == Cancel(CANCEL_REASON)
    lines.append(Line("A dispatched order is cancelled even when the service is down "
                      "(checked before notifying)", first, (
                          "Look at the order before you call notify_restaurant.",
                          "Load the order, check dispatched_at, and only then notify.",
                      ), "" if first else said(down)))
    job, result, _ = _drained(notifier, dispatched_at=utcnow())
    cancelled = (job is not None and job.state == "cancelled" and job.cancelled_at is not None
                 and result.get("cancelled") == 1)
    lines.append(Line("A drained notification of a dispatched order is cancelled, "
                      "never retried", cancelled, (
                          "A job that returns Cancel(reason) is cancelled for good.",
                          "Return Cancel('already dispatched') for a dispatched order.",
                      ), "" if cancelled else "the job was not found after the drain"
                      if job is None else f"{_report(result)}; the job is {job.state}"))
    return lines
