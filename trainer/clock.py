"""The app clock: naive UTC, the way the tables store time, and settable in tests.

Time is always passed to SQL as a parameter, never taken from SQL `now()`, which stands
still inside a sandbox transaction. A test can freeze or move the clock:

    with clock.frozen(datetime(2026, 1, 1, 12, 0)):
        clock.advance(seconds=60)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta


class Clock:
    """Real time, unless a test froze it at some moment."""

    def __init__(self) -> None:
        self._frozen: datetime | None = None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        frozen = self._frozen
        return frozen if frozen is not None else datetime.now(UTC).replace(tzinfo=None)

    @contextmanager
    def frozen(self, at: datetime | None = None) -> Iterator[Clock]:
        """Stand still at `at` (naive UTC; default: now) for the block."""
        with self._lock:
            before = self._frozen
            self._frozen = at if at is not None else self.now()
        try:
            yield self
        finally:
            with self._lock:
                self._frozen = before

    def advance(self, seconds: float = 0, **delta: float) -> datetime:
        """Move a frozen clock forward; return the new time."""
        with self._lock:
            if self._frozen is None:
                raise RuntimeError("the clock is not frozen: use `with clock.frozen():` first")
            self._frozen += timedelta(seconds=seconds, **delta)
            return self._frozen


clock = Clock()


def utcnow() -> datetime:
    """The app clock's time: naive UTC."""
    return clock.now()


def relative(when: datetime | None, now: datetime | None = None) -> str:
    """'now', 'in 10 min', '3 s ago', 'in 2 h', '5 days ago'."""
    if when is None:
        return ""
    seconds = round((when - (now or utcnow())).total_seconds())
    if abs(seconds) < 1:
        return "now"
    size = abs(seconds)
    for unit, length in (("days", 86400), ("h", 3600), ("min", 60)):
        if size >= length:
            amount = f"{size // length} {unit}"
            break
    else:
        amount = f"{size} s"
    return f"in {amount}" if seconds > 0 else f"{amount} ago"
