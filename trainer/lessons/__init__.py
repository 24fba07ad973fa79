"""The course's lessons. Each lesson is a package here, `lNN_name`, whose `LESSON`
manifest names its notebook and its steps: a lesson exists when its package does."""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache

from trainer.grading.manifest import Lesson

PACKAGE = re.compile(r"l\d\d_[a-z0-9_]+")


def modules() -> tuple[str, ...]:
    return tuple(sorted(f"{__name__}.{info.name}" for info in pkgutil.iter_modules(__path__)
                        if info.ispkg and PACKAGE.fullmatch(info.name)))


@cache
def all_lessons() -> tuple[Lesson, ...]:
    """Every lesson, in course order."""
    lessons = tuple(importlib.import_module(name).LESSON for name in modules())
    return tuple(sorted(lessons, key=lambda lesson: lesson.number))


def lesson(number: int) -> Lesson:
    for found in all_lessons():
        if found.number == number:
            return found
    raise LookupError(f"no lesson {number}; the lessons are "
                      f"{', '.join(str(found.number) for found in all_lessons())}")
