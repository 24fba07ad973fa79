"""What each self-check looks at, step by step.

Behaviour lines run the learner's Refunder against the real database, in a transaction
that is rolled back. Teeth lines run the learner's own test against deliberately broken
Refunders: a test that still passes would not catch that bug, and gets a cross.
"""

from __future__ import annotations

from datetime import timedelta

from trainer import sqlfiles
from trainer.clock import utcnow
from trainer.course.chowmojo import insert
from trainer.db.repo import Repo
from trainer.grading.manifest import Namespace
from trainer.grading.report import Line
from trainer.grading.runner import describe, scratch
from trainer.grading.teeth import Mutant, learner_worker
from trainer.grading.teeth import teeth as learner_test_teeth
from trainer.jobs import Error, Job, Oban, Worker
from trainer.lessons.l04_refunding_an_order.mutants import (
    DEFAULT_STATES,
    NO_REPLACE,
    NO_UNIQUE,
    RETRY_MUTANTS,
    TWENTY_ATTEMPTS,
    UNIQUE_ON_ALL_ARGS,
)
from trainer.notebook.stubs import YourTurn
from trainer.testing import perform_job

TEST_UNIQUE = "test_only_one_refund_job_per_order"
TEST_DISCARDED = "test_failed_refund_attempts_are_discarded"
TEST_RETRY = "test_discarded_refunds_can_be_retried"
TEST_DEBOUNCE = "test_refunds_are_debounced"


# -- the learner's worker -------------------------------------------------------------------

def refunder_line(ns: Namespace) -> Line:
    refunder = ns.get("Refunder")
    ok = isinstance(refunder, type) and issubclass(refunder, Worker)
    detail = "" if ok or refunder is None else f"Refunder is {refunder!r}, not a Worker class"
    return Line("A worker class named Refunder exists", ok, (
        "Define it in the code cell of this step and run that cell.",
        "Its first line reads `class Refunder(Worker):`, then comes `def perform(self, job):`.",
    ), detail)


def _refunder(ns: Namespace) -> type[Worker] | None:
    return learner_worker(ns, "Refunder")


def _sql(name: str) -> str:
    return sqlfiles.load("trainer.lessons.l04_refunding_an_order", name)


def _perform_outcome(refunder: type[Worker], total: int) -> tuple[bool, str]:
    """(succeeded, what happened) when performing a refund of an order with this total."""
    with scratch():
        order = insert("order", total=total)
        try:
            result = perform_job(refunder, {"id": order.id, "reason": "Cold noodles"})
        except YourTurn:
            raise  # not written yet: no line of this check may pass on a stub
        except Exception as error:  # noqa: BLE001 - a learner's perform may raise anything
            return False, describe(error)
    if isinstance(result, Error | BaseException):
        return False, f"perform returned {result!r}"
    return True, f"perform returned {result!r}"


def performs_refunds(ns: Namespace) -> list[Line]:
    refunder = _refunder(ns)
    if refunder is None:
        return []
    ok_good, what_good = _perform_outcome(refunder, total=1250)
    ok_bad, what_bad = _perform_outcome(refunder, total=99)
    return [
        Line("Refunding an ordinary order succeeds", ok_good, (
            "perform receives a job: its args hold the order's id and the reason.",
            "Load the order with get_order(job.args['id']), then call "
            "refund_order(order, job.args['reason']).",
        ), "" if ok_good else what_good),
        Line("A refund the payment provider rejects (total 99) fails", not ok_bad, (
            "refund_order raises for an order with total 99; let that error reach the queue.",
            "Return (or simply let raise) what refund_order gives you: do not catch its error.",
        ), "" if not ok_bad else what_bad + ", so the job would count as a success"),
    ]


# -- behaviour of the unique options --------------------------------------------------------

def _insert_twice(refunder: type[Worker], same_order: bool) -> tuple[Job, Job, int]:
    oban = Oban(testing="manual")
    first_order = insert("order", total=1000)
    second_order = first_order if same_order else insert("order", total=1000)
    first = oban.insert(refunder.new({"id": first_order.id, "reason": "It was awful"}))
    second = oban.insert(refunder.new({"id": second_order.id, "reason": "I said it was awful"}))
    count = len(oban.list_jobs(worker=refunder))
    return first, second, count


def one_job_per_order(ns: Namespace) -> list[Line]:
    refunder = _refunder(ns)
    if refunder is None:
        return []
    with scratch():
        first, second, count = _insert_twice(refunder, same_order=True)
    if refunder.worker_unique is None:
        hints = ("Uniqueness is a class keyword: `class Refunder(Worker, unique={...})`.",
                 "Only the order's id should count, not the reason: "
                 "unique={'keys': ['id'], ...}.")
    else:  # unique already, but on more than the order's id
        hints = ("Your Refunder is unique, but the reason counts too: two clicks with "
                 "different reasons are two jobs.",
                 "Make only the order's id count: add 'keys': ['id'] to your unique options.")
    same = Line("Two refunds for one order (different reasons) leave one job",
                count == 1 and second.conflict and second.id == first.id, hints,
                f"{count} jobs were stored" if count != 1 else "")
    with scratch():
        _, _, count = _insert_twice(refunder, same_order=False)
    apart = Line("Refunds for two different orders are two jobs", count == 2, (
        "Uniqueness should be keyed on the order id, so different orders never clash.",
        "Check the `keys` of your unique options: ['id'].",
    ), f"{count} job(s) were stored" if count != 2 else "")
    return [same, apart]


def unique_forever(ns: Namespace) -> list[Line]:
    refunder = _refunder(ns)
    if refunder is None:
        return []
    with scratch():
        oban = Oban(testing="manual")
        order = insert("order", total=1000)
        first = oban.insert(refunder.new({"id": order.id, "reason": "Soggy"}))
        # As if the first refund was asked for a year ago.
        Repo.execute(_sql("backdate_job"), {"at": utcnow() - timedelta(days=365),
                                            "id": first.id})
        # The same reason as the first: only the period is on trial here, not the keys.
        second = oban.insert(refunder.new({"id": order.id, "reason": "Soggy"}))
    return [Line("A refund asked for a year ago still blocks a new one", second.conflict, (
        "Unique jobs are unique for 60 seconds unless you say otherwise.",
        "Set the unique period to forever: 'period': INFINITY.",
    ))]


def discards_on_first_failure(ns: Namespace) -> list[Line]:
    refunder = _refunder(ns)
    if refunder is None:
        return []
    with scratch():
        oban = Oban(testing="manual")
        order = insert("order", "refund_failure")
        oban.insert(refunder.new({"id": order.id, "reason": "Doesn't matter"}))
        result = oban.drain_queue(queue=refunder.worker_options.get("queue", "default"))
    return [Line("A failed refund is discarded at once, never retried",
                 result == {"discard": 1, "success": 0, "failure": 0}, (
                     "A job gets 20 attempts unless you say otherwise.",
                     "Give Refunder a single attempt: max_attempts=1.",
                 ), f"the drain reported {result.as_dict()}")]


def blocks_after_discard_or_cancel(ns: Namespace) -> list[Line]:
    refunder = _refunder(ns)
    if refunder is None:
        return []
    with scratch():
        oban = Oban(testing="manual")
        order = insert("order", "refund_failure")
        oban.insert(refunder.new({"id": order.id, "reason": "Doesn't matter"}))
        oban.drain_queue(queue=refunder.worker_options.get("queue", "default"))
        again = oban.insert(refunder.new({"id": order.id, "reason": "Let me try again"}))
    with scratch():
        oban = Oban(testing="manual")
        order = insert("order", total=1000)
        job = oban.insert(refunder.new({"id": order.id, "reason": "Changed my mind"}))
        oban.cancel_job(job)
        after_cancel = oban.insert(refunder.new({"id": order.id, "reason": "Refund it"}))
    hints = (
        "By default, uniqueness ignores jobs that were cancelled or discarded.",
        "Make every state count: 'states': Job.states().",
    )
    return [
        Line("After a refund is discarded, no second refund can be enqueued",
             again.conflict, hints),
        Line("After a refund is cancelled, no second refund can be enqueued",
             after_cancel.conflict, hints),
    ]


def debounces(ns: Namespace) -> list[Line]:
    refunder = _refunder(ns)
    if refunder is None:
        return []
    with scratch():
        oban = Oban(testing="manual")
        order = insert("order", total=1000)
        first = oban.insert(refunder.new({"id": order.id, "reason": "Late"}))
        delay = (first.scheduled_at - utcnow()).total_seconds() if first.scheduled_at else 0
        # As if nine minutes went by: the job is now due in one minute.
        Repo.execute(_sql("reschedule_job"), {"at": utcnow() + timedelta(minutes=1),
                                              "id": first.id})
        second = oban.insert(refunder.new({"id": order.id, "reason": "Late and cold"}))
        pushed = (second.scheduled_at - utcnow()).total_seconds() if second.scheduled_at else 0
    return [
        Line("Every refund is scheduled 10 minutes ahead", 590 <= delay <= 610, (
            "Refunder.new(args) should schedule the job by itself.",
            f"Override new: `{DEBOUNCED_NEW}`.",
        ), "" if 590 <= delay <= 610 else f"a new refund was {_due(delay)}"),
        Line("A second request pushes the pending refund 10 minutes out again",
             second.conflict and second.id == first.id and 590 <= pushed <= 610, (
                 "On a conflict, replace the pending job's scheduled_at.",
                 "Pass replace={'scheduled': ['scheduled_at']} too, in new.",
             ), "a second job was stored" if not second.conflict else
             "the second request left the pending refund due when the first one had set it"
             if abs(pushed - 60) < 5 else f"after the second request the refund was "
             f"{_due(pushed)}"),
    ]


# The hint's code, kept where a test runs the lesson's own test against it. `options` may
# hold schedule_in already (a test's), so it is merged, never passed twice.
DEBOUNCED_NEW = ("@classmethod def new(cls, args, **options): return "
                 "super().new(args, **{'schedule_in': 600, **options})")


def _due(seconds: float) -> str:
    """'due now', 'due in 30 s', 'due 5 s ago': never 'in -0 s'."""
    whole = round(seconds)
    if whole == 0:
        return "due now"
    return f"due in {whole} s" if whole > 0 else f"due {-whole} s ago"


# -- teeth: the learner's test against broken workers -------------------------------------

def teeth(ns: Namespace, test_name: str, broken: list[Mutant]) -> list[Line]:
    return learner_test_teeth(ns, test_name, "Refunder", broken)


# -- the steps -------------------------------------------------------------------------------

def step_worker(ns: Namespace) -> list[Line]:
    return [refunder_line(ns), *performs_refunds(ns)]


def step_unique_forever(ns: Namespace) -> list[Line]:
    return [refunder_line(ns), *one_job_per_order(ns), *unique_forever(ns),
            *teeth(ns, TEST_UNIQUE, [NO_UNIQUE, UNIQUE_ON_ALL_ARGS])]


def step_at_most_once(ns: Namespace) -> list[Line]:
    return [refunder_line(ns), *discards_on_first_failure(ns), *one_job_per_order(ns)[:1],
            *teeth(ns, TEST_DISCARDED, [TWENTY_ATTEMPTS])]


def step_unique_states(ns: Namespace) -> list[Line]:
    return [refunder_line(ns), *blocks_after_discard_or_cancel(ns),
            *discards_on_first_failure(ns),
            *teeth(ns, TEST_DISCARDED, [TWENTY_ATTEMPTS, DEFAULT_STATES])]


def step_retry(ns: Namespace) -> list[Line]:
    return [refunder_line(ns), *teeth(ns, TEST_RETRY, [TWENTY_ATTEMPTS, *RETRY_MUTANTS])]


def step_debounce(ns: Namespace) -> list[Line]:
    return [refunder_line(ns), *debounces(ns), *one_job_per_order(ns)[:1],
            *teeth(ns, TEST_DEBOUNCE, [NO_REPLACE])]
