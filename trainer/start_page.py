"""The course's front doors, written from the lesson registry so they never drift: the
start page notebook (`START_HERE.ipynb`) and the README's course table. `python -m
trainer.authoring build` writes both; `check` fails when either is stale."""

from __future__ import annotations

import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from trainer.grading.manifest import Lesson
from trainer.lessons import all_lessons

NOTEBOOK = "START_HERE.ipynb"
TABLE_BEGIN = "<!-- course table: written by `make exercises` from the lesson registry -->"
TABLE_END = "<!-- end of course table -->"

INTRO = """# ChowMojo: background jobs, the Oban way

Welcome! This course teaches background jobs the way the Oban library does them, in Python,
against a real PostgreSQL. It is set in **ChowMojo**, a food-delivery app that sends emails,
notifies restaurants, refunds cold noodles and reads its reviews, all in background jobs.

Each lesson is a notebook in `exercises/`. You read a short explanation, write a worker
where it says `your_turn(...)`, run its tests in the cell below it, and run `check("...")`,
which grades your code and tells you when *your own test* would not catch a bug. Worked
answers are in `solutions/`, one click away when you want them.

Start with lesson 0 and go in order: each lesson builds on the ones before it."""

PROGRESS = """## Where you are

Run the cell below: it shows every lesson with a mark per step, as your checks last left
it (✓ passed, ✗ not yet, · not checked). Run it again any time."""


def lesson_rows(lessons: tuple[Lesson, ...], base: str = "") -> list[str]:
    return [f"| {lesson.number} | [{lesson.title}]({base}{lesson.exercises}) | "
            f"{lesson.teaches} | [solutions]({base}{lesson.solutions}) |"
            for lesson in lessons]


def start_notebook() -> nbformat.NotebookNode:
    lessons = all_lessons()
    table = "\n".join(["| | lesson | what it teaches | |", "|---|---|---|---|",
                       *lesson_rows(lessons)])
    cells = [
        new_markdown_cell(INTRO),
        new_markdown_cell(f"## The lessons\n\n{table}"),
        new_markdown_cell(PROGRESS),
        new_code_cell("from trainer.notebook.course_view import course\n\ncourse()"),
    ]
    for number, cell in enumerate(cells):
        cell.id = f"start-{number}"  # fixed, so writing the page twice gives one text
    return new_notebook(cells=cells, metadata={"kernelspec": {
        "display_name": "Python 3", "language": "python", "name": "python3"}})


def readme_table() -> str:
    rows = [f"| {lesson.number} | [{lesson.title}]({lesson.exercises}) | {lesson.teaches} | "
            f"{lesson.oban} | {lesson.oban_py} |" for lesson in all_lessons()]
    return "\n".join([TABLE_BEGIN, "| | lesson | what it teaches | Elixir Oban | oban-py |",
                      "|---|---|---|---|---|", *rows, TABLE_END])


def with_readme_table(readme: str) -> str:
    """The README with its course table rewritten from the registry."""
    pattern = re.compile(re.escape(TABLE_BEGIN) + ".*?" + re.escape(TABLE_END), re.S)
    if not pattern.search(readme):
        raise LookupError(f"README.md has no course table between {TABLE_BEGIN!r} and "
                          f"{TABLE_END!r}")
    return pattern.sub(lambda _: readme_table(), readme)
