"""How the engine says a value is wrong: the option, the value given, and what is allowed."""

from __future__ import annotations

import difflib
import math
from datetime import timedelta
from typing import Any

from trainer.errors import OptionError

# Python's datetime spans years 1..9999: a longer span would overflow when added to now.
MAX_SECONDS = 1000 * 365 * 24 * 3600
MAX_SPAN = "at most 1000 years"


def bad(option: str, value: Any, allowed: str) -> OptionError:
    return OptionError(f"{option}={value!r} is not allowed: {allowed}")


_NOT_GIVEN = object()


def unknown_option(name: str, allowed: tuple[str, ...], where: str,
                   value: Any = _NOT_GIVEN) -> OptionError:
    close = difflib.get_close_matches(name, allowed, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    given = "" if value is _NOT_GIVEN else f" (given {value!r})"
    return OptionError(
        f"unknown {where} option {name!r}{given}; allowed: {', '.join(allowed)}.{hint}"
    )


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def seconds_of(option: str, value: Any, *, allow_negative: bool) -> float:
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif is_int(value):
        seconds = float(value) if abs(value) <= MAX_SECONDS else math.inf
    else:
        raise bad(option, value, "a whole number of seconds or a timedelta")
    if seconds < 0 and not allow_negative:
        raise bad(option, value, "zero or more seconds")
    if abs(seconds) > MAX_SECONDS:
        raise bad(option, value, f"a whole number of seconds or a timedelta, {MAX_SPAN}")
    return seconds
