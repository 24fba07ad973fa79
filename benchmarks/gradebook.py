"""The gradebook on a class of 30 notebooks made from the solutions: finished ones, ones
with their last step undone (its cells as the exercises have them), malformed files, one
that hangs and one whose kernel dies. Every row is checked against what was seeded; the
figure is the time per notebook."""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

from benchmarks.settings import ROOT, Settings, child_env
from benchmarks.table import Row
from trainer.authoring import stub_source
from trainer.db.servers.embedded import EmbeddedServer
from trainer.grading.manifest import Lesson
from trainer.lessons import all_lessons

SECTION = "gradebook"
TIMEOUT = 20  # seconds a cell may run: the hanging notebook's cell is stopped then
SMOKE_TIMEOUT = 10


def _last_step_undone(lesson: Lesson) -> nbformat.NotebookNode:
    notebook = nbformat.read(ROOT / lesson.solutions, as_version=4)
    checks = [i for i, c in enumerate(notebook.cells) if c.source.startswith("check(")]
    for cell in notebook.cells[checks[-2] + 1: checks[-1]]:
        if cell.cell_type == "code":
            cell.source = stub_source(cell.source)
    return notebook


def seed(folder: Path, size: int) -> dict[str, tuple[str, int, str, list[str]]]:
    """Write the class; learner -> (notebook name, lesson, expected status, steps passed)."""
    lessons = all_lessons()
    expected = {}
    kinds = ["finished", "undone"] * size
    for n, kind in zip(range(size - 5), kinds, strict=False):
        lesson = lessons[n % len(lessons)]
        steps = [step.name for step in lesson.steps]
        notebook = (nbformat.read(ROOT / lesson.solutions, as_version=4) if kind == "finished"
                    else _last_step_undone(lesson))
        learner = f"learner{n:02d}"
        _write(folder, learner, lesson, nbformat.writes(notebook))
        expected[learner] = (lesson.notebook, lesson.number, "ok",
                             steps if kind == "finished" else steps[:-1])
    refunds = next(lesson for lesson in lessons if lesson.number == 4)
    first = [refunds.steps[0].name]
    broken = {"not_json": ("{this is no notebook", "malformed"),
              "not_a_notebook": ('{"cells": 7, "nbformat": 4, "nbformat_minor": 5, '
                                 '"metadata": {}}', "malformed"),
              "cut_short": (nbformat.writes(nbformat.read(ROOT / refunds.solutions,
                                                          as_version=4))[:900], "malformed")}
    for learner, (text, status) in broken.items():
        _write(folder, learner, refunds, text)
        expected[learner] = (refunds.notebook, 4, status, [])
    for learner, code, status in (("hangs", "import time\ntime.sleep(3600)", "timed out"),
                                  ("dies", "import os\nos._exit(1)", "crashed")):
        notebook = nbformat.read(ROOT / refunds.solutions, as_version=4)
        after_first_check = next(i for i, c in enumerate(notebook.cells)
                                 if c.source.startswith("check(")) + 1
        notebook.cells.insert(after_first_check, new_code_cell(code))
        _write(folder, learner, refunds, nbformat.writes(notebook))
        expected[learner] = (refunds.notebook, 4, status, first)
    return expected


def _write(folder: Path, learner: str, lesson: Lesson, text: str) -> None:
    where = folder / learner / "exercises"
    where.mkdir(parents=True)
    (where / lesson.notebook).write_text(text)


def wrong_rows(out: Path, expected: dict[str, tuple[str, int, str, list[str]]]) -> list[str]:
    with out.open() as table:
        rows = {row["learner"]: row for row in csv.DictReader(table)}
    wrong = [f"{learner}: no row" for learner in expected if learner not in rows]
    for learner, (_, lesson, status, passed) in expected.items():
        row = rows.get(learner)
        if row is None:
            continue
        if int(row["lesson"]) != lesson or not row["status"].startswith(status) \
                or row["steps_passed"].split() != passed:
            wrong.append(f"{learner}: {row['status']}, passed {row['steps_passed']!r}, "
                         f"expected {status}, {passed}")
    return wrong


def run(settings: Settings, server: EmbeddedServer) -> list[Row]:
    size, timeout = (7, SMOKE_TIMEOUT) if settings.smoke else (30, TIMEOUT)
    jobs = 2
    with tempfile.TemporaryDirectory(prefix="trainer-bench-grades-") as folder:
        submissions = Path(folder) / "class"
        expected = seed(submissions, size)
        out = Path(folder) / "grades.csv"
        began = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "trainer.grade", str(submissions), "--out", str(out),
             "--jobs", str(jobs), "--timeout", str(timeout)],
            cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=1800)
        seconds = time.perf_counter() - began
        if done.returncode != 0:
            raise RuntimeError(f"the gradebook failed: {done.stderr[-500:]}")
        wrong = wrong_rows(out, expected)
    if wrong:
        raise RuntimeError(f"{len(wrong)} rows are wrong: {'; '.join(wrong[:3])}")
    return [
        Row(SECTION, "grading a class: seconds per notebook", seconds / len(expected), "s",
            f"{len(expected)} notebooks ({jobs} at once, one hangs until its {timeout} s "
            f"timeout), all {len(expected)} rows as seeded; {seconds:.0f} s in all"),
    ]
