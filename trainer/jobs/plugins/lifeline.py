"""The Lifeline: jobs left `executing` longer than `rescue_after` seconds lost their
runner (a killed process, a stop past its grace period). Each run makes them available
again, or discarded when they have no attempt left, every `interval` seconds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from trainer.jobs.plugins.base import Plugin
from trainer.jobs.runtime.config import check_seconds
from trainer.jobs.states import JobState


class Lifeline(Plugin):
    name = "Lifeline"

    def __init__(self, *, rescue_after: float | timedelta = 3600,
                 interval: float | timedelta = 60) -> None:
        self.rescue_after = check_seconds("rescue_after", rescue_after)
        self.interval = check_seconds("interval", interval, allow_zero=False)

    def run(self, oban: Any) -> dict[str, Any]:
        jobs = oban.rescue_orphaned_jobs(after=timedelta(seconds=self.rescue_after))
        return {"rescued_jobs": [j.id for j in jobs if j.state is JobState.AVAILABLE],
                "discarded_jobs": [j.id for j in jobs if j.state is JobState.DISCARDED]}
