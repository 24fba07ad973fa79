"""Teeth checks: does the learner's own test pass on their worker, and fail on each
broken variant of it? A test that passes on a broken worker would not catch that bug."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

from trainer.grading.manifest import Namespace
from trainer.grading.mutants import recording, swapped
from trainer.grading.report import Line
from trainer.grading.runner import describe, is_stub, run_test
from trainer.jobs import Oban, Worker


@dataclass(frozen=True)
class Mutant:
    """One broken variant a test with teeth must fail against: the learner's worker
    changed (`worker`), or the engine itself (`engine`, an Oban subclass given to the test
    as its `oban` fixture and under the name `Oban`)."""

    label: str
    hints: tuple[str, ...]
    worker: Callable[[type[Worker]], type[Worker]] | None = None
    engine: type[Oban] | None = None
    # Given the args of the jobs the test built, hints that say what the test lacks
    # (None: the general hints).
    diagnose: Callable[[list[dict[str, Any]]], tuple[str, ...] | None] | None = None


def learner_worker(ns: Namespace, name: str) -> type[Worker] | None:
    found = ns.get(name)
    return found if isinstance(found, type) and issubclass(found, Worker) else None


def missing_test(ns: Namespace, test_name: str) -> Line | None:
    """The cross for a test the namespace does not hold (None when it is there)."""
    test = ns.get(test_name)
    if callable(test) and hasattr(test, "__code__"):
        return None
    others = sorted(name for name in ns if name.startswith("test_") and callable(ns[name]))
    return Line(f"Your test `{test_name}` exists", False, (
        f"Write the test in the test cell of this step, keeping the name {test_name}.",
    ), f"tests found: {', '.join(others) or 'none'}")


def unwritten_test(test_name: str) -> Line:
    """The cross for a test that still calls your_turn(...)."""
    return Line(f"Your test `{test_name}` is written", False, (
        "Replace the your_turn(...) line in the test with your test's code.",
        "The hint above the code cell shows the shape of the test.",
    ))


def passing_test(test_name: str, error: BaseException | None, against: str = "") -> Line:
    """Does the learner's test pass on their own code (`against`: "your Refunder")?"""
    where = f" against {against}" if against else ""
    return Line(f"Your test `{test_name}` passes{where}", error is None, (
        "Read the failure: is the test right, or the code it tests?",
        "Run the %%ipytest cell to see the full failure report.",
    ), describe(error) if error else "")


def not_judged(what: str) -> Line:
    """A test that fails anyway would "catch" every broken variant: say nothing of them.
    `what`: "a broken Refunder", "broken code"."""
    return Line(f"Whether your test catches {what} can be judged once it passes against "
                "yours", False)


def teeth(ns: Namespace, test_name: str, worker_name: str,
          mutants: list[Mutant]) -> list[Line]:
    missing = missing_test(ns, test_name)
    if missing is not None:
        return [missing]
    test: Any = ns[test_name]
    worker = learner_worker(ns, worker_name)
    if worker is None:
        return []
    error = run_test(test)
    if is_stub(error):
        return [unwritten_test(test_name)]
    lines = [passing_test(test_name, error, f"your {worker_name}")]
    if error is not None:
        return [*lines, not_judged(f"a broken {worker_name}")]
    for mutant in mutants:
        built: list[dict[str, Any]] = []
        with _applied(mutant, test, worker_name, worker, built) as fixtures:
            caught = run_test(test, fixtures) is not None
        hints = mutant.hints
        if not caught and mutant.diagnose is not None:
            hints = mutant.diagnose(built) or hints
        what = worker_name if mutant.engine is None else "job queue"
        lines.append(Line(f"Your test catches a {what} with {mutant.label}", caught, hints,
                          "" if caught else f"your test passed against that broken {what}"))
    return lines


@contextmanager
def _applied(mutant: Mutant, test: Any, worker_name: str, worker: type[Worker],
             built: list[dict[str, Any]]) -> Iterator[dict[str, Callable[[Any], Any]]]:
    """The mutant in place for one run of the test; the fixtures to give it."""
    with ExitStack() as stack:
        fixtures: dict[str, Callable[[Any], Any]] = {}
        broken = mutant.worker(worker) if mutant.worker is not None else worker
        stack.enter_context(swapped(test, worker_name, recording(broken, built)))
        if mutant.engine is not None:
            engine = mutant.engine
            stack.enter_context(swapped(test, "Oban", engine))
            fixtures["oban"] = lambda repo: engine(testing="manual", repo=repo)
        yield fixtures
