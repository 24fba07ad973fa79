"""What lesson 6's checks share: finding the learner's code, running it safely, and one
backfill on a known set of reviews."""

from __future__ import annotations

from typing import Any

from trainer.course.chowmojo import insert, unanalysed_reviews
from trainer.grading.manifest import Namespace
from trainer.grading.report import Line
from trainer.grading.teeth import learner_worker
from trainer.jobs import Job, Oban, Worker
from trainer.notebook.stubs import YourTurn
from trainer.testing import perform_job


def worker_line(ns: Namespace, name: str, first_line: str) -> Line:
    found = ns.get(name)
    ok = learner_worker(ns, name) is not None
    return Line(f"A worker class named {name} exists", ok, (
        "Define it in the code cell of this step and run that cell.",
        f"Its first line reads `{first_line}`, then comes `def perform(self, job):`.",
    ), "" if ok or found is None else f"{name} is {found!r}, not a Worker class")


def queue_of(worker: type[Worker]) -> str:
    return str(worker.worker_options.get("queue", "default"))


def attempt(worker: type[Worker], args: dict[str, Any]) -> tuple[Any, BaseException | None]:
    try:
        return perform_job(worker, args), None
    except YourTurn:
        raise  # not written yet: no line of this check may pass on a stub
    except Exception as error:  # noqa: BLE001 - a learner's perform may raise anything
        return None, error


class CountingOban(Oban):
    """A manual-mode Oban that notes how jobs reached it."""

    def __init__(self) -> None:
        super().__init__(testing="manual")
        self.one_by_one = 0
        self.batches = 0

    def insert(self, job: Job) -> Job:
        self.one_by_one += 1
        return super().insert(job)

    def insert_all(self, jobs: Any) -> list[Job]:
        self.batches += 1
        return super().insert_all(jobs)


def backfill_of(ns: Namespace) -> Any:
    found = ns.get("enqueue_backfill")
    return found if callable(found) and not isinstance(found, type) else None


def backfill_line(ns: Namespace) -> Line:
    ok = backfill_of(ns) is not None
    return Line("A function enqueue_backfill(oban) exists", ok, (
        "Define it in the code cell of this step and run that cell.",
        "It starts `def enqueue_backfill(oban):`.",
    ))


def run_backfill(ns: Namespace) -> tuple[CountingOban, list[Job], list[int], Exception | None]:
    """Inside scratch(): three reviews to analyse, two analysed ones, then the backfill.
    Gives the Oban, the analysis jobs enqueued, the ids that should have one, the error."""
    analyzer = ns["SentimentAnalyzer"]
    for rating in (1, 3, 5):
        insert("review", rating=rating)
    insert("review", "analysed")
    insert("review", "analysed", rating=5, sentiment="positive")
    expected = [review.id for review in unanalysed_reviews() if review.id is not None]
    oban = CountingOban()
    try:
        ns["enqueue_backfill"](oban)
    except YourTurn:
        raise
    except Exception as error:  # noqa: BLE001 - the learner's function may fail in any way
        return oban, [], expected, error
    return oban, oban.list_jobs(worker=analyzer), expected, None
