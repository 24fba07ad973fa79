"""Teeth for lesson 6: run the learner's own test with some names of the notebook swapped
for broken versions (a backfill function, or a worker), and see whether the test fails.

The course's `trainer.grading.teeth` swaps one worker; this lesson's bugs also live in a
plain function (`enqueue_backfill`), so a broken variant here names every replacement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from trainer.grading.manifest import Namespace
from trainer.grading.mutants import swapped_names
from trainer.grading.report import Line
from trainer.grading.runner import is_stub, run_test
from trainer.grading.teeth import missing_test, not_judged, passing_test, unwritten_test

# What one run of the test let a broken variant notice (how many reviews it saw, say).
Seen = dict[str, Any]


@dataclass(frozen=True)
class Broken:
    """A broken variant of the learner's code. `swaps(ns, seen)` gives the names to
    replace in the test's namespace and their replacements; they may note what they saw
    in `seen`, for `diagnose` to say what the test lacks (None: the general hints)."""

    label: str
    hints: tuple[str, ...]
    swaps: Callable[[Namespace, Seen], dict[str, Any]]
    diagnose: Callable[[Seen], tuple[str, ...] | None] | None = None


def teeth(ns: Namespace, test_name: str, needs: tuple[str, ...],
          broken: list[Broken], named: bool = False) -> list[Line]:
    """Lines for the learner's test: it exists, is written, passes on their code, and
    fails on each broken variant. `needs`: names the test relies on; while one of them
    is missing, other lines of the check say so and this says nothing. `named`: the
    lines say which test catches what (for a step with two tests)."""
    missing = missing_test(ns, test_name)
    if missing is not None:
        return [missing]
    test: Any = ns[test_name]
    if any(ns.get(name) is None for name in needs):
        return []
    error = run_test(test)
    if is_stub(error):
        return [unwritten_test(test_name)]
    lines = [passing_test(test_name, error, "your code")]
    if error is not None:
        return [*lines, not_judged("broken code")]
    for variant in broken:
        seen: Seen = {}
        with swapped_names(test.__globals__, variant.swaps(ns, seen)):
            caught = run_test(test) is not None
        hints = variant.hints
        if not caught and variant.diagnose is not None:
            hints = variant.diagnose(seen) or hints
        who = f"Your test `{test_name}`" if named else "Your test"
        lines.append(Line(f"{who} catches {variant.label}", caught, hints,
                          "" if caught else "your test passed against that broken code"))
    return lines
