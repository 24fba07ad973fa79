"""The broken variants lesson 4's teeth checks run the learner's tests against: of their
Refunder, and of the job queue's retry."""

from __future__ import annotations

from typing import Any

from trainer.grading import engine_mutants
from trainer.grading.mutants import variant, without_replace
from trainer.grading.teeth import Mutant
from trainer.jobs import INFINITY, Worker


def _twice_for_one_order(built: list[dict[str, Any]], different_reasons: bool = False) -> bool:
    by_order: dict[Any, set[Any]] = {}
    for args in built:
        by_order.setdefault(args.get("id"), set()).add(repr(args.get("reason")))
    return any(len(reasons) > 1 if different_reasons else True
               for order, reasons in by_order.items()
               if sum(1 for args in built if args.get("id") == order) > 1)


COUNT_THEM = ("Your test inserts two refunds for one order: good. Now check what was stored.",
              "Only one job may be enqueued: `assert len(all_enqueued(worker=Refunder)) == 1`.")

NO_UNIQUE = Mutant("no uniqueness at all", (
    "A test that catches this inserts two refund jobs for the same order.",
    "Then it checks how many are enqueued: `assert len(all_enqueued(worker=Refunder)) == 1`.",
), worker=lambda r: variant(r, unique=None),
    diagnose=lambda built: COUNT_THEM if _twice_for_one_order(built) else None)
UNIQUE_ON_ALL_ARGS = Mutant(
    "uniqueness on every arg, reason included",
    ("Give the two jobs in your test different reasons, as two customers' clicks would.",
     "The same order id with reasons 'It was awful' and 'I said it was awful', say."),
    worker=lambda r: variant(r, unique={**_unique_dict(r), "keys": None}),
    diagnose=lambda built: COUNT_THEM if _twice_for_one_order(built, different_reasons=True)
    else None,
)
TWENTY_ATTEMPTS = Mutant(
    "max_attempts 20 (retried on failure)",
    ("Drain the queue and check what the drain reports.",
     "`assert oban.drain_queue(queue='default') == {'discard': 1, 'success': 0}`."),
    worker=lambda r: variant(r, max_attempts=20),
)
DEFAULT_STATES = Mutant(
    "the default unique states (discarded jobs ignored)",
    ("After the drain, insert another refund for the same order.",
     "Then `refute_enqueued(worker=Refunder)`: nothing new may be waiting."),
    worker=lambda r: variant(r, unique={k: v for k, v in _unique_dict(r).items()
                                        if k != "states"}),
    diagnose=lambda built: (
        "Your test inserts another refund after the drain: good. Now check what waits.",
        "Nothing new may be enqueued: `refute_enqueued(worker=Refunder)`.",
    ) if _twice_for_one_order(built) else None,
)
NO_REPLACE = Mutant("no replace (a second click does not push the refund out)", (
    "Insert a refund, make time pass (or insert with a shorter delay first), insert again.",
    "Then assert the one job's scheduled_at moved: `assert_enqueued(worker=Refunder, "
    "scheduled_in=600)`.",
), worker=without_replace)


def _unique_dict(refunder: type[Worker]) -> dict[str, Any]:
    unique = refunder.worker_options.get("unique")
    if isinstance(unique, dict):
        return dict(unique)
    return {"period": INFINITY} if unique is True else {}


RETRY_MUTANTS = [
    Mutant("a retry that resets the attempt count", (
        "After the retry, look at the job again: `job = oban.get_job(job)`.",
        "The attempt it made is kept: `assert job.attempt == 1`.",
    ), engine=engine_mutants.RetryResetsAttempt),
    Mutant("a retry that gives no attempt more", (
        "A job at its last attempt needs one more to run again: check max_attempts.",
        "`assert job.max_attempts == 2`, then drain again: the job runs once more.",
    ), engine=engine_mutants.RetryKeepsMaxAttempts),
    Mutant("a retry that keeps discarded_at", (
        "A retried job is no longer discarded: check when it says it was.",
        "`assert job.discarded_at is None`.",
    ), engine=engine_mutants.RetryKeepsDiscardedAt),
    Mutant("a retry that loses the errors", (
        "The errors of the failed attempt stay with the job.",
        "`assert job.errors`: the first attempt's error is still there.",
    ), engine=engine_mutants.RetryDropsErrors),
]
