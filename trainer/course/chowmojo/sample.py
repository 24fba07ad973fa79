"""The app's sample data: small text files of ours (`data/*.txt`), one item per line."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def lines(name: str) -> tuple[str, ...]:
    """The items of `data/<name>.txt`, without comments and blank lines."""
    text = files("trainer.course.chowmojo").joinpath("data", f"{name}.txt").read_text("utf-8")
    return tuple(line.strip() for line in text.splitlines()
                 if line.strip() and not line.startswith("#"))


def pick(name: str, n: int) -> str:
    """The n-th item (1-based), going round again after the last."""
    items = lines(name)
    return items[(n - 1) % len(items)]
