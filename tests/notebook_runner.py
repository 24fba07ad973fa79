"""Run notebooks headless, as a learner's fresh kernel would, and read what cells printed."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

from tests.conftest import ROOT
from trainer.grading.manifest import Lesson
from trainer.lessons import all_lessons

LESSONS = all_lessons()


def solutions(lesson: Lesson) -> Path:
    return ROOT / lesson.solutions


def exercises(lesson: Lesson) -> Path:
    return ROOT / lesson.exercises


@dataclass
class CellRun:
    source: str
    text: str       # everything the cell printed or displayed
    error: str      # "" when the cell raised nothing

    @property
    def kind(self) -> str:
        if self.source.startswith("%%ipytest"):
            return "test"
        if self.source.startswith("check("):
            return "check"
        return "code"


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def outputs_of(cell: nbformat.NotebookNode) -> CellRun:
    text, error = [], ""
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            text.append(output.text)
        elif output.output_type == "error":
            error = f"{output.ename}: {output.evalue}"
        else:
            text.append(output.get("data", {}).get("text/plain", ""))
    return CellRun(cell.source, "".join(text), error)


def run(notebook: nbformat.NotebookNode, timeout: int = 120) -> list[CellRun]:
    """Execute every code cell in a fresh kernel, carrying on past errors."""
    notebook = copy.deepcopy(notebook)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            allow_errors=True,
                            resources={"metadata": {"path": str(ROOT / "exercises")}})
    client.execute()
    return [outputs_of(cell) for cell in notebook.cells if cell.cell_type == "code"]


def replace_code(notebook: nbformat.NotebookNode, replacements: list[str | None]
                 ) -> nbformat.NotebookNode:
    """The notebook with its stubbed code cells (those calling your_turn), in order,
    replaced by the given sources; None keeps a cell as it is."""
    notebook = copy.deepcopy(notebook)
    stubbed = [c for c in notebook.cells if c.cell_type == "code" and "your_turn(" in c.source]
    assert len(stubbed) == len(replacements), (len(stubbed), len(replacements))
    for cell, source in zip(stubbed, replacements, strict=True):
        if source is not None:
            cell.source = source
    return notebook


def until_check(notebook: nbformat.NotebookNode, step: str) -> nbformat.NotebookNode:
    """The notebook cut just after the cell `check("step")`."""
    notebook = copy.deepcopy(notebook)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and cell.source.strip() == f'check("{step}")':
            notebook.cells = notebook.cells[: index + 1]
            return notebook
    raise AssertionError(f"no check cell for {step!r}")


Mistake = tuple[str, str, str]  # (what the learner wrote, the check to run, the line crossed)


def setup_cell(path: Path) -> nbformat.NotebookNode:
    """A lesson's first code cell, `from trainer.lesson import *`."""
    return next(c for c in read(path).cells if c.cell_type == "code")


def mistakes_notebook(exercises_path: Path, mistakes: list[Mistake], *,
                      setup: nbformat.NotebookNode | None = None, before: tuple[str, ...] = (),
                      after: tuple[str, ...] = (), prefix: str = "") -> nbformat.NotebookNode:
    """The set-up cell, then each mistake's code (after `prefix`) and its check cell."""
    cells = [setup or setup_cell(exercises_path), *map(new_code_cell, before)]
    for source, step, _ in mistakes:
        cells += [new_code_cell(prefix + source), new_code_cell(f'check("{step}")')]
    return nbformat.v4.new_notebook(cells=[*cells, *map(new_code_cell, after)])


def assert_each_mistake_crossed(cells: list[CellRun], mistakes: list[Mistake]) -> None:
    """Each mistake's check ran without an error and crossed the line it names."""
    checks = [cell for cell in cells if cell.kind == "check"]
    assert len(checks) == len(mistakes)
    for cell, (source, step, line) in zip(checks, mistakes, strict=True):
        assert not cell.error, cell.error
        crossed = [text.strip() for text in cell.text.splitlines() if text.strip().startswith("✗")]
        assert any(line in text for text in crossed), (
            f"check({step!r}) should cross {line!r} for:\n{source}\nbut printed:\n{cell.text}")


def assert_every_cell_passes(cells: list[CellRun]) -> None:
    """No cell raised, every test cell passed, every check ticked all its lines."""
    for cell in cells:
        assert not cell.error, f"{cell.source[:70]!r} raised {cell.error}\n{cell.text}"
        if cell.kind == "test":
            assert " passed" in cell.text and "failed" not in cell.text, cell.text
        if cell.kind == "check":
            assert "✗" not in cell.text and "checks pass. Well done!" in cell.text, cell.text
