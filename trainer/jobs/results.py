"""What `perform` may return besides a plain value, and what a drain reports."""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import StrEnum
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


class Outcome(StrEnum):
    """How one attempt ended, as a drain counts it."""

    SUCCESS = "success"
    FAILURE = "failure"  # retried later: attempts are left
    DISCARD = "discard"  # given up: no attempt left, or Discard
    CANCELLED = "cancelled"
    SNOOZED = "snoozed"


@dataclass(slots=True)
class DrainResult:
    """How many jobs a drain ran, by outcome. Compares equal to a dict of some of its counts."""

    success: int = 0
    failure: int = 0
    discard: int = 0
    cancelled: int = 0
    snoozed: int = 0

    def record(self, outcome: Outcome) -> None:
        """Count one more job that ended this way."""
        if outcome is Outcome.SUCCESS:
            self.success += 1
        elif outcome is Outcome.FAILURE:
            self.failure += 1
        elif outcome is Outcome.DISCARD:
            self.discard += 1
        elif outcome is Outcome.CANCELLED:
            self.cancelled += 1
        else:
            self.snoozed += 1

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
