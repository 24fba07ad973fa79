"""What several of lesson 5's checks share: lines about the learner's workers and
functions, what was sent, and the teeth of a function the learner wrote."""

from __future__ import annotations

from typing import Any

from trainer import sqlfiles
from trainer.course.chowmojo import deliveries
from trainer.grading.manifest import Namespace
from trainer.grading.mutants import swapped
from trainer.grading.report import Line
from trainer.grading.runner import describe, is_stub, run_test
from trainer.jobs import Worker
from trainer.lessons.l05_delivering_a_daily_digest.mutants import (
    PACKAGE,
    Swap,
)


def lesson_sql(name: str) -> str:
    return sqlfiles.load(PACKAGE, name)


# -- the learner's workers and functions -----------------------------------------------------

def worker_line(ns: Namespace, name: str, hints: tuple[str, ...]) -> Line:
    found = ns.get(name)
    ok = isinstance(found, type) and issubclass(found, Worker)
    detail = "" if ok or found is None else f"{name} is {found!r}, not a Worker class"
    return Line(f"A worker class named {name} exists", ok, hints, detail)


def digest_line(ns: Namespace) -> Line:
    return worker_line(ns, "DailyDigest", (
        "Define it in the code cell of step 1 and run that cell.",
        "Its first line reads `class DailyDigest(Worker, queue=\"email\"):`, then comes "
        "`def perform(self, job):`.",
    ))


def function_line(ns: Namespace, name: str, hints: tuple[str, ...]) -> Line:
    found = ns.get(name)
    return Line(f"A function named {name} exists", callable(found) and not isinstance(
        found, type), hints, "" if found is None or callable(found) else f"{name} is {found!r}")


def in_email_queue(worker: type[Worker]) -> Line:
    queue = worker.worker_options.get("queue", "default")
    return Line(f"{worker.__name__} jobs go to the email queue", queue == "email", (
        "The queue is a class keyword, like max_attempts in lesson 4.",
        f"`class {worker.__name__}(Worker, queue=\"email\"):`.",
    ), "" if queue == "email" else f"they go to the {queue!r} queue")


def digests_to(restaurants: list[Any]) -> list[int]:
    """How many digests each of these restaurants got."""
    sent = [delivery.restaurant_id for delivery in deliveries("digest")]
    return [sent.count(restaurant.id) for restaurant in restaurants]


# -- teeth -----------------------------------------------------------------------------------

def swap_teeth(ns: Namespace, test_name: str, name: str, swaps: list[Swap]) -> list[Line]:
    """Like the teeth of a worker, for a function of the learner's: their test runs with
    each broken stand-in under the function's name."""
    test: Any = ns.get(test_name)
    learners = ns.get(name)
    if not callable(test):
        others = sorted(n for n in ns if n.startswith("test_") and callable(ns[n]))
        return [Line(f"Your test `{test_name}` exists", False, (
            f"Write the test in the test cell of this step, keeping the name {test_name}.",
        ), f"tests found: {', '.join(others) or 'none'}")]
    if not callable(learners):
        return []
    error = run_test(test)
    if is_stub(error):
        return [Line(f"Your test `{test_name}` is written", False, (
            "Replace the your_turn(...) line in the test with your test's code.",
            "The hint above the code cell shows the shape of the test.",
        ))]
    lines = [Line(f"Your test `{test_name}` passes against your {name}", error is None, (
        "Read the failure: is the test right, or your code?",
        "Run the %%ipytest cell to see the full failure report.",
    ), describe(error) if error else "")]
    if error is not None:
        lines.append(Line(f"Whether your test catches a broken {name} can be judged once "
                          "it passes against yours", False))
        return lines
    for swap in swaps:
        with swapped(test, name, swap.make(learners)):  # type: ignore[arg-type]
            caught = run_test(test) is not None
        lines.append(Line(f"Your test catches {swap.label}", caught, swap.hints,
                          "" if caught else "your test passed against it"))
    return lines
