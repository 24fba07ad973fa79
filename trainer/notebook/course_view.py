"""The course at a glance, for the start page: every lesson, what it teaches, where its
notebooks are, and how far this learner's checks last got.

    from trainer.notebook.course_view import course
    course()                                    # a table below the cell

    python -m trainer.notebook.course_view      # the same, as text, in a terminal
"""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass

from trainer.grading import progress
from trainer.grading.manifest import Lesson
from trainer.lessons import all_lessons

GREEN, RED, GREY = "#1a7f37", "#cf222e", "#57606a"
BOX = "font-family: system-ui, sans-serif; font-size: 14px; line-height: 1.45;"
CELL = "padding:4px 8px;vertical-align:top;text-align:left"


@dataclass(frozen=True)
class LessonProgress:
    lesson: Lesson
    marks: tuple[bool | None, ...]  # per step: passed, failed, or not checked yet

    @property
    def passed(self) -> int:
        return sum(mark is True for mark in self.marks)

    @property
    def summary(self) -> str:
        if all(mark is None for mark in self.marks):
            return "not started"
        if self.passed == len(self.marks):
            return f"done: all {self.passed} steps pass"
        return f"{self.passed} of {len(self.marks)} steps pass"


def lesson_progress(lesson: Lesson, recorded: progress.Progress) -> LessonProgress:
    steps = recorded.get(str(lesson.number), {})
    marks = tuple(steps[step.name].get("passed") is True if step.name in steps else None
                  for step in lesson.steps)
    return LessonProgress(lesson, marks)


@dataclass(frozen=True)
class CourseView:
    rows: tuple[LessonProgress, ...]
    base: str  # where the notebooks are, from the page showing this view

    def _repr_html_(self) -> str:
        head = "".join(f'<th style="{CELL}">{name}</th>'
                       for name in ("lesson", "what it teaches", "notebooks", "your progress"))
        body = []
        for row in self.rows:
            lesson = row.lesson
            marks = "".join(
                f'<span title="{html.escape(step.name)}" style="color:'
                f'{GREY if mark is None else GREEN if mark else RED}">'
                f'{"·" if mark is None else "✓" if mark else "✗"}</span>'
                for step, mark in zip(lesson.steps, row.marks, strict=True))
            links = (f'<a href="{self.base}{lesson.exercises}">exercises</a> · '
                     f'<a href="{self.base}{lesson.solutions}">solutions</a>')
            cells = (f"<strong>{lesson.number}</strong> · {html.escape(lesson.title)}",
                     html.escape(lesson.teaches), links,
                     f'<span style="letter-spacing:2px">{marks}</span> '
                     f"{html.escape(row.summary)}")
            body.append("<tr>" + "".join(f'<td style="{CELL}">{cell}</td>' for cell in cells)
                        + "</tr>")
        return (f'<table class="trainer-course" style="{BOX}border-collapse:collapse">'
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")

    def __repr__(self) -> str:
        lines = []
        for row in self.rows:
            marks = "".join("·" if mark is None else "✓" if mark else "✗" for mark in row.marks)
            lines.append(f"{row.lesson.number}  {row.lesson.title:<28} {marks:<8} {row.summary}")
        return "\n".join(lines)


def course(base: str = "") -> CourseView:
    """Every lesson with this learner's progress; `base` is the path from the page to the
    repository's root (the start page sits there, so "")."""
    recorded = progress.load()
    return CourseView(tuple(lesson_progress(lesson, recorded) for lesson in all_lessons()),
                      base)


if __name__ == "__main__":
    print(repr(course()))
    print(f"\n(from {progress.path()})", file=sys.stderr)
