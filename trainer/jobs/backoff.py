"""Oban's default backoff: exponential, with up to 10% upward jitter."""

from __future__ import annotations

import math
import random

MAX_EXPONENT = 100


def _round_half_away_from_zero(value: float) -> int:
    # Elixir's round/1; Python's round() would round half to even.
    return int(math.floor(abs(value) + 0.5)) * (1 if value >= 0 else -1)


def default_backoff(attempt: int, max_attempts: int, jitter: float | None = None) -> int:
    """Seconds to wait after failed attempt number `attempt`.

    base = 15 + 2 ** a, where a is the attempt (scaled onto 0..20 when max_attempts > 20);
    then 0..10% of base is added at random (`jitter` in [0, 1) picks it, for tests).
    """
    if max_attempts <= 20:
        exponent = attempt
    else:
        exponent = _round_half_away_from_zero(attempt / max_attempts * 20)
    base = 15 + 2 ** min(exponent, MAX_EXPONENT)
    u = random.random() if jitter is None else jitter  # noqa: S311 - jitter, not a secret
    return base + math.trunc(u * 0.1 * base)
