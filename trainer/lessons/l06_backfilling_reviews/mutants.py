"""The broken variants lesson 6's teeth run the learner's tests against: backfills that
pick the wrong reviews or the wrong priority, recursions that stop or never recurse,
monitors that never wait, wait forever, or wait for jobs outside their batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainer.course.chowmojo import Review, analyze_sentiment, unanalysed_reviews
from trainer.db.repo import Repo
from trainer.grading.manifest import Namespace
from trainer.grading.mutants import variant
from trainer.jobs import Job, Oban, Snooze, Worker
from trainer.lessons.l06_backfilling_reviews.teeth import Broken, Seen

# The states of a job that has not finished yet.
INCOMPLETE = ["available", "scheduled", "executing", "retryable", "suspended"]


class Adjusted:
    """An Oban that changes each job it is given before storing it; the rest as is."""

    def __init__(self, oban: Any, change: Callable[[Job], Job]) -> None:
        self._oban, self._change = oban, change

    def insert(self, job: Job) -> Job:
        return self._oban.insert(self._change(job))  # type: ignore[no-any-return]

    def insert_all(self, jobs: Any) -> list[Job]:
        return self._oban.insert_all([self._change(job) for job in jobs])  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._oban, name)


def _analyses(ns: Namespace, job: Job) -> bool:
    analyzer = ns["SentimentAnalyzer"]
    return isinstance(analyzer, type) and issubclass(analyzer, Worker) \
        and job.worker == analyzer.worker_name()


def _learners_backfill_with(change: Callable[[Namespace, Job], Job]
                            ) -> Callable[[Namespace, Seen], dict[str, Any]]:
    """The learner's own enqueue_backfill, with each analysis job changed as it is stored."""
    def swaps(ns: Namespace, seen: Seen) -> dict[str, Any]:
        learners = ns["enqueue_backfill"]

        def enqueue_backfill(oban: Any) -> Any:
            return learners(Adjusted(oban, lambda job: change(ns, job)))
        return {"enqueue_backfill": enqueue_backfill}
    return swaps


def _backfill_of(pick: Callable[[Seen], list[Review]], one_job: bool = False
                 ) -> Callable[[Namespace, Seen], dict[str, Any]]:
    """A backfill of ours, on the learner's SentimentAnalyzer, for the reviews `pick` gives."""
    def swaps(ns: Namespace, seen: Seen) -> dict[str, Any]:
        analyzer = ns["SentimentAnalyzer"]

        def enqueue_backfill(oban: Any) -> Any:
            reviews = pick(seen)
            if one_job:
                return [oban.insert(analyzer.new({"ids": [r.id for r in reviews]},
                                                 priority=3))]
            return oban.insert_all([analyzer.new({"id": r.id}, priority=3) for r in reviews])
        return {"enqueue_backfill": enqueue_backfill}
    return swaps


def _every_review(seen: Seen) -> list[Review]:
    reviews = Repo.all(Review)
    seen["analysed"] = any(review.sentiment is not None for review in reviews)
    return reviews


def _pending(seen: Seen) -> list[Review]:
    pending = unanalysed_reviews()
    seen["pending"] = len(pending)
    return pending


def _oldest_pending(seen: Seen) -> list[Review]:
    return _pending(seen)[:1]


def _needs_several(seen: Seen) -> tuple[str, ...] | None:
    if seen.get("pending", 0) >= 2:
        return None
    return ("Your test backfills fewer than two reviews: give it several without a "
            "sentiment (three, say).",
            "Then compare the enqueued jobs' ids, sorted, with those reviews' ids.")


COMPARE_IDS = ("Collect the review ids of the enqueued jobs: "
               "`sorted(job.args['id'] for job in all_enqueued(worker=SentimentAnalyzer))`.",
               "Assert they are exactly the ids of the reviews with no sentiment.")

EVERY_REVIEW = Broken(
    "a backfill that enqueues analysed reviews too",
    ("Your test needs a review that is analysed already: "
     "insert('review', 'analysed'). It must get no job.",
     COMPARE_IDS[0]),
    _backfill_of(_every_review),
    diagnose=lambda seen: None if not seen.get("analysed") else (
        "Your test has an analysed review: good. Now check it got no job.", *COMPARE_IDS),
)
ONE_JOB_FOR_ALL = Broken(
    "a backfill that puts every review in one job",
    ("Backfill several reviews, and check there is one job per review.", *COMPARE_IDS),
    _backfill_of(_pending, one_job=True), diagnose=_needs_several,
)
OLDEST_ONLY = Broken(
    "a backfill that enqueues only the oldest review",
    ("Backfill several reviews, and check each one got its job.", *COMPARE_IDS),
    _backfill_of(_oldest_pending), diagnose=_needs_several,
)
DEFAULT_PRIORITY = Broken(
    "a backfill whose jobs keep the default priority (0)",
    ("Check the priority of the jobs the backfill enqueued.",
     "`assert_enqueued(worker=SentimentAnalyzer, priority=3)`; or drain one job and "
     "check it was the new review's."),
    _learners_backfill_with(lambda ns, job: job.evolve(priority=0) if _analyses(ns, job)
                            else job),
)
EVERY_ANALYSIS_AT_3 = Broken(
    "priority 3 for every analysis job, new reviews' too",
    ("Enqueue the backlog, then a new review's job the ordinary way: "
     "`SentimentAnalyzer.new({'id': fresh.id})`.",
     "Drain a single job (`with_limit=1`) and check it analysed the new review, "
     "not an old one."),
    lambda ns, seen: {"SentimentAnalyzer": variant(ns["SentimentAnalyzer"], priority=3)},
)


def _chain_with(perform: Callable[[Any, Job], Any]
                ) -> Callable[[Namespace, Seen], dict[str, Any]]:
    def swaps(ns: Namespace, seen: Seen) -> dict[str, Any]:
        broken = variant(ns["RecursiveBackfill"])
        broken.perform = perform  # type: ignore[method-assign, assignment]
        return {"RecursiveBackfill": broken}
    return swaps


def _analyse_the_oldest_only(self: Worker, job: Job) -> None:
    pending = unanalysed_reviews()
    if pending:
        analyze_sentiment(pending[0])


def _analyse_everything_at_once(self: Worker, job: Job) -> None:
    for review in unanalysed_reviews():
        analyze_sentiment(review)


STOPS_AFTER_ONE = Broken(
    "a recursive backfill that stops after one review",
    ("Drain with recursion, so the jobs that jobs enqueue run too, then look at every "
     "review.",
     "`oban.drain_queue(queue='analysis', with_recursion=True)`, then assert each "
     "review has its sentiment."),
    _chain_with(_analyse_the_oldest_only),
)
ALL_AT_ONCE = Broken(
    "a backfill that analyses every review in its first job",
    ("One job, one review: drain once *without* recursion first.",
     "`assert oban.drain_queue(queue='analysis') == {'success': 1}`, then check only the "
     "oldest review has a sentiment so far."),
    _chain_with(_analyse_everything_at_once),
)


def _monitor_with(perform: Callable[[Namespace], Callable[[Any, Job], Any]]
                  ) -> Callable[[Namespace, Seen], dict[str, Any]]:
    def swaps(ns: Namespace, seen: Seen) -> dict[str, Any]:
        broken = variant(ns["BackfillMonitor"])
        broken.perform = perform(ns)  # type: ignore[method-assign, assignment]
        return {"BackfillMonitor": broken}
    return swaps


def _waits_for_every_analysis(ns: Namespace) -> Callable[[Any, Job], Any]:
    analyzer = ns["SentimentAnalyzer"]

    def perform(self: Worker, job: Job) -> Any:
        busy = Oban().list_jobs(worker=analyzer, state=INCOMPLETE)
        return Snooze(5) if busy else None
    return perform


NEVER_SNOOZES = Broken(
    "a monitor that never snoozes",
    ("Run the monitor while the backfill's jobs still wait: it must snooze.",
     "Drain the monitor's queue before the analysis queue: "
     "`assert oban.drain_queue(queue='monitoring') == {'snoozed': 1}`."),
    _monitor_with(lambda ns: lambda self, job: None),
)
NEVER_DONE = Broken(
    "a monitor that snoozes for ever",
    ("After the backfill's jobs have run, run the monitor again: it must finish now.",
     "It is scheduled after its snooze: drain its queue `with_scheduled=True` and expect "
     "`{'success': 1}`."),
    _monitor_with(lambda ns: lambda self, job: Snooze(5)),
)
WAITS_FOR_EVERYTHING = Broken(
    "a monitor that waits for every analysis job, not just its batch",
    ("Before the monitor's last run, enqueue an analysis job that is not part of the "
     "backfill (a new review's).",
     "The monitor must still finish: only the jobs of its own batch count."),
    _monitor_with(_waits_for_every_analysis),
)
NO_BATCH = Broken(
    "a backfill whose jobs carry no batch in their meta",
    ("Run the monitor while the backfill's jobs still wait: it must snooze.",
     "That only works when the monitor finds them by their meta: check it snoozed."),
    _learners_backfill_with(lambda ns, job: job.evolve(meta={}) if _analyses(ns, job)
                            else job),
)
