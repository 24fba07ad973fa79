"""The broken variants lesson 0's teeth checks run the learner's tests against: a job
queue that gets a new job's row wrong, a drain that gets it wrong after, and a Greeter
that fails."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from trainer import sqlfiles
from trainer.clock import utcnow
from trainer.grading.mutants import variant
from trainer.grading.teeth import Mutant
from trainer.jobs import Job, Oban, Worker
from trainer.jobs.results import DrainResult


def _sql(name: str) -> str:
    return sqlfiles.load("trainer.lessons.l00_introduction", name)


class RunsAtInsert(Oban):
    """Inserting runs the job at once: its row is completed before the test looks."""

    def insert(self, job: Job) -> Job:
        stored = super().insert(job)
        super().drain_queue(queue=stored.queue)
        return stored


class HoldsBack(Oban):
    """A new job is stored as scheduled for an hour from now, not available."""

    def insert(self, job: Job) -> Job:
        stored = super().insert(job)
        self.repo.execute(_sql("hold_back_job"), {"id": stored.id,
                                                  "at": utcnow() + timedelta(hours=1)})
        return stored


class DrainsNothing(Oban):
    """A drain that runs nothing and says so."""

    def drain_queue(self, **_: Any) -> DrainResult:
        return DrainResult()


class _DrainThenBreak(Oban):
    BREAK = ""

    def drain_queue(self, *, queue: str | None = None, **options: Any) -> DrainResult:
        result = super().drain_queue(queue=queue, **options)
        self.repo.execute(_sql(self.BREAK), {"queue": queue or "default"})
        return result


class ForgetsAttempt(_DrainThenBreak):
    BREAK = "forget_attempts"


class ForgetsCompletedAt(_DrainThenBreak):
    BREAK = "forget_completed_at"


def _failing(greeter: type[Worker]) -> type[Worker]:
    broken = variant(greeter)

    def perform(self: Worker, job: Job) -> Any:
        raise RuntimeError("the greeting could not be sent")

    broken.perform = perform  # type: ignore[method-assign]
    return broken


READ_IT_BACK = "Read the row as it is stored now: `job = oban.get_job(job)`, then look at it."

RUNS_AT_INSERT = Mutant("an insert that runs the job at once", (
    "Inserting only stores the job: check that it is still waiting, in its row.",
    READ_IT_BACK + " `assert job.state == 'available'`.",
), engine=RunsAtInsert)
HOLDS_BACK = Mutant("new jobs held back as scheduled", (
    "A new job with no schedule is ready to run now: which state says that?",
    READ_IT_BACK + " `assert job.state == 'available'`.",
), engine=HoldsBack)

FAILING_GREETER = Mutant("a perform that fails", (
    "Check the state the job ends in: a failed attempt is not a completed one.",
    "After the drain, `assert oban.get_job(job).state == 'completed'`.",
), worker=_failing)
DRAINS_NOTHING = Mutant("a drain that runs nothing", (
    "Drain the queue, then read the job's row again: it must have changed.",
    "`oban.drain_queue(queue='default')`, then `assert oban.get_job(job).state == 'completed'`.",
), engine=DrainsNothing)
FORGETS_ATTEMPT = Mutant("a drain that does not count the attempt", (
    "Running a job uses one attempt: check the count after the drain.",
    "`assert oban.get_job(job).attempt == 1`.",
), engine=ForgetsAttempt)
FORGETS_COMPLETED_AT = Mutant("a drain that does not say when the job completed", (
    "A completed job records when it completed: check that time is there.",
    "`assert oban.get_job(job).completed_at is not None`.",
), engine=ForgetsCompletedAt)
