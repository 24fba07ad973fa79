"""What each self-check looks at, step by step.

Behaviour lines (see behaviour.py, and extras.py for the backoff and the timeout) run the
learner's RestaurantNotifier against the real database, in a transaction that is rolled
back. Teeth lines run the learner's own test against deliberately broken notifiers: a
test that still passes would not catch that bug, and gets a cross.
"""

from __future__ import annotations

from typing import Any

from trainer.grading.manifest import Namespace
from trainer.grading.report import Line
from trainer.grading.teeth import Mutant, learner_worker
from trainer.grading.teeth import teeth as learner_test_teeth
from trainer.jobs import Worker
from trainer.lessons.l03_placing_an_order.behaviour import (
    NAME,
    cancels_dispatched,
    fails_on_503,
    notifier_line,
    notifies_ordinary_orders,
    queue_line,
    snoozes_on_429,
)
from trainer.lessons.l03_placing_an_order.extras import short_linear_backoff, times_out
from trainer.lessons.l03_placing_an_order.mutants import (
    CONSTANT_BACKOFF,
    DEFAULT_BACKOFF,
    ERROR_INSTEAD_OF_CANCEL,
    ERROR_INSTEAD_OF_SNOOZE,
    FAILS_EVERY_ORDER,
    NO_TIMEOUT,
    NOTIFIES_DISPATCHED,
    OK_FOR_EVERYTHING,
    ONE_ATTEMPT,
    RAISES_INSTEAD_OF_ERROR,
    SNOOZES_A_MINUTE,
)

TEST_NOTIFY = "test_notifying_a_restaurant_of_an_order"
TEST_ERROR = "test_an_unavailable_restaurant_is_retried"
TEST_SNOOZE = "test_a_rate_limited_notification_snoozes"
TEST_CANCEL = "test_a_dispatched_order_is_cancelled"
TEST_BACKOFF = "test_notifications_are_retried_soon"
TEST_TIMEOUT = "test_a_hanging_notification_times_out"


# -- the learner's worker -------------------------------------------------------------------

def _notifier(ns: Namespace) -> type[Worker] | None:
    return learner_worker(ns, NAME)


# -- teeth: the learner's test against broken notifiers ---------------------------------------

def teeth(ns: Namespace, test_name: str, broken: list[Mutant]) -> list[Line]:
    return learner_test_teeth(ns, test_name, NAME, broken)


# -- the steps ------------------------------------------------------------------------------

def _with_notifier(ns: Namespace, lines: Any) -> list[Line]:
    notifier = _notifier(ns)
    return [notifier_line(ns), *(lines(notifier) if notifier is not None else [])]


def step_notify(ns: Namespace) -> list[Line]:
    return _with_notifier(ns, lambda n: [
        queue_line(n), *notifies_ordinary_orders(n),
        *teeth(ns, TEST_NOTIFY, [FAILS_EVERY_ORDER])])


def step_notify_error(ns: Namespace) -> list[Line]:
    return _with_notifier(ns, lambda n: [
        *fails_on_503(n), *notifies_ordinary_orders(n),
        *teeth(ns, TEST_ERROR, [OK_FOR_EVERYTHING, RAISES_INSTEAD_OF_ERROR, ONE_ATTEMPT])])


def step_notify_snooze(ns: Namespace) -> list[Line]:
    return _with_notifier(ns, lambda n: [
        *snoozes_on_429(n), *fails_on_503(n)[:1],
        *teeth(ns, TEST_SNOOZE, [SNOOZES_A_MINUTE, ERROR_INSTEAD_OF_SNOOZE])])


def step_notify_cancel(ns: Namespace) -> list[Line]:
    return _with_notifier(ns, lambda n: [
        *cancels_dispatched(n), *notifies_ordinary_orders(n),
        *teeth(ns, TEST_CANCEL, [NOTIFIES_DISPATCHED, ERROR_INSTEAD_OF_CANCEL])])


def step_notify_backoff(ns: Namespace) -> list[Line]:
    return _with_notifier(ns, lambda n: [
        *short_linear_backoff(n),
        *teeth(ns, TEST_BACKOFF, [DEFAULT_BACKOFF, CONSTANT_BACKOFF])])


def step_notify_timeout(ns: Namespace) -> list[Line]:
    def lines(notifier: type[Worker]) -> list[Line]:
        found = times_out(notifier)
        if len(found) < 3:  # no short limit: the learner's test would wait out the hang
            return [*found, Line("Whether your test catches a broken RestaurantNotifier can "
                                 "be judged once timeout(job) sets a short limit", False)]
        return [*found, *teeth(ns, TEST_TIMEOUT, [NO_TIMEOUT])]
    return _with_notifier(ns, lines)
