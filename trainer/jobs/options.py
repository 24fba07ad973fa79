"""Worker and job options: every value checked, every mistake named.

A bad option raises OptionError naming the option, the value given and what is allowed,
at class definition for worker options and at `new()` for job options.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from trainer.errors import OptionError
from trainer.jobs.states import ALL_STATES, UNIQUE_GROUPS, JobState


class _Infinity:
    """An unbounded unique period: a job stays unique for as long as it exists."""

    _instance: _Infinity | None = None

    def __new__(cls) -> _Infinity:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "INFINITY"


INFINITY = _Infinity()

WORKER_OPTIONS = ("queue", "max_attempts", "priority", "tags", "unique", "replace")
JOB_OPTIONS = (*WORKER_OPTIONS, "meta", "schedule_in", "scheduled_at")
UNIQUE_OPTIONS = ("fields", "keys", "period", "states", "timestamp")
UNIQUE_FIELDS = ("args", "meta", "queue", "worker")
UNIQUE_TIMESTAMPS = ("inserted_at", "scheduled_at")
REPLACE_FIELDS = ("args", "max_attempts", "meta", "priority", "queue", "scheduled_at", "tags",
                  "worker")
STATE_NAMES = tuple(state.value for state in ALL_STATES)
DEFAULT_UNIQUE_PERIOD = 60
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


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


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
    if not _is_int(value) or value < 1 or value > 2**31 - 1:
        raise bad("max_attempts", value, "a positive integer (1 or more)")
    return int(value)


def check_priority(value: Any) -> int:
    if not _is_int(value) or not 0 <= value <= 9:
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


def seconds_of(option: str, value: Any, *, allow_negative: bool) -> float:
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif _is_int(value):
        seconds = float(value) if abs(value) <= MAX_SECONDS else math.inf
    else:
        raise bad(option, value, "a whole number of seconds or a timedelta")
    if seconds < 0 and not allow_negative:
        raise bad(option, value, "zero or more seconds")
    if abs(seconds) > MAX_SECONDS:
        raise bad(option, value, f"a whole number of seconds or a timedelta, {MAX_SPAN}")
    return seconds


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


# -- unique -------------------------------------------------------------------------------

@dataclass(frozen=True)
class UniqueOptions:
    """What makes two jobs duplicates. `keys=None`: the whole map; `period=None`: forever."""

    fields: tuple[str, ...] = ("args", "queue", "worker")
    keys: tuple[str, ...] | None = None
    period: float | None = DEFAULT_UNIQUE_PERIOD
    states: tuple[JobState, ...] = UNIQUE_GROUPS["successful"]
    timestamp: str = "inserted_at"


def check_unique(value: Any) -> UniqueOptions | None:
    """True (forever, default states), False/None (off) or a dict of unique options."""
    if value is None or value is False:
        return None
    if value is True:
        return UniqueOptions(period=None)
    if isinstance(value, UniqueOptions):
        return value
    if not isinstance(value, Mapping):
        raise bad("unique", value, "True, False, None, or a dict with keys "
                  + ", ".join(UNIQUE_OPTIONS))
    if not value:
        raise bad("unique", value, "a non-empty dict; use unique=True for the defaults")
    for name in value:
        if name not in UNIQUE_OPTIONS:
            raise unknown_option(str(name), UNIQUE_OPTIONS, "unique", value[name])
    fields = _unique_fields(value.get("fields", UniqueOptions.fields))
    keys = _unique_keys(value.get("keys", None), fields)
    return UniqueOptions(
        fields=fields,
        keys=keys,
        period=_unique_period(value.get("period", DEFAULT_UNIQUE_PERIOD)),
        states=_unique_states(value.get("states", "successful")),
        timestamp=_unique_timestamp(value.get("timestamp", "inserted_at")),
    )


def merge_unique(worker_value: Any, job_value: Any) -> Any:
    """Job options override the worker's; two dicts are merged key by key, as Oban does."""
    if isinstance(worker_value, Mapping) and isinstance(job_value, Mapping) and job_value:
        return {**worker_value, **job_value}
    return job_value


def _unique_fields(value: Any) -> tuple[str, ...]:
    allowed = f"a non-empty list drawn from {list(UNIQUE_FIELDS)}"
    if isinstance(value, str) or not isinstance(value, list | tuple) or not value:
        raise bad("unique fields", value, allowed)
    for item in value:
        if item not in UNIQUE_FIELDS:
            raise bad("unique fields", value, f"{allowed}; {item!r} is not one of them")
    return tuple(dict.fromkeys(value))


def _unique_keys(value: Any, fields: tuple[str, ...]) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise bad("unique keys", value, "a list of argument names (strings), e.g. ['id']")
    for item in value:
        if not isinstance(item, str) or not item:
            raise bad("unique keys", value, f"a list of non-empty strings; {item!r} is not one")
    if not value:
        return None
    if "args" not in fields and "meta" not in fields:
        raise bad("unique keys", list(value),
                  "keys only apply when unique fields include 'args' or 'meta'")
    return tuple(dict.fromkeys(value))


def _unique_period(value: Any) -> float | None:
    allowed = (f"a positive whole number of seconds or a positive timedelta ({MAX_SPAN}), "
               "or INFINITY")
    if value is INFINITY or value == "infinity":
        return None
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif _is_int(value):
        seconds = float(value) if abs(value) <= MAX_SECONDS else math.inf
    else:
        raise bad("unique period", value, allowed)
    if not 0 < seconds <= MAX_SECONDS:
        raise bad("unique period", value, allowed)
    return seconds


def _unique_states(value: Any) -> tuple[JobState, ...]:
    groups = ", ".join(repr(g) for g in UNIQUE_GROUPS)
    allowed = f"a group name ({groups}) or a non-empty list of states from {list(STATE_NAMES)}"
    if isinstance(value, str) and value in UNIQUE_GROUPS:
        return UNIQUE_GROUPS[value]
    if isinstance(value, str) or not isinstance(value, list | tuple) or not value:
        raise bad("unique states", value, allowed)
    states = []
    for item in value:
        if item not in STATE_NAMES:
            raise bad("unique states", value, f"{allowed}; {item!r} is not a state")
        states.append(JobState(item))
    return tuple(dict.fromkeys(states))


def _unique_timestamp(value: Any) -> str:
    if value not in UNIQUE_TIMESTAMPS:
        raise bad("unique timestamp", value, f"one of {list(UNIQUE_TIMESTAMPS)}")
    return str(value)


# -- replace ------------------------------------------------------------------------------

def check_replace(value: Any, *, worker_level: bool) -> dict[JobState, tuple[str, ...]] | None:
    """Which fields a conflicting insert overwrites, by the existing job's state.

    Per state, {"scheduled": ["scheduled_at"]}, anywhere; or a flat list of fields
    (meaning every state) when building a job, as Oban allows.
    """
    if value is None:
        return None
    per_state_example = "a dict of state to fields, e.g. {'scheduled': ['scheduled_at']}"
    if isinstance(value, list | tuple) and not worker_level:
        fields = _replace_fields("replace", value)
        return {state: fields for state in ALL_STATES}
    if not isinstance(value, Mapping):
        allowed = per_state_example if worker_level else (
            per_state_example + ", or a list of fields for every state")
        raise bad("replace", value, allowed)
    result: dict[JobState, tuple[str, ...]] = {}
    for state, fields in value.items():
        if state not in STATE_NAMES:
            raise bad("replace", value,
                      f"{per_state_example}; {state!r} is not a state of {list(STATE_NAMES)}")
        result[JobState(state)] = _replace_fields(f"replace[{state!r}]", fields)
    return result


def _replace_fields(option: str, value: Any) -> tuple[str, ...]:
    allowed = f"a list drawn from {list(REPLACE_FIELDS)}"
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise bad(option, value, allowed)
    for item in value:
        if item not in REPLACE_FIELDS:
            raise bad(option, value, f"{allowed}; {item!r} cannot be replaced")
    return tuple(dict.fromkeys(value))


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
