"""What each self-check of lesson 2 looks at, step by step.

Behaviour lines (see behaviour.py) run the learner's WelcomeEmail, FollowUpEmail and
create_user against the real database, in a transaction that is rolled back, in the
testing mode the step is about. Teeth lines run the learner's own test against broken
variants (see mutants.py): a test that still passes would not catch that bug, and gets a
cross.
"""

from __future__ import annotations

from typing import Any

from trainer.grading.manifest import Namespace
from trainer.grading.mutants import swapped_names
from trainer.grading.report import Line
from trainer.grading.runner import is_stub, run_test
from trainer.grading.teeth import (
    learner_worker,
    missing_test,
    not_judged,
    passing_test,
    unwritten_test,
)
from trainer.lessons.l02_signing_up.behaviour import (
    all_or_nothing,
    create_user_line,
    follow_up_scheduled,
    queue_line,
    sends_line,
    stores_and_returns,
    welcome_enqueued,
    welcome_still_due_now,
    welcomed_at_once,
    worker_line,
)
from trainer.lessons.l02_signing_up.mutants import (
    DEFAULT_QUEUE,
    FOLLOW_UP_NOW,
    FOLLOW_UP_SENDS_NOTHING,
    NEVER_ENQUEUES,
    NEVER_SENDS,
    NO_FOLLOW_UP,
    OUTSIDE_THE_TRANSACTION,
    SENDS_AT_ONCE,
    WHOLE_USER,
    WRONG_ID,
    Mutant,
)
from trainer.lessons.l02_signing_up.sign_up import create_user_of, sign_up

TEST_INLINE = "test_creating_a_user_delivers_a_welcome_email"
TEST_MANUAL = "test_creating_a_user_enqueues_a_welcome_email"
TEST_FOLLOW_UP = "test_a_follow_up_email_is_scheduled_a_day_later"
TEST_ROLLBACK = "test_a_rolled_back_sign_up_leaves_no_jobs"


# -- teeth: the learner's test against broken code ------------------------------------------

def teeth(ns: Namespace, test_name: str, mutants: list[Mutant],
          needs: tuple[str, ...] = ("WelcomeEmail",)) -> list[Line]:
    missing = missing_test(ns, test_name)
    if missing is not None:
        return [missing]
    test: Any = ns[test_name]
    if create_user_of(ns) is None or any(learner_worker(ns, name) is None for name in needs):
        return []
    error = run_test(test)
    if is_stub(error):
        return [unwritten_test(test_name)]
    lines = [passing_test(test_name, error, "your code")]
    if error is not None:
        return [*lines, not_judged("broken code")]
    for mutant in mutants:
        with mutant.apply(ns) as replacements, swapped_names(test.__globals__, replacements):
            caught = run_test(test) is not None
        lines.append(Line(f"Your test catches {mutant.label}", caught, mutant.hints,
                          "" if caught else "your test passed against it"))
    return lines


# -- the steps ------------------------------------------------------------------------------

def step_welcome_worker(ns: Namespace) -> list[Line]:
    lines = [worker_line(ns, "WelcomeEmail")]
    welcome = learner_worker(ns, "WelcomeEmail")
    if welcome is not None:
        lines += [queue_line(welcome, "WelcomeEmail"),
                  sends_line(welcome, "WelcomeEmail", "welcome", "send_welcome_email")]
    return lines


def _basics(ns: Namespace) -> list[Line]:
    return [worker_line(ns, "WelcomeEmail"), create_user_line(ns)]


def _ready(ns: Namespace) -> bool:
    return learner_worker(ns, "WelcomeEmail") is not None and create_user_of(ns) is not None


def step_inline_sign_up(ns: Namespace) -> list[Line]:
    lines = _basics(ns)
    if _ready(ns):
        run = sign_up(ns, "inline")
        lines += [stores_and_returns(run), welcomed_at_once(run)]
    return lines + teeth(ns, TEST_INLINE, [NEVER_ENQUEUES, NEVER_SENDS])


def step_manual_sign_up(ns: Namespace) -> list[Line]:
    lines = _basics(ns)
    if _ready(ns):
        run = sign_up(ns, "manual")
        lines += [stores_and_returns(run), *welcome_enqueued(run)]
    return lines + teeth(ns, TEST_MANUAL, [DEFAULT_QUEUE, NEVER_ENQUEUES, SENDS_AT_ONCE,
                                           WRONG_ID, WHOLE_USER])


def step_follow_up_email(ns: Namespace) -> list[Line]:
    lines = [worker_line(ns, "FollowUpEmail")]
    follow_up = learner_worker(ns, "FollowUpEmail")
    if follow_up is not None:
        lines += [queue_line(follow_up, "FollowUpEmail"),
                  sends_line(follow_up, "FollowUpEmail", "follow_up", "send_follow_up_email")]
    lines += _basics(ns)
    if _ready(ns) and follow_up is not None:
        run = sign_up(ns, "manual")
        lines += [follow_up_scheduled(run), welcome_still_due_now(run)]
    return lines + teeth(ns, TEST_FOLLOW_UP,
                         [FOLLOW_UP_NOW, NO_FOLLOW_UP, FOLLOW_UP_SENDS_NOTHING],
                         needs=("WelcomeEmail", "FollowUpEmail"))


def step_sign_up_transaction(ns: Namespace) -> list[Line]:
    lines = _basics(ns)
    if _ready(ns):
        run = sign_up(ns, "manual")
        lines += [stores_and_returns(run), *all_or_nothing(ns, run)]
        if learner_worker(ns, "FollowUpEmail") is not None:
            lines += [welcome_still_due_now(run), follow_up_scheduled(run)]
    return lines + teeth(ns, TEST_ROLLBACK, [OUTSIDE_THE_TRANSACTION])
