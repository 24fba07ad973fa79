"""What each self-check of lesson 6 looks at, step by step.

Behaviour lines run the learner's code against the real database, in a transaction that
is rolled back; the expected jobs are worked out from the reviews there at that moment.
Teeth lines run the learner's own tests against broken variants (see mutants.py).
"""

from __future__ import annotations

from trainer.course.chowmojo import get_review, insert
from trainer.grading.manifest import Namespace
from trainer.grading.report import Line
from trainer.grading.runner import describe, scratch
from trainer.grading.teeth import learner_worker
from trainer.jobs import Oban
from trainer.lessons.l06_backfilling_reviews import mutants as m
from trainer.lessons.l06_backfilling_reviews.common import (
    attempt,
    backfill_line,
    backfill_of,
    queue_of,
    run_backfill,
    worker_line,
)
from trainer.lessons.l06_backfilling_reviews.extras import monitors, recurses
from trainer.lessons.l06_backfilling_reviews.teeth import teeth

TEST_BACKFILL = "test_backfill_enqueues_only_unanalysed_reviews"
TEST_PRIORITY = "test_backfill_jobs_have_a_lower_priority"
TEST_FIRST = "test_new_reviews_are_analysed_before_the_backfill"
TEST_RECURSIVE = "test_the_backfill_analyses_one_review_per_job"
TEST_MONITOR = "test_the_monitor_waits_for_the_backfill"
BACKFILL_PRIORITY = 3


# -- step 1: the worker --------------------------------------------------------------------

def analyses_reviews(ns: Namespace) -> list[Line]:
    analyzer = learner_worker(ns, "SentimentAnalyzer")
    if analyzer is None:
        return []
    with scratch():
        low, high = insert("review", rating=1), insert("review", rating=5)
        results = [attempt(analyzer, {"id": review.id}) for review in (low, high)]
        stored = [getattr(get_review(review.id), "sentiment", None) for review in (low, high)]
        _, missing_error = attempt(analyzer, {"id": (high.id or 0) + 1_000_000})
    failed = [error for _, error in results if error is not None]
    ok = stored == ["negative", "positive"] and not failed
    return [
        Line("SentimentAnalyzer's jobs go to the analysis queue",
             queue_of(analyzer) == "analysis", (
            "The queue is a class keyword.",
            "`class SentimentAnalyzer(Worker, queue=\"analysis\"):`.",
        ), f"its queue is {queue_of(analyzer)!r}"),
        Line("Performing a job stores its review's sentiment", ok, (
            "perform gets the review's id in job.args['id']: load the review, then analyse it.",
            "`return analyze_sentiment(get_review(job.args['id']))`.",
        ), describe(failed[0]) if failed else f"the reviews' sentiments were {stored} "
           "(a 1-star and a 5-star review)"),
        Line("A job for a review that does not exist fails", missing_error is not None, (
            "Let the error of analyze_sentiment reach the queue: do not catch it.",
            "A job that succeeds without analysing anything hides the problem.",
        ), "" if missing_error is not None else "the job succeeded"),
    ]


def enqueues_the_backlog(ns: Namespace) -> list[Line]:
    if learner_worker(ns, "SentimentAnalyzer") is None or backfill_of(ns) is None:
        return []
    with scratch():
        oban, jobs, expected, error = run_backfill(ns)
    if error is not None:
        return [Line("enqueue_backfill(oban) runs without an error", False, (
            "Call it yourself in a cell, inside `with Repo.sandbox():`, and read the error.",
            "It takes the Oban to insert with: `def enqueue_backfill(oban):`.",
        ), describe(error))]
    ids = sorted(job.args["id"] for job in jobs if isinstance(job.args.get("id"), int))
    shapes = [job.args for job in jobs if set(job.args) != {"id"}]
    return [
        Line("Each review with no sentiment gets a job, and no analysed review does",
             ids == expected and not shapes, (
                 "unanalysed_reviews() gives the reviews with no sentiment yet.",
                 "One job each: `[SentimentAnalyzer.new({'id': review.id}) for review in "
                 "unanalysed_reviews()]`.",
             ), f"jobs for reviews {ids}, expected {expected}"
             + (f"; jobs with args {shapes[:2]}" if shapes else "")),
        Line("The jobs go in together, with one insert_all", oban.batches == 1
             and oban.one_by_one == 0, (
                 "Build every job first, then store them in one go.",
                 "`oban.insert_all(jobs)`: one call, one transaction.",
             ), f"insert_all was called {oban.batches} time(s), insert {oban.one_by_one}"),
    ]


# -- step 3: priority ----------------------------------------------------------------------

def backfills_at_a_lower_priority(ns: Namespace) -> list[Line]:
    analyzer = learner_worker(ns, "SentimentAnalyzer")
    if analyzer is None or backfill_of(ns) is None:
        return []
    with scratch():
        _, jobs, _, error = run_backfill(ns)
        fresh = insert("review", rating=5)
        oban = Oban(testing="manual")
        oban.insert(analyzer.new({"id": fresh.id}))
        oban.drain_queue(queue=queue_of(analyzer), with_limit=1)
        first = getattr(get_review(fresh.id), "sentiment", None)
    priorities = sorted({job.priority for job in jobs})
    ordinary = analyzer.new({"id": 1}).priority
    return [
        Line(f"Backfill jobs have priority {BACKFILL_PRIORITY}", error is None and bool(jobs)
             and priorities == [BACKFILL_PRIORITY], (
                 "A job's priority is an option of new(); 0 runs first, 9 last.",
                 "`SentimentAnalyzer.new({'id': review.id}, priority=3)` in enqueue_backfill.",
             ), describe(error) if error else f"their priorities were {priorities}"),
        Line("A new review's job keeps the default priority 0", ordinary == 0, (
            "Only the backfill waits: set the priority where the backfill builds its jobs.",
            "Leave the worker class as it was: no priority keyword on SentimentAnalyzer.",
        ), f"SentimentAnalyzer.new(...) has priority {ordinary}"),
        Line("A new review is analysed before the backlog", first is not None, (
            "Jobs run by priority, then scheduled time, then id.",
            "The backlog needs a higher number than the new review's job: priority=3.",
        ), "" if first is not None else "the first job drained was an old review's"),
    ]


# -- the steps -----------------------------------------------------------------------------

ANALYZER_LINE = "class SentimentAnalyzer(Worker, queue=\"analysis\"):"
NEEDS = ("SentimentAnalyzer", "enqueue_backfill")


def step_analyzer(ns: Namespace) -> list[Line]:
    return [worker_line(ns, "SentimentAnalyzer", ANALYZER_LINE), *analyses_reviews(ns)]


def step_backfill(ns: Namespace) -> list[Line]:
    return [worker_line(ns, "SentimentAnalyzer", ANALYZER_LINE), backfill_line(ns),
            *enqueues_the_backlog(ns),
            *teeth(ns, TEST_BACKFILL, NEEDS, [m.EVERY_REVIEW, m.ONE_JOB_FOR_ALL,
                                             m.OLDEST_ONLY])]


def step_priority(ns: Namespace) -> list[Line]:
    return [backfill_line(ns), *backfills_at_a_lower_priority(ns),
            *enqueues_the_backlog(ns)[:1],
            *teeth(ns, TEST_PRIORITY, NEEDS, [m.DEFAULT_PRIORITY], named=True),
            *teeth(ns, TEST_FIRST, NEEDS, [m.DEFAULT_PRIORITY, m.EVERY_ANALYSIS_AT_3],
                   named=True)]


def step_recursion(ns: Namespace) -> list[Line]:
    line = worker_line(ns, "RecursiveBackfill",
                       "class RecursiveBackfill(Worker, queue=\"analysis\", priority=3):")
    behaviour, ended = recurses(ns)
    if behaviour and not ended:
        # The learner's test would drain for ever too: judge it once the backfill ends.
        return [line, *behaviour]
    return [line, *behaviour,
            *teeth(ns, TEST_RECURSIVE, ("RecursiveBackfill",), [m.STOPS_AFTER_ONE,
                                                                 m.ALL_AT_ONCE])]


def step_monitor(ns: Namespace) -> list[Line]:
    return [worker_line(ns, "BackfillMonitor",
                        "class BackfillMonitor(Worker, queue=\"monitoring\"):"),
            backfill_line(ns), *monitors(ns),
            *teeth(ns, TEST_MONITOR, (*NEEDS, "BackfillMonitor"),
                   [m.NEVER_SNOOZES, m.NEVER_DONE, m.WAITS_FOR_EVERYTHING, m.NO_BATCH])]
