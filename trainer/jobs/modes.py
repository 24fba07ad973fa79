"""Oban's testing modes, and `with_testing_mode`'s override of them for a block."""

from __future__ import annotations

from contextvars import ContextVar

override: ContextVar[str | None] = ContextVar("oban_testing_mode", default=None)


def effective(configured: str) -> str:
    """The mode an Oban configured with `configured` runs in here and now."""
    return override.get() or configured
