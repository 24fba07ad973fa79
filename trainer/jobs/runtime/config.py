"""An Oban instance's configuration, checked before anything starts.

    queues={"default": 10, "email": {"limit": 1, "paused": True}}

Every mistake raises OptionError naming the option, the value and what is allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from trainer.jobs.options import check_queue
from trainer.jobs.validate import bad, is_int, seconds_of, unknown_option

QUEUE_OPTIONS = ("limit", "paused")
MAX_LIMIT = 1000  # jobs of one queue running at once in one process: each is a thread


@dataclass(frozen=True)
class QueueConfig:
    name: str
    limit: int
    paused: bool = False


def check_limit(value: Any, option: str = "limit") -> int:
    if not is_int(value) or not 0 < value <= MAX_LIMIT:
        raise bad(option, value, f"a whole number of jobs from 1 to {MAX_LIMIT}")
    return int(value)


def check_queues(value: Any) -> tuple[QueueConfig, ...]:
    """`queues=` as QueueConfigs: {name: limit} or {name: {"limit": n, "paused": bool}}."""
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise bad("queues", value, 'a dict of queue names to limits, e.g. {"default": 10}')
    return tuple(check_queue_config(name, options) for name, options in value.items())


def check_queue_config(name: Any, options: Any) -> QueueConfig:
    check_queue(name)
    if is_int(options):
        return QueueConfig(name, check_limit(options, f"queues[{name!r}]"))
    if not isinstance(options, Mapping):
        raise bad(f"queues[{name!r}]", options,
                  'a limit (e.g. 10) or a dict such as {"limit": 10, "paused": True}')
    for key in options:
        if key not in QUEUE_OPTIONS:
            raise unknown_option(str(key), QUEUE_OPTIONS, f"queue {name!r}", options[key])
    if "limit" not in options:
        raise bad(f"queues[{name!r}]", dict(options), "a dict with a limit, "
                  'e.g. {"limit": 10}')
    paused = options.get("paused", False)
    if not isinstance(paused, bool):
        raise bad(f"queues[{name!r}]['paused']", paused, "True or False")
    return QueueConfig(name, check_limit(options["limit"], f"queues[{name!r}]['limit']"),
                       paused)


def check_seconds(option: str, value: Any, *, allow_zero: bool = True) -> float:
    """A duration option given as seconds (a number) or a timedelta."""
    if isinstance(value, float) and value >= 0:
        seconds = value
    else:
        seconds = seconds_of(option, value, allow_negative=False)
    if seconds == 0 and not allow_zero:
        raise bad(option, value, "more than zero seconds")
    return seconds
