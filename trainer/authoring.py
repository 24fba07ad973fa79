"""Exercises from solutions: the solutions notebook is the one source.

    python -m trainer.authoring build    # write exercises/ from solutions/, and the
                                         # start page and README course table (start_page)
    python -m trainer.authoring check    # fail when any of them is not what build would write

In a solutions code cell, the learner's part is marked in one of two ways:

    # BEGIN SOLUTION: what to do          a block, up to `# END SOLUTION`, becomes
    ...                                   your_turn("what to do") at the same indent
    # END SOLUTION

    class Refunder(Worker, max_attempts=1):  # STUB: class Refunder(Worker):
                                          a line ending in `# STUB: text` becomes that text

Both notebooks are written without outputs or execution counts.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import nbformat

from trainer import start_page
from trainer.errors import ArgumentError
from trainer.lessons import all_lessons

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END, STUB = "# BEGIN SOLUTION", "# END SOLUTION", "# STUB:"


def stub_source(source: str, where: str = "cell") -> str:
    """A solutions cell's source with every marked region replaced by its stub."""
    out: list[str] = []
    inside: str | None = None
    for number, line in enumerate(source.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith(BEGIN):
            if inside is not None:
                raise ArgumentError(f"{where}, line {number}: BEGIN SOLUTION inside another")
            indent = line[: len(line) - len(line.lstrip())]
            task = stripped[len(BEGIN):].lstrip(":").strip()
            out.append(f"{indent}your_turn({task!r})" if task else
                       f"{indent}your_turn()")
            inside = task
        elif stripped.startswith(END):
            if inside is None:
                raise ArgumentError(f"{where}, line {number}: END SOLUTION without a BEGIN")
            inside = None
        elif inside is not None:
            continue
        elif STUB in line:
            code, _, replacement = line.partition(STUB)
            indent = code[: len(code) - len(code.lstrip())]
            out.append(f"{indent}{replacement.strip()}")
        else:
            out.append(line)
    if inside is not None:
        raise ArgumentError(f"{where}: BEGIN SOLUTION without an END SOLUTION")
    return "\n".join(out)


def clean(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """No outputs, no execution counts: what we commit."""
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    return notebook


def exercise_of(solution: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    exercise = copy.deepcopy(solution)
    for index, cell in enumerate(exercise.cells):
        if cell.cell_type == "code":
            cell.source = stub_source(cell.source, f"{name}, cell {index}")
    return clean(exercise)


def notebooks() -> list[str]:
    """The notebook file of every registered lesson."""
    return [lesson.notebook for lesson in all_lessons()]


def render(notebook: nbformat.NotebookNode) -> str:
    return nbformat.writes(notebook) + "\n"


def expected_exercises(root: Path = ROOT) -> dict[Path, str]:
    """Every generated file and what it should hold: the exercises, the start page, the
    README (with its course table)."""
    out = {}
    for name in notebooks():
        solution = nbformat.read(root / "solutions" / name, as_version=4)
        out[root / "exercises" / name] = render(exercise_of(solution, name))
    out[root / start_page.NOTEBOOK] = render(start_page.start_notebook())
    readme = root / "README.md"
    out[readme] = start_page.with_readme_table(readme.read_text("utf-8"))
    return out


def build(root: Path = ROOT) -> list[Path]:
    written = []
    for name in notebooks():
        source = root / "solutions" / name
        cleaned = render(clean(nbformat.read(source, as_version=4)))
        if source.read_text() != cleaned:
            source.write_text(cleaned)
    for path, text in expected_exercises(root).items():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
        written.append(path)
    return written


def stale(root: Path = ROOT) -> list[Path]:
    """Exercises that differ from what `build` would write."""
    return [path for path, text in expected_exercises(root).items()
            if not path.exists() or path.read_text() != text]


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "build":
        for path in build():
            print(f"wrote {path.relative_to(ROOT)}")
        return 0
    if command == "check":
        out_of_date = stale()
        for path in out_of_date:
            print(f"{path.relative_to(ROOT)} is out of date: run `make exercises`")
        return 1 if out_of_date else 0
    print("usage: python -m trainer.authoring build|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
