"""Checks for the values a job carries in `args` and `meta`: JSON, stored faithfully.

PostgreSQL keeps them as jsonb. Anything that would come back different from what went
in (a tuple as a list, a set, a date, NaN, a NUL character) is refused with a clear
error instead of being changed silently.
"""

from __future__ import annotations

import math
import sys
from typing import Any

from trainer.errors import ArgumentError

MAX_DEPTH = 200


def check_json(value: Any, *, name: str) -> None:
    """Raise ArgumentError when `value` cannot round-trip through jsonb unchanged."""
    _check(value, name, name, 0)


def _check(value: Any, name: str, path: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ArgumentError(f"{name} is nested deeper than {MAX_DEPTH} levels at {path}")
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        try:
            str(value)  # what json.dumps does; Python refuses very long ints
        except ValueError:
            raise ArgumentError(
                f"{name} holds an int of more than {sys.get_int_max_str_digits()} digits at "
                f"{path}, which JSON cannot write; use a string"
            ) from None
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ArgumentError(
                f"{name} holds {value!r} at {path}: JSON has no NaN or infinity; "
                "use None or a string"
            )
        if value == 0 and math.copysign(1.0, value) < 0:
            raise ArgumentError(
                f"{name} holds -0.0 at {path}: PostgreSQL would store it as 0.0; use 0.0"
            )
        if abs(value) >= 1e16:  # Python writes these as 1e+16: they come back as ints
            raise ArgumentError(
                f"{name} holds {value!r} at {path}: PostgreSQL would return it as an int; "
                "use int(value) or a string"
            )
        return
    if isinstance(value, str):
        _check_text(value, name, path)
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, name, f"{path}[{index}]", depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ArgumentError(
                    f"{name} has the key {key!r} ({type(key).__name__}) at {path}: JSON "
                    "object keys are strings; use str(key)"
                )
            _check_text(key, name, f"{path} key {key!r}")
            _check(item, name, f"{path}[{key!r}]", depth + 1)
        return
    hint = {
        "tuple": "use a list",
        "set": "use a sorted list",
        "frozenset": "use a sorted list",
        "datetime": "use an ISO 8601 string, e.g. value.isoformat()",
        "date": "use an ISO 8601 string, e.g. value.isoformat()",
        "bytes": "use a string (e.g. base64)",
        "Decimal": "use a string or an int of cents",
    }.get(type(value).__name__, "use None, a bool, int, float, str, list or dict")
    raise ArgumentError(
        f"{name} holds a {type(value).__name__} at {path} ({value!r:.80}), which JSON cannot store "
        f"unchanged; {hint}"
    )


def _check_text(text: str, name: str, path: str) -> None:
    if "\x00" in text:
        raise ArgumentError(f"{name} has a NUL character (\\x00) at {path}: PostgreSQL "
                            "cannot store it in JSON; remove it")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ArgumentError(
            f"{name} has a lone surrogate character at {path}, which is not valid UTF-8"
        ) from None
