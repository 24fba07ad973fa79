"""Self-checks: `check("unique_forever")` grades the notebook as it stands and returns a
checklist, a tick or a cross per line, with a hint for every cross.

The learner's code is found by name (Refunder, and the test functions the lesson names)
in the namespace of the cell that calls `check`, never by cell position.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

from trainer.errors import ArgumentError
from trainer.grading import gradelog, progress
from trainer.grading.manifest import Lesson, Step
from trainer.grading.report import HintLedger, Line, Report
from trainer.grading.runner import describe
from trainer.notebook.stubs import YourTurn
from trainer.plugin import NOTEBOOK_TESTS


class Checker:
    """The `check` of a kernel: every registered lesson's steps, and the hints shown."""

    def __init__(self, lessons: Sequence[Lesson]) -> None:
        self.lessons = tuple(lessons)
        self.ledger = HintLedger()

    def __call__(self, step: str, namespace: dict[str, Any] | None = None, *,
                 lesson: int | None = None) -> Report:
        """Grade one step; the report shows itself as the cell's result."""
        owner, found = self.find(step, lesson)
        if namespace is None:
            caller = inspect.currentframe()
            assert caller is not None and caller.f_back is not None
            namespace = caller.f_back.f_globals
        # The learner's tests as they last ran (see trainer.plugin), under what the
        # namespace holds now.
        view = {**namespace.get(NOTEBOOK_TESTS, {}), **namespace}
        try:
            lines = found.check(view)
        except YourTurn:
            lines = [Line("Your code for this step is written", False, (
                "Replace each your_turn(...) line in this step's code cell, then run it.",
            ))]
        except Exception as error:  # noqa: BLE001 - the learner's code may fail in any way
            lines = [Line("Your code runs without an error", False, (
                "Run this step's code cell, then its test cell, and read the error.",
            ), describe(error))]
        if not any(line.ok for line in lines) and _fresh_kernel(view):
            lines = [Line("The cells above this one have run in this kernel", False, (
                "This kernel has just started (or was restarted), so nothing the cells above "
                "define is here yet: use Run › Run All Above, then run this check again.",
            )), *lines]
        report = Report.of(step, lines, self.ledger, owner.number, owner.solutions)
        progress.record(owner.number, step, passed=report.passed,
                        good=sum(line.ok for line in report.lines), total=len(report.lines))
        gradelog.record(owner.number, step, report.lines)
        return report

    def find(self, step: str, lesson: int | None = None) -> tuple[Lesson, Step]:
        """The lesson and step a check names; `lesson=` settles a name two lessons share."""
        matches = [(owner, found) for owner in self.lessons
                   if (lesson is None or owner.number == lesson)
                   and (found := owner.step(step)) is not None]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            known = "; ".join(f"lesson {owner.number}: {', '.join(s.name for s in owner.steps)}"
                              for owner in self.lessons
                              if lesson is None or owner.number == lesson)
            raise ArgumentError(f"check() knows no step {step!r}; the steps are: "
                                f"{known or 'none'}")
        numbers = ", ".join(str(owner.number) for owner, _ in matches)
        raise ArgumentError(f"check({step!r}) names a step of lessons {numbers}: say which, "
                            f"e.g. check({step!r}, lesson={matches[0][0].number})")


def _fresh_kernel(namespace: dict[str, Any]) -> bool:
    """True in a notebook kernel that has run no more than the first cell and this one
    (IPython keeps the cells' sources in `In`, the empty In[0] first)."""
    history = namespace.get("In")
    return isinstance(history, list) and len(history) <= 3
