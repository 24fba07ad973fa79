"""Cron: inserts a job for each entry whose expression matches the current minute, once
per minute, on the leader only. Missed minutes are not made up for, as in Oban.

    Cron(crontab=[("* * * * *", Heartbeat),
                  ("0 9 * * MON", WeeklyDigest, {"args": {"team": "ops"}})],
         timezone="Europe/Paris")

An entry's options are job options (queue, priority, max_attempts, tags, meta, unique...)
plus `args` and `timezone`. Each job gets meta cron, cron_expr, cron_name and cron_tz.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from trainer.clock import utcnow
from trainer.errors import ArgumentError, OptionError
from trainer.jobs.plugins.base import Plugin
from trainer.jobs.plugins.cron_expression import Expression, parse
from trainer.jobs.runtime.config import check_seconds
from trainer.jobs.worker import Worker


def _zone(name: Any) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise OptionError(f"timezone={name!r} is not allowed: an IANA time zone name such "
                          "as 'Etc/UTC' or 'Europe/Paris'") from None


@dataclass(frozen=True)
class Entry:
    expression: Expression
    worker: type[Worker]
    args: dict[str, Any]
    options: dict[str, Any]
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Etc/UTC"))

    def job(self) -> Any:
        meta = {**self.options.get("meta", {}), "cron": True,
                "cron_expr": self.expression.text, "cron_name": self.worker.worker_name(),
                "cron_tz": str(self.zone)}
        return self.worker.new(self.args, **{**self.options, "meta": meta})


def _entry(item: Any, zone: ZoneInfo) -> Entry:
    if not isinstance(item, tuple | list) or len(item) not in (2, 3):
        raise ArgumentError(f"crontab entry {item!r} is not allowed: use (expression, "
                            "Worker) or (expression, Worker, {options})")
    expression, worker, options = (*item, {}) if len(item) == 2 else item
    if not (isinstance(worker, type) and issubclass(worker, Worker)):
        raise ArgumentError(f"crontab entry {item!r}: {worker!r} is not a Worker class")
    if not isinstance(options, Mapping):
        raise ArgumentError(f"crontab entry {item!r}: its options must be a dict")
    options = dict(options)
    if "timezone" in options:
        zone = _zone(options.pop("timezone"))
    args = options.pop("args", {})
    entry = Entry(parse(expression), worker, args, options, zone)
    entry.job()  # the worker's and the options' own checks, now rather than each minute
    return entry


class Cron(Plugin):
    name = "Cron"

    def __init__(self, *, crontab: Any = (), timezone: str = "Etc/UTC",
                 interval: float = 1.0) -> None:
        if not isinstance(crontab, list | tuple):
            raise ArgumentError(f"crontab must be a list of (expression, Worker) entries, "
                                f"got {crontab!r}")
        zone = _zone(timezone)
        self.entries = tuple(_entry(item, zone) for item in crontab)
        self.timezone = str(zone)
        # How often the minute is looked at; each minute is evaluated once.
        self.interval = check_seconds("interval", interval, allow_zero=False)
        self._last_minute: datetime | None = None
        self._has_led = False

    def _new_minute(self) -> datetime | None:
        """The current minute when it was not seen before; None otherwise. The minute an
        instance first sees is not evaluated: it may have begun before the instance did,
        or been evaluated by the leader before this one (a minute is only evaluated by
        an instance that saw it begin)."""
        minute = utcnow().replace(second=0, microsecond=0)
        seen, self._last_minute = self._last_minute, minute
        return minute if seen is not None and minute != seen else None

    def follow(self, oban: Any) -> None:
        self._new_minute()

    def run(self, oban: Any) -> dict[str, Any] | None:
        minute = self._new_minute()
        reboot = not self._has_led
        self._has_led = True
        if minute is None and not reboot:
            return None
        moment = minute.replace(tzinfo=UTC) if minute is not None else None
        due = [entry for entry in self.entries
               if (entry.expression.reboot and reboot)
               or (moment is not None and entry.expression.matches(
                   moment.astimezone(entry.zone)))]
        if not due and minute is None:
            return None
        jobs = oban.insert_all([entry.job() for entry in due]) if due else []
        return {"jobs": [job.id for job in jobs],
                "minute": minute.isoformat() if minute else None}
