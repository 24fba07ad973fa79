"""What `perform` may return besides a plain value, and what a drain reports."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class Error:
    """Fail this attempt (like raising): retried while attempts are left."""

    reason: Any = None


@dataclass(frozen=True, slots=True)
class Cancel:
    """Stop for good: the job becomes `cancelled`."""

    reason: Any = None


@dataclass(frozen=True, slots=True)
class Discard:
    """Give up for good: the job becomes `discarded` (Oban deprecates this in favour of Cancel)."""

    reason: Any = None


@dataclass(frozen=True, slots=True)
class Snooze:
    """Run again later, in `seconds`, without using up an attempt."""

    seconds: int


@dataclass(slots=True)
class DrainResult:
    """How many jobs a drain ran, by outcome. Compares equal to a dict of some of its counts."""

    success: int = 0
    failure: int = 0
    discard: int = 0
    cancelled: int = 0
    snoozed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DrainResult):
            return self.as_dict() == other.as_dict()
        if isinstance(other, dict):
            counts = self.as_dict()
            return set(other) <= set(counts) and all(counts[k] == v for k, v in other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __add__(self, other: DrainResult) -> DrainResult:
        return DrainResult(**{k: v + other.as_dict()[k] for k, v in self.as_dict().items()})
