"""Self-checks: `check("unique_forever")` grades the notebook as it stands and prints a
checklist, a tick or a cross per line, with a hint for every cross.

The learner's code is found by name (Refunder, and the test functions the lesson names)
in the namespace of the cell that calls `check`, never by cell position.
"""

from __future__ import annotations

import inspect
from typing import Any

from trainer.checks.report import Line, Report
from trainer.checks.runner import describe
from trainer.checks.steps import STEPS
from trainer.errors import ArgumentError
from trainer.stubs import YourTurn

__all__ = ["STEPS", "check"]


def check(step: str, namespace: dict[str, Any] | None = None) -> Report:
    """Grade one step of the lesson; print the checklist and return it."""
    if step not in STEPS:
        raise ArgumentError(f"check() knows no step {step!r}; the steps are: "
                            f"{', '.join(STEPS)}")
    if namespace is None:
        caller = inspect.currentframe()
        assert caller is not None and caller.f_back is not None
        namespace = caller.f_back.f_globals
    report = Report(step)
    try:
        report.lines = STEPS[step](namespace)
    except YourTurn:
        report.lines = [Line("Your code for this step is written", False, (
            "Replace each your_turn(...) line in this step's code cell, then run it.",
        ))]
    except Exception as error:  # noqa: BLE001 - the learner's code may fail in any way
        report.lines = [Line("Your code runs without an error", False, (
            "Run this step's code cell, then its test cell, and read the error.",
        ), describe(error))]
    print(report.render())
    return report
