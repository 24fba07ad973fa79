"""The Pruner: deletes finished jobs (completed, cancelled, discarded) older than
`max_age` seconds, at most `limit` per run, every `interval` seconds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from trainer.clock import utcnow
from trainer.jobs import queries
from trainer.jobs.plugins.base import Plugin
from trainer.jobs.runtime.config import check_seconds
from trainer.jobs.validate import bad, is_int


class Pruner(Plugin):
    name = "Pruner"

    def __init__(self, *, max_age: float | timedelta = 60, limit: int = 10_000,
                 interval: float | timedelta = 30) -> None:
        self.max_age = check_seconds("max_age", max_age)
        if not is_int(limit) or limit < 1:
            raise bad("limit", limit, "a whole number of jobs, 1 or more")
        self.limit = limit
        self.interval = check_seconds("interval", interval, allow_zero=False)

    def run(self, oban: Any) -> dict[str, Any]:
        before = utcnow() - timedelta(seconds=self.max_age)
        rows = oban.repo.query(queries.load("prune_jobs"),
                               {"before": before, "limit": self.limit})
        return {"pruned_count": len(rows), "pruned_jobs": [row["id"] for row in rows]}
