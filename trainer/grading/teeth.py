"""Teeth checks: does the learner's own test pass on their worker, and fail on each
broken variant of it? A test that passes on a broken worker would not catch that bug."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainer.grading.manifest import Namespace
from trainer.grading.mutants import swapped
from trainer.grading.report import Line
from trainer.grading.runner import describe, is_stub, run_test
from trainer.jobs import Worker

# (what is broken, how to break the learner's worker, the hints for a test that misses it)
Mutant = tuple[str, Callable[[type[Worker]], type[Worker]], tuple[str, ...]]


def learner_worker(ns: Namespace, name: str) -> type[Worker] | None:
    found = ns.get(name)
    return found if isinstance(found, type) and issubclass(found, Worker) else None


def teeth(ns: Namespace, test_name: str, worker_name: str,
          mutants: list[Mutant]) -> list[Line]:
    test: Any = ns.get(test_name)
    worker = learner_worker(ns, worker_name)
    if not callable(test):
        others = sorted(name for name in ns if name.startswith("test_") and callable(ns[name]))
        return [Line(f"Your test `{test_name}` exists", False, (
            f"Write the test in the test cell of this step, keeping the name {test_name}.",
        ), f"tests found: {', '.join(others) or 'none'}")]
    if worker is None:
        return []
    error = run_test(test)
    if is_stub(error):
        return [Line(f"Your test `{test_name}` is written", False, (
            "Replace the your_turn(...) line in the test with your test's code.",
            "The hint above the code cell shows the shape of the test.",
        ))]
    lines = [Line(f"Your test `{test_name}` passes against your {worker_name}", error is None, (
        "Read the failure: is the test right, or the worker?",
        "Run the %%ipytest cell to see the full failure report.",
    ), describe(error) if error else "")]
    for label, make, hints in mutants:
        with swapped(test, worker_name, make(worker)):
            caught = run_test(test) is not None
        lines.append(Line(f"Your test catches a {worker_name} with {label}", caught, hints,
                          "" if caught else f"your test passed against that broken {worker_name}"))
    return lines
