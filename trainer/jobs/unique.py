"""Unique jobs, all in one place: the options, merging a job's over its worker's, the
replace options for a conflict, and the advisory lock keys a unique insert takes."""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from psycopg.types.json import Jsonb

from trainer.jobs.states import ALL_STATES, UNIQUE_GROUPS, JobState
from trainer.jobs.validate import MAX_SECONDS, MAX_SPAN, bad, is_int, unknown_option


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

UNIQUE_OPTIONS = ("fields", "keys", "period", "states", "timestamp")
UNIQUE_FIELDS = ("args", "meta", "queue", "worker")
UNIQUE_TIMESTAMPS = ("inserted_at", "scheduled_at")
REPLACE_FIELDS = ("args", "max_attempts", "meta", "priority", "queue", "scheduled_at", "tags",
                  "worker")
STATE_NAMES = tuple(state.value for state in ALL_STATES)
DEFAULT_UNIQUE_PERIOD = 60


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
    states = _unique_states(value.get("states", "successful"))
    if not set(states) & {JobState.AVAILABLE, JobState.SCHEDULED}:
        warnings.warn(UniqueWarning(
            f"unique states {[s.value for s in states]} leave out 'available' and "
            "'scheduled', the states a new job is inserted in: a job inserted twice in a "
            "row is stored twice. Add them (the 'incomplete' group has both)."),
            stacklevel=4)
    return UniqueOptions(
        fields=fields,
        keys=keys,
        period=_unique_period(value.get("period", DEFAULT_UNIQUE_PERIOD)),
        states=states,
        timestamp=_unique_timestamp(value.get("timestamp", "inserted_at")),
    )


class UniqueWarning(UserWarning):
    """A unique configuration that cannot do what uniqueness is for."""


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
    elif is_int(value):
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


# -- what a unique insert sends: the match, the period, and its advisory locks -----------

@dataclass(frozen=True)
class Candidate:
    """What a unique insert compares: the job's worker, queue, args and meta."""

    worker: str
    queue: str
    args: dict[str, Any]
    meta: dict[str, Any]

    @classmethod
    def of(cls, job: Any) -> Candidate:
        """The values of a Job (or anything with these four attributes)."""
        return cls(worker=job.worker, queue=job.queue, args=job.args, meta=job.meta)


def insert_params(unique: UniqueOptions, job: Candidate,
                  replace: Mapping[JobState, tuple[str, ...]] | None, now: datetime,
                  lock: bool) -> dict[str, Any]:
    """The unique parameters of insert_unique.sql for one job."""
    replaced = {state.value: list(fields) for state, fields in (replace or {}).items()}
    period_start = None if unique.period is None else now - timedelta(seconds=unique.period)
    return {
        # NULL keys take no lock (the lock functions are strict): insert_all holds the
        # configuration's exclusive lock already.
        "lock_key": value_lock_key(unique, job) if lock else None,
        "config_lock_key": config_lock_key(unique, job.worker) if lock else None,
        "unique_fields": list(unique.fields),
        "unique_states": [state.value for state in unique.states],
        "args_match": Jsonb(_pick(job.args, unique.keys) if "args" in unique.fields else {}),
        "meta_match": Jsonb(_pick(job.meta, unique.keys)),
        "unique_keys": list(unique.keys) if unique.keys is not None else None,
        "period_start": period_start,
        "unique_timestamp": unique.timestamp,
        "now": now,
        "replace": Jsonb(replaced),
    }


def config_lock_key(unique: UniqueOptions, worker: str) -> int:
    """One key per unique configuration: insert_all holds it exclusively, single inserts
    in shared mode."""
    return _lock_key(["config", list(unique.fields), list(unique.keys or []),
                      worker if "worker" in unique.fields else None])


def value_lock_key(unique: UniqueOptions, job: Candidate) -> int:
    """One key per unique value: two inserts of the same duplicate wait for each other."""
    return _lock_key([
        "value", list(unique.fields), list(unique.keys or []),
        job.worker if "worker" in unique.fields else None,
        job.queue if "queue" in unique.fields else None,
        _pick(job.args, unique.keys) if "args" in unique.fields else None,
        _pick(job.meta, unique.keys) if "meta" in unique.fields else None,
    ])


def _pick(values: dict[str, Any], keys: tuple[str, ...] | None) -> dict[str, Any]:
    return dict(values) if keys is None else {k: v for k, v in values.items() if k in keys}


def _normal(value: Any) -> Any:
    """JSON values as PostgreSQL compares them: 1.0 and 1 are the same number."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


def _lock_key(parts: list[Any]) -> int:
    text = json.dumps(_normal(parts), sort_keys=True, separators=(",", ":"))
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
