"""Broken variants of the job engine itself: a learner's test that claims to pin some
engine behaviour (how a retry leaves a job, say) must fail against an engine that gets
it wrong. Each variant is an Oban whose one operation does the real thing, then breaks
what the lesson says it guarantees."""

from __future__ import annotations

from typing import Any

from trainer import sqlfiles
from trainer.jobs import Job, Oban


def _sql(name: str) -> str:
    return sqlfiles.load("trainer.grading", name)


class _BrokenRetry(Oban):
    """retry_all_jobs (and so retry_job) as the engine does it, then `_break` on what it
    brought back."""

    def retry_all_jobs(self, **filter_by: Any) -> int:
        before = {job.id: job for job in self.list_jobs(**filter_by)
                  if job.state not in ("available", "executing")}
        count = super().retry_all_jobs(**filter_by)
        retried = [before[job.id] for job in self.list_jobs(ids=list(before))
                   if job.state == "available"] if before else []
        if retried:
            self._break(retried)
        return count

    def _break(self, jobs: list[Job]) -> None:
        raise NotImplementedError


class RetryResetsAttempt(_BrokenRetry):
    def _break(self, jobs: list[Job]) -> None:
        self.repo.execute(_sql("retry_resets_attempt"), {"ids": [job.id for job in jobs]})


class RetryKeepsMaxAttempts(_BrokenRetry):
    def _break(self, jobs: list[Job]) -> None:
        self.repo.execute(_sql("retry_keeps_max_attempts"), {
            "ids": [job.id for job in jobs], "max_attempts": [job.max_attempts for job in jobs]})


class RetryKeepsDiscardedAt(_BrokenRetry):
    def _break(self, jobs: list[Job]) -> None:
        self.repo.execute(_sql("retry_keeps_discarded_at"), {
            "ids": [job.id for job in jobs], "discarded_at": [job.discarded_at for job in jobs]})


class RetryDropsErrors(_BrokenRetry):
    def _break(self, jobs: list[Job]) -> None:
        self.repo.execute(_sql("retry_drops_errors"), {"ids": [job.id for job in jobs]})
