"""Cron expressions as Oban reads them, checked here and matched by croniter.

Five fields: minute 0-59, hour 0-23, day 1-31, month 1-12 (or JAN-DEC), weekday 0-6
(or SUN-SAT; 7 is refused, as in Oban). Each field is a comma list of `*`, `n`, `*/s`,
`a-b`, `a-b/s` or `a/s`. Day and weekday must both match (croniter's day_or=False).
Nicknames: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, and
@reboot (the first run as leader).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from croniter import croniter

from trainer.errors import OptionError

NICKNAMES = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
             "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
             "@hourly": "0 * * * *"}
REBOOT = "@reboot"
FIELDS = ("minute", "hour", "day", "month", "weekday")
PART = re.compile(r"^(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(/[0-9]+)?$")
NAMES = {"month": {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
                   "NOV", "DEC"},
         "weekday": {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}}
SYNTAX = ("five fields (minute hour day month weekday), each `*`, `n`, `*/s`, `a-b`, "
          "`a-b/s` or a comma list of them; or @hourly, @daily, @weekly, @monthly, "
          "@yearly, @reboot")


@dataclass(frozen=True)
class Expression:
    text: str
    fields: str  # the five fields croniter matches; "" for @reboot

    @property
    def reboot(self) -> bool:
        return self.text == REBOOT

    def matches(self, moment: datetime) -> bool:
        """Whether the minute of `moment` (local time of the entry's zone) is a match."""
        if self.reboot:
            return False
        return bool(croniter.match(self.fields, moment.replace(second=0, microsecond=0),
                                   day_or=False))


def parse(text: object) -> Expression:
    if not isinstance(text, str) or not text.strip():
        raise OptionError(f"cron expression {text!r} is not allowed: {SYNTAX}")
    text = " ".join(text.split())
    if text.lower() == REBOOT:
        return Expression(REBOOT, "")
    fields = NICKNAMES.get(text.lower(), text)
    if text.startswith("@") and text.lower() not in NICKNAMES:
        raise OptionError(f"cron expression {text!r}: unknown nickname; {SYNTAX}")
    parts = fields.split(" ")
    if len(parts) != 5:
        raise OptionError(f"cron expression {text!r} has {len(parts)} fields: {SYNTAX}")
    for name, field in zip(FIELDS, parts, strict=True):
        words = {word.upper() for word in re.findall(r"[A-Za-z]+", field)}
        if not all(PART.match(part) for part in field.split(",")) \
                or not words <= NAMES.get(name, set()):
            raise OptionError(f"cron expression {text!r}: the {name} field {field!r} is "
                              f"not allowed: {SYNTAX}")
    if any(int(n) > 6 for n in re.findall(r"(?<![/0-9])[0-9]+", parts[4])):
        raise OptionError(f"cron expression {text!r}: weekdays run from 0 (Sunday) to 6 "
                          "(Saturday); 7 is not allowed")
    if not croniter.is_valid(fields):
        raise OptionError(f"cron expression {text!r} is out of range: minute 0-59, hour "
                          "0-23, day 1-31, month 1-12, weekday 0-6")
    return Expression(text, fields)
