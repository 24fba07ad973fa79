"""Behaviour lines of lesson 5's last extra challenge: one job per restaurant."""

from __future__ import annotations

from trainer.course.chowmojo import insert
from trainer.db.repo import Repo
from trainer.grading.manifest import Namespace
from trainer.grading.report import Line
from trainer.grading.runner import scratch
from trainer.grading.teeth import learner_worker
from trainer.jobs import Oban
from trainer.lessons.l05_delivering_a_daily_digest.common import digests_to, lesson_sql

# -- one job per restaurant --------------------------------------------------------------------

def fans_out(ns: Namespace) -> list[Line]:
    daily, single = learner_worker(ns, "DailyDigest"), learner_worker(ns, "RestaurantDigest")
    if daily is None or single is None:
        return []
    with scratch():
        oban = Oban(testing="manual")
        active = [insert("restaurant"), insert("restaurant")]
        inactive = insert("restaurant", "without_address")
        oban.insert(daily.new({}))
        oban.drain_queue(queue=daily.worker_options.get("queue", "default"))
        sent_by_daily = digests_to(active)
        sub = [job.args.get("id") if isinstance(job.args, dict) else None
               for job in oban.list_jobs(worker=single)]
        per_restaurant = [sub.count(restaurant.id) for restaurant in [*active, inactive]]
        oban.drain_queue(queue=single.worker_options.get("queue", "default"))
        sent = digests_to([*active, inactive])
    fanned = per_restaurant == [1, 1, 0]
    return [
        Line("The daily job inserts one RestaurantDigest job per active restaurant", fanned, (
            "In DailyDigest.perform, build one RestaurantDigest job per active restaurant, "
            "and insert them all at once.",
            "`Oban().insert_all([RestaurantDigest.new({\"id\": r.id}) for r in "
            "active_restaurants()])`.",
        ), "" if fanned else "two active and one inactive restaurant got "
           f"{per_restaurant[0]}, {per_restaurant[1]} and {per_restaurant[2]} jobs"),
        Line("The daily job sends no digest itself", sent_by_daily == [0, 0], (
            "The daily job only inserts the sub-jobs; each sub-job sends one digest.",
        )),
        Line("Each RestaurantDigest job sends its restaurant's digest, once",
             sent == [1, 1, 0], (
                 "RestaurantDigest.perform loads the restaurant named by its args.",
                 "`send_digest(get_restaurant(job.args[\"id\"]))`.",
             ), "" if sent == [1, 1, 0] else
             f"the restaurants got {sent[0]}, {sent[1]} and {sent[2]} digests"),
    ]


def retries_one_restaurant(ns: Namespace) -> list[Line]:
    daily, single = learner_worker(ns, "DailyDigest"), learner_worker(ns, "RestaurantDigest")
    if daily is None or single is None:
        return []
    with scratch():
        oban = Oban(testing="manual")
        closing, staying = insert("restaurant"), insert("restaurant")
        oban.insert(daily.new({}))
        oban.drain_queue(queue=daily.worker_options.get("queue", "default"))
        # It closes after the daily job ran: its own digest fails (no address any more).
        Repo.execute(lesson_sql("close_restaurant"), {"id": closing.id})
        oban.drain_queue(queue=single.worker_options.get("queue", "default"))
        states = {job.args.get("id"): job.state for job in oban.list_jobs(worker=single)
                  if isinstance(job.args, dict)}
        got = digests_to([staying])[0]
    ok = states.get(closing.id) == "retryable" and states.get(staying.id) == "completed" \
        and got == 1
    return [Line("A digest that fails is retried for its restaurant only", ok, (
        "Each restaurant needs a job of its own: then only the failed one is retried.",
        "Let send_digest's error reach the queue: do not catch it in RestaurantDigest.",
    ), "" if ok else "there were no RestaurantDigest jobs" if not states else
        f"the failing restaurant's job is {states.get(closing.id)}, the other's "
        f"{states.get(staying.id)}, and it got {got} digest(s)")]
