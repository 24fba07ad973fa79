"""Behaviour lines of lesson 3's extra challenges: the learner's RestaurantNotifier's
backoff after each attempt, and its timeout against a service that hangs."""

from __future__ import annotations

from typing import Any

from trainer.course.chowmojo.restaurants import HANG_SECONDS
from trainer.grading.report import Line
from trainer.grading.runner import describe
from trainer.job_testing import JobTimeout
from trainer.jobs import Worker
from trainer.jobs.runtime.timeouts import timeout_of
from trainer.lessons.l03_placing_an_order.behaviour import perform_order, said
from trainer.lessons.l03_placing_an_order.mutants import OK
from trainer.notebook.stubs import YourTurn
from trainer.testing import build_job

LONGEST_BACKOFF = 300  # seconds: the restaurant must hear within minutes, not days
LONGEST_TIMEOUT = 1.0  # seconds: the service answers in milliseconds when it is well
# Below this, even a healthy service's answer may or may not beat the limit: too short,
# whatever one run shows (so the verdict never depends on the machine's load).
SHORTEST_TIMEOUT = 0.01


# -- extra: backoff -------------------------------------------------------------------------

def _backoffs(notifier: type[Worker]) -> tuple[list[Any], str]:
    """The learner's backoff after each attempt, 1 to max_attempts; or why not."""
    waits: list[Any] = []
    try:
        last = build_job(notifier, {"id": 1}).max_attempts
        for attempt in range(1, last + 1):
            waits.append(notifier().backoff(build_job(notifier, {"id": 1}, attempt=attempt)))
    except YourTurn:
        raise
    except Exception as error:  # noqa: BLE001 - a learner's backoff may raise anything
        return waits, f"backoff raised {describe(error)} for attempt {len(waits) + 1}"
    return waits, ""


def short_linear_backoff(notifier: type[Worker]) -> list[Line]:
    waits, problem = _backoffs(notifier)
    if not problem:
        bad = [w for w in waits if isinstance(w, bool) or not isinstance(w, int) or w < 1]
        if bad:
            problem = f"backoff returned {bad[0]!r}"
    whole = Line("backoff(job) gives a whole number of seconds after every attempt",
                 not problem, (
                     "backoff(self, job) returns how many seconds to wait after attempt "
                     "job.attempt failed.",
                     "Return an int of 1 or more: `return 5 * job.attempt`, say.",
                 ), problem)
    if problem:
        return [whole]
    first = waits[:5]
    steps = {b - a for a, b in zip(first, first[1:], strict=False)}
    linear = len(steps) == 1 and next(iter(steps)) > 0
    longest = max(waits)
    return [
        whole,
        Line("Each wait is longer than the one before by the same step (linear)", linear, (
            "Oban's default doubles the wait each time; here it should grow by a fixed "
            "amount.",
            "Multiply the attempt by a few seconds: `return 5 * job.attempt`.",
        ), "" if linear else f"the first waits are {first} s"),
        Line("No wait is longer than 5 minutes, even at the last attempt",
             longest <= LONGEST_BACKOFF, (
                 "A restaurant must hear about an order within minutes.",
                 "Keep the step small: a few seconds per attempt.",
             ), "" if longest <= LONGEST_BACKOFF else
             f"after attempt {waits.index(longest) + 1} it waits {longest} s"),
    ]


# -- extra: timeout -------------------------------------------------------------------------

def _limit(notifier: type[Worker]) -> float | None | str:
    """The learner's timeout in seconds (None: none), or why it is wrong."""
    job = build_job(notifier, {"id": 1})
    try:
        notifier().timeout(job)
    except YourTurn:
        raise
    except Exception:  # noqa: BLE001, S110 - timeout_of says what went wrong
        pass
    return timeout_of(notifier, job)


def times_out(notifier: type[Worker]) -> list[Line]:
    limit = _limit(notifier)
    has = isinstance(limit, float)
    lines = [Line("timeout(job) sets a limit", has, (
        "By default a job may run for ever. Override `timeout(self, job)`.",
        "Return a number of seconds (or a timedelta): `return 0.2`, say.",
    ), limit if isinstance(limit, str) else "" if has else "timeout(job) returned None")]
    if not isinstance(limit, float):
        return lines
    short = limit <= LONGEST_TIMEOUT
    lines.append(Line("The limit is short: a second at most", short, (
        "The restaurant's service answers in milliseconds when it is well; waiting longer "
        "only delays the retry.",
        "A fifth of a second is plenty: `return 0.2`.",
    ), "" if short else f"the limit is {limit:g} s"))
    if not short or limit >= HANG_SECONDS:
        return lines  # it would keep the check waiting for the service's whole hang
    outcome = perform_order(notifier, "hangs")
    stopped = isinstance(outcome[1], JobTimeout)
    lines.append(Line("A notification whose service hangs is stopped at the limit", stopped, (
        "perform_job applies your timeout: it raises a TimeoutError when perform runs "
        "past it.",
        "Let perform call notify_restaurant as usual; timeout(job) does the stopping.",
    ), "" if stopped else said(outcome)))
    ordinary = perform_order(notifier)
    in_time = ordinary[1] is None and ordinary[0] == OK and limit >= SHORTEST_TIMEOUT
    lines.append(Line("An ordinary notification still finishes within the limit", in_time, (
        "Is the limit so short that even a healthy service cannot answer?",
        "A fifth of a second is plenty: `return 0.2`.",
    ), "" if in_time else f"a limit of {limit:g} s leaves no time for the database"
        if limit < SHORTEST_TIMEOUT else said(ordinary)))
    return lines
