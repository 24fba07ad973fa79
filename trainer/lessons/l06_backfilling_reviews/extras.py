"""The checks of lesson 6's extra challenges: the recursive backfill and the monitor."""

from __future__ import annotations

from typing import Any

from trainer.course.chowmojo import get_review, insert, unanalysed_reviews
from trainer.grading.manifest import Namespace
from trainer.grading.report import Line
from trainer.grading.runner import describe, scratch
from trainer.grading.teeth import learner_worker
from trainer.jobs import Cancel, Discard, Error, Oban, Snooze
from trainer.lessons.l06_backfilling_reviews import mutants as m
from trainer.lessons.l06_backfilling_reviews.common import (
    attempt,
    backfill_of,
    queue_of,
    run_backfill,
)

# -- step 4: the recursive backfill --------------------------------------------------------

def recurses(ns: Namespace) -> tuple[list[Line], bool]:
    """The lines, and whether the backfill came to an end (the learner's test may run)."""
    chain = learner_worker(ns, "RecursiveBackfill")
    if chain is None:
        return [], False
    queue = queue_of(chain)
    with scratch():
        attempt(chain, {})  # a stub raises here, before anything is judged
    with scratch():
        reviews = [insert("review", rating=rating) for rating in (1, 3, 5)]
        analysed = insert("review", "analysed", rating=1, sentiment="positive")
        pending = len(unanalysed_reviews())
        oban = Oban(testing="manual")
        oban.insert(chain.new({}))
        first = oban.drain_queue(queue=queue)
        after_one = [getattr(get_review(r.id), "sentiment", None) for r in reviews]
        waiting = [len(oban.list_jobs(worker=chain, state=m.INCOMPLETE))]
        for _ in range(pending + 3):  # pass by pass: a backfill that never ends stops here
            # (with_scheduled: a chain may space its jobs out; that is no endless loop)
            oban.drain_queue(queue=queue, with_limit=1, with_scheduled=True)
            waiting.append(len(oban.list_jobs(worker=chain, state=m.INCOMPLETE)))
            if waiting[-1] == 0:
                break
        at_end = [getattr(get_review(r.id), "sentiment", None) for r in reviews]
        untouched = getattr(get_review(analysed.id), "sentiment", None) == "positive"
    ended = waiting[-1] == 0
    return [
        Line("RecursiveBackfill runs on the analysis queue at priority 3",
             queue == "analysis" and chain.worker_options.get("priority") == 3, (
                 "Both are class keywords.",
                 "`class RecursiveBackfill(Worker, queue=\"analysis\", priority=3):`.",
             ), f"queue {queue!r}, priority {chain.worker_options.get('priority', 0)}"),
        Line("Its first job analyses the oldest review, and only that one",
             first == {"success": 1} and after_one == ["negative", None, None], (
                 "A job kicked off with empty args starts at the oldest unanalysed review.",
                 "Analyse that one review, then enqueue a job for the next: no loop.",
             ), f"after one job the reviews read {after_one}; the drain said "
                f"{first.as_dict()}"),
        Line("Job by job, every review gets analysed", at_end == ["negative", "neutral",
                                                                 "positive"], (
            "Each job enqueues the next one, with args that say where to carry on.",
            "`Oban().insert(RecursiveBackfill.new({'after': review.id}))` at the end of "
            "perform.",
        ), f"the reviews read {at_end}"),
        Line("It leaves analysed reviews alone", untouched, (
            "Only reviews with no sentiment are part of the backfill.",
            "Pick the next review from unanalysed_reviews().",
        )),
        Line("At most one backfill job waits at any time, and none at the end",
             ended and max(waiting) <= 1, (
                 "When no review is left, return without enqueueing anything.",
                 "Enqueue exactly one next job per run, never one per review.",
             ), f"jobs waiting after each pass: {waiting}"),
    ], ended


# -- step 5: the monitor -------------------------------------------------------------------

def monitors(ns: Namespace) -> list[Line]:
    analyzer = learner_worker(ns, "SentimentAnalyzer")
    monitor = learner_worker(ns, "BackfillMonitor")
    if analyzer is None or monitor is None or backfill_of(ns) is None:
        return []
    with scratch():
        oban, jobs, _, error = run_backfill(ns)
        watchers = oban.list_jobs(worker=monitor)
        batches = [job.meta for job in jobs]
        if error is not None or len(watchers) != 1:
            results: list[Any] = []
        else:
            args = watchers[0].args
            results = [attempt(monitor, args)]
            oban.drain_queue(queue=queue_of(analyzer))
            results.append(attempt(monitor, args))
            fresh = insert("review")
            oban.insert(analyzer.new({"id": fresh.id}))
            results.append(attempt(monitor, args))
        # A second backfill, of one more review (and the first one's, still waiting).
        insert("review")
        before = {job.id for job in oban.list_jobs()}
        try:
            ns["enqueue_backfill"](oban)
        except Exception:  # noqa: BLE001 - the first line reports the learner's error
            pass
        second = [job.meta for job in oban.list_jobs(worker=analyzer)
                  if job.id not in before]
    first_batch = batches[0] if batches else None
    lines = [
        Line("The backfill's jobs share one batch in their meta",
             error is None and bool(batches) and bool(batches[0])
             and all(meta == batches[0] for meta in batches), (
                 "meta is a job option, a dict, stored with the job: `new(args, meta={...})`.",
                 "Give every job of one backfill the same `meta={'batch': batch}`.",
             ), describe(error) if error else f"their meta: {batches[:3]}"),
        Line("Each backfill gets a batch of its own",
             bool(second) and all(meta and meta != first_batch for meta in second), (
                 "Make up a new batch name each time enqueue_backfill runs.",
                 "`batch = str(uuid.uuid4())` (after `import uuid`).",
             ), f"the first backfill's meta: {batches[:1]}, the second's: {second[:1]}"),
        Line("The backfill enqueues one BackfillMonitor", len(watchers) == 1, (
            "Add the monitor's job to the jobs you give insert_all.",
            "`BackfillMonitor.new({'batch': batch})`: its args say which batch to watch.",
        ), f"{len(watchers)} monitor jobs were enqueued"),
    ]
    if not results:
        return lines
    (waiting, err1), (done, err2), (busy, err3) = results
    holding = Snooze | Error | Cancel | Discard  # anything but finishing
    return [*lines,
            Line("While its batch has jobs waiting, the monitor snoozes",
                 isinstance(waiting, Snooze), (
                     "Look for the batch's jobs that have not finished: list_jobs with meta= "
                     "and state=.",
                     "`Oban().list_jobs(meta={'batch': ...}, state=['available', 'scheduled', "
                     "'executing', 'retryable'])`; if there are any, `return Snooze(5)`.",
                 ), describe(err1) if err1 else f"perform returned {waiting!r}"),
            Line("Once its batch has run, the monitor finishes",
                 err2 is None and not isinstance(done, holding), (
                     "Completed jobs are done: do not count them.",
                     "When no job of the batch is left to run, return (anything but a Snooze).",
                 ), describe(err2) if err2 else f"perform returned {done!r}"),
            Line("Jobs outside its batch do not hold the monitor back",
                 err3 is None and not isinstance(busy, holding), (
                     "A new review's analysis is not part of the backfill.",
                     "Find the batch's jobs by their meta, not by their worker alone.",
                 ), describe(err3) if err3 else f"perform returned {busy!r}")]
