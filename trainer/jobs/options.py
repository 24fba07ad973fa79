"""Worker and job options: every value checked, every mistake named.

A bad option raises OptionError naming the option, the value given and what is allowed,
at class definition for worker options and at `new()` for job options. Unique and
replace options are in `unique.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from trainer.jobs.states import ALL_STATES
from trainer.jobs.unique import check_replace, check_unique
from trainer.jobs.validate import bad, is_int, unknown_option

WORKER_OPTIONS = ("queue", "max_attempts", "priority", "tags", "unique", "replace")
JOB_OPTIONS = (*WORKER_OPTIONS, "meta", "schedule_in", "scheduled_at")
STATE_NAMES = tuple(state.value for state in ALL_STATES)


# -- plain options ------------------------------------------------------------------------

def _storable(text: str) -> bool:
    """PostgreSQL text holds no NUL character and only valid UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return "\x00" not in text


def check_queue(value: Any) -> str:
    if not isinstance(value, str) or not 0 < len(value) < 128 or not _storable(value):
        raise bad("queue", value, "a non-empty string of at most 127 characters "
                  "(no NUL, valid UTF-8)")
    return value


def check_max_attempts(value: Any) -> int:
    if not is_int(value) or value < 1 or value > 2**31 - 1:
        raise bad("max_attempts", value, "a positive integer (1 or more)")
    return int(value)


def check_priority(value: Any) -> int:
    if not is_int(value) or not 0 <= value <= 9:
        raise bad("priority", value, "an integer from 0 (highest) to 9 (lowest)")
    return int(value)


def check_tags(value: Any) -> tuple[str, ...]:
    """Oban's normalisation: trimmed, lower-cased, blanks dropped, duplicates removed."""
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise bad("tags", value, "a list of strings, e.g. ['refunds', 'payments']")
    tags: list[str] = []
    for tag in value:
        if not isinstance(tag, str) or not _storable(tag):
            raise bad("tags", value, f"a list of strings; {tag!r} is not a storable string")
        normal = tag.strip().lower()
        if normal and normal not in tags:
            tags.append(normal)
    return tuple(tags)


def check_meta(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise bad("meta", value, "a dict with string keys")
    from trainer.jobs.values import check_json

    check_json(dict(value), name="meta")
    return dict(value)


def check_scheduled_at(value: Any) -> datetime:
    """A datetime; naive means UTC, aware is converted. Stored as naive UTC."""
    if not isinstance(value, datetime):
        raise bad("scheduled_at", value, "a datetime (naive means UTC)")
    if value.tzinfo is not None:
        try:
            value = value.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:
            raise bad("scheduled_at", value, "a datetime within years 1..9999 in UTC") from None
    return value


# -- all worker options at once -----------------------------------------------------------

def check_worker_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Validate class keywords of a Worker subclass; return them normalised."""
    checked: dict[str, Any] = {}
    for name, value in options.items():
        if name not in WORKER_OPTIONS:
            raise unknown_option(name, WORKER_OPTIONS, "worker", value)
        if name == "queue":
            checked[name] = check_queue(value)
        elif name == "max_attempts":
            checked[name] = check_max_attempts(value)
        elif name == "priority":
            checked[name] = check_priority(value)
        elif name == "tags":
            checked[name] = check_tags(value)
        elif name == "unique":
            check_unique(value)
            checked[name] = value  # kept raw: a job's unique dict merges over it
        elif name == "replace":
            checked[name] = check_replace(value, worker_level=True)
    return checked
