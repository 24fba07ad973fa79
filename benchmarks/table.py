"""Rows of the one table every benchmark adds to, and how it is printed."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass
class Row:
    """One line of the table. `value` None means not measured: `note` says why."""

    section: str
    label: str
    value: float | None
    unit: str  # "s", "ms", "jobs/s", "x" (a ratio) or "count"
    note: str = ""


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def timed(action: Callable[[], object]) -> float:
    """Seconds one call takes."""
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def rotated(items: Sequence[T], turn: int) -> list[T]:
    """The items starting at a different one each turn: interleaving without a fixed
    first place (the first to run after a pause is often the slowest)."""
    if not items:
        return []
    start = turn % len(items)
    return [*items[start:], *items[:start]]


def target(value: float, limit: float, *, at_most: bool = True, text: str = "") -> str:
    """'target <= 1.5x: met' or '... MISSED'."""
    met = value <= limit if at_most else value >= limit
    return f"target {text}: {'met' if met else 'MISSED'}"


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "jobs/s":
        return f"{value:,.0f} jobs/s"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "ms":
        return f"{value:.3f} ms" if value < 10 else f"{value:.1f} ms"
    return f"{value:.2f} {unit}"


def render(rows: Iterable[Row]) -> str:
    """A Markdown table: readable in a terminal, pasteable into the README."""
    lines = [("section", "measurement", "median", "notes")]
    lines += [(r.section, r.label, format_value(r.value, r.unit), r.note) for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(3)]

    def show(cells: tuple[str, str, str, str]) -> str:
        padded = [cell.ljust(width) for cell, width in zip(cells, widths, strict=False)]
        return "| " + " | ".join([*padded, cells[3]]) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|---|"
    return "\n".join([show(lines[0]), rule, *(show(line) for line in lines[1:])])
