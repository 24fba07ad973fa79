"""The course's lessons. Each lesson is a package whose `LESSON` manifest names its
notebook and its steps; this list is the one place that says which lessons exist."""

from __future__ import annotations

import importlib

from trainer.grading.manifest import Lesson

MODULES = ("trainer.lessons.l04_refunding_an_order",)


def all_lessons() -> tuple[Lesson, ...]:
    """Every lesson, in course order."""
    lessons = tuple(importlib.import_module(name).LESSON for name in MODULES)
    return tuple(sorted(lessons, key=lambda lesson: lesson.number))


def lesson(number: int) -> Lesson:
    for found in all_lessons():
        if found.number == number:
            return found
    raise LookupError(f"no lesson {number}; the lessons are "
                      f"{', '.join(str(found.number) for found in all_lessons())}")
