"""What each self-check looks at, step by step.

Behaviour lines run the learner's Greeter against the real database, in a transaction
that is rolled back. Teeth lines run the learner's own test against a broken job queue
(or a broken Greeter): a test that still passes would not catch that bug, and gets a cross.
What a perform prints while a check runs is kept out of the check's report.
"""

from __future__ import annotations

import contextlib
import io

from trainer.grading.manifest import Namespace
from trainer.grading.report import Line
from trainer.grading.runner import describe, scratch
from trainer.grading.teeth import Mutant, learner_worker
from trainer.grading.teeth import teeth as learner_test_teeth
from trainer.jobs import Error, Oban, Worker
from trainer.lessons.l00_introduction.mutants import (
    DRAINS_NOTHING,
    FAILING_GREETER,
    FORGETS_ATTEMPT,
    FORGETS_COMPLETED_AT,
    HOLDS_BACK,
    RUNS_AT_INSERT,
)
from trainer.notebook.stubs import YourTurn
from trainer.testing import perform_job

TEST_ROW = "test_a_new_job_waits_in_its_row"
TEST_DRAIN = "test_draining_runs_the_job"


def greeter_line(ns: Namespace) -> Line:
    greeter = ns.get("Greeter")
    ok = isinstance(greeter, type) and issubclass(greeter, Worker)
    detail = "" if ok or greeter is None else f"Greeter is {greeter!r}, not a Worker class"
    return Line("A worker class named Greeter exists", ok, (
        "Define it in the code cell of step 1 and run that cell.",
        "Its first line reads `class Greeter(Worker):`, then comes `def perform(self, job):`.",
    ), detail)


def greets_by_name(ns: Namespace) -> list[Line]:
    greeter = learner_worker(ns, "Greeter")
    if greeter is None:
        return []
    printed = io.StringIO()
    failed = ""
    try:
        with scratch(), contextlib.redirect_stdout(printed):
            result = perform_job(greeter, {"name": "Zanele"})
        if isinstance(result, Error | BaseException):
            failed = f"perform returned {result!r}"
    except YourTurn:
        raise  # not written yet: no line of this check may pass on a stub
    except Exception as error:  # noqa: BLE001 - a learner's perform may raise anything
        failed = describe(error)
    text = printed.getvalue().strip()
    return [
        Line("Performing a Greeter job succeeds", not failed, (
            "perform should print its greeting and return: a raise (or an Error) is a failure.",
            "`print(f\"Hello, {job.args['name']}!\")` is all perform needs.",
        ), failed),
        Line("Greeter prints a greeting with the name from the job's args",
             not failed and "Zanele" in text, (
                 "The name travels in the job's args: `job.args['name']`.",
                 "`print(f\"Hello, {job.args['name']}!\")`.",
             ), "" if "Zanele" in text else
             f"for args {{'name': 'Zanele'}} it printed {text[:60]!r}" if text else
             "it printed nothing"),
    ]


def completes_when_drained(ns: Namespace) -> list[Line]:
    greeter = learner_worker(ns, "Greeter")
    if greeter is None:
        return []
    with scratch(), contextlib.redirect_stdout(io.StringIO()):
        _unless_a_stub(greeter)
        oban = Oban(testing="manual")
        job = oban.insert(greeter.new({"name": "Zanele"}))
        oban.drain_queue(queue=job.queue)
        after = oban.get_job(job)
    state = after.state.value if after is not None else "gone"
    return [Line("A drained Greeter job ends completed", state == "completed", (
        "A job completes when its perform returns without an error.",
        "Check step 1: perform prints the greeting and returns nothing.",
    ), "" if state == "completed" else f"it ended {state}")]


def _unless_a_stub(greeter: type[Worker]) -> None:
    """Raise YourTurn when perform is still a stub (a drain would record it as a failure)."""
    try:
        perform_job(greeter, {"name": "Zanele"})
    except YourTurn:
        raise
    except Exception:  # noqa: BLE001, S110 - any other failure is for the drain to show
        pass


def teeth(ns: Namespace, test_name: str, broken: list[Mutant]) -> list[Line]:
    with contextlib.redirect_stdout(io.StringIO()):
        return learner_test_teeth(ns, test_name, "Greeter", broken)


def step_first_job(ns: Namespace) -> list[Line]:
    return [greeter_line(ns), *greets_by_name(ns),
            *teeth(ns, TEST_ROW, [RUNS_AT_INSERT, HOLDS_BACK])]


def step_first_drain(ns: Namespace) -> list[Line]:
    return [greeter_line(ns), *completes_when_drained(ns),
            *teeth(ns, TEST_DRAIN, [FAILING_GREETER, DRAINS_NOTHING, FORGETS_ATTEMPT,
                                    FORGETS_COMPLETED_AT])]
