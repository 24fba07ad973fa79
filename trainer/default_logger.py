"""One log line per Oban event, through Python's `logging` (logger "trainer.oban"):

    attach_default_logger()               # JSON lines at INFO
    attach_default_logger(encode=False)   # the dict itself, as the record's message

Each line holds `source: "oban"`, `event` ("job:stop"...) and the event's facts: for jobs
the args, attempt, id, max_attempts, meta, queue, tags, worker, and at the end the
state and the duration and queue time in milliseconds; an exception adds its error.
Attaching it a second time changes nothing (it says so in the return value, False).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from trainer import telemetry
from trainer.errors import ArgumentError

HANDLER_ID = "oban-default-logger"
CATEGORIES = ("job", "plugin", "queue", "peer")
log = logging.getLogger("trainer.oban")


def attach_default_logger(level: int | str = logging.INFO, events: str | Iterable[str] = "all",
                          encode: bool = True) -> bool:
    """Log every event of these categories ("all", or some of job, plugin, queue,
    peer); True when attached now, False when it was attached already."""
    numeric = logging.getLevelName(level.upper()) if isinstance(level, str) else level
    if not isinstance(numeric, int):
        raise ArgumentError(f"level={level!r} is not a logging level: use e.g. 'info', "
                            "'debug' or logging.INFO")
    wanted = CATEGORIES if events == "all" else tuple([events] if isinstance(events, str)
                                                      else events)
    unknown = [name for name in wanted if name not in CATEGORIES]
    if unknown or not wanted:
        raise ArgumentError(f"events={events!r}: use 'all' or some of {list(CATEGORIES)}")
    names = [event for event in telemetry.EVENTS if event.split(".")[1] in wanted]
    if HANDLER_ID in telemetry.attached():
        return False

    def write(event: str, measurements: dict[str, Any], metadata: dict[str, Any]) -> None:
        line = _line(event, measurements, metadata)
        log.log(numeric, json.dumps(line, default=str) if encode else line)

    telemetry.attach(names, write, handler_id=HANDLER_ID)
    return True


def detach_default_logger() -> bool:
    return telemetry.detach(HANDLER_ID)


JOB_FIELDS = ("args", "attempt", "id", "max_attempts", "meta", "queue", "tags", "worker")


def _line(event: str, measurements: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
    _, category, kind = event.split(".")
    line: dict[str, Any] = {"source": "oban", "event": f"{category}:{kind}"}
    if category == "job":
        line.update({name: metadata.get(name) for name in JOB_FIELDS})
        if kind != "start":
            line.update(state=metadata.get("state"),
                        duration_ms=round(measurements["duration"] * 1000, 3),
                        queue_time_ms=round(measurements["queue_time"] * 1000, 3))
        if kind == "exception":  # the error's last line, without the traceback
            lines = (metadata.get("error") or "").splitlines()
            line["error"] = lines[-1] if lines else ""
    else:
        line.update({k: v for k, v in metadata.items() if k not in ("conf", "job")})
        line.update({k: v for k, v in measurements.items() if k != "system_time"})
    return line
