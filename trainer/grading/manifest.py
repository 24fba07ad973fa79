"""What a lesson declares about itself: its notebook and its steps, each with the check
that grades it. The lessons package holds the manifests; grading only reads them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from trainer.grading.report import Line

Namespace = dict[str, Any]


@dataclass(frozen=True)
class Step:
    name: str
    check: Callable[[Namespace], list[Line]]
    tests: tuple[str, ...] = ()  # the learner's test functions this step looks at


@dataclass(frozen=True)
class Lesson:
    number: int
    slug: str  # the notebook's name without .ipynb, e.g. "04_refunding_an_order"
    title: str
    steps: tuple[Step, ...]
    teaches: str = ""  # one line for the start page and the README's course table
    oban: str = ""     # the Elixir Oban names the lesson's ideas go by
    oban_py: str = ""  # and oban-py's
    first_cell: str = "from trainer.lesson import *"

    @property
    def notebook(self) -> str:
        return f"{self.slug}.ipynb"

    @property
    def solutions(self) -> str:
        return f"solutions/{self.notebook}"

    @property
    def exercises(self) -> str:
        return f"exercises/{self.notebook}"

    def step(self, name: str) -> Step | None:
        return next((step for step in self.steps if step.name == name), None)
