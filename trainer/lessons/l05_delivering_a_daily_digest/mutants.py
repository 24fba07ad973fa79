"""The broken variants lesson 5's teeth checks run the learner's tests against: of their
DailyDigest and RestaurantDigest workers, of their configuration, of their count by
state, and of the job queue's own validation and queue control."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from trainer import sqlfiles
from trainer.course.chowmojo import Delivery, Restaurant, active_restaurants, send_digest
from trainer.db.repo import Repo
from trainer.grading.mutants import variant
from trainer.grading.teeth import Mutant
from trainer.jobs import Oban, Worker
from trainer.jobs.plugins import Cron

PACKAGE = "trainer.lessons.l05_delivering_a_daily_digest"


def _sql(name: str) -> str:
    return sqlfiles.load(PACKAGE, name)


@dataclass(frozen=True)
class Swap:
    """A broken stand-in for a function of the learner's (their digest_config, their
    jobs_by_state): `make(learners)` gives it."""

    label: str
    hints: tuple[str, ...]
    make: Callable[[Any], Any]


def with_perform(worker: type[Worker], perform: Callable[[Any, Any], Any]) -> type[Worker]:
    """The learner's worker (same name, same options) with another perform."""
    broken = variant(worker)
    broken.perform = perform  # type: ignore[method-assign, assignment]
    return broken


# -- step 1: the daily digest ----------------------------------------------------------------

def _sends_nothing(self: Any, job: Any) -> None:
    return None


def _sends_to_the_first_only(self: Any, job: Any) -> None:
    for restaurant in active_restaurants()[:1]:
        send_digest(restaurant)


def _sends_to_every_restaurant(self: Any, job: Any) -> None:
    # A mailer that does not mind a missing address: the inactive ones get a digest too.
    for restaurant in Repo.all(Restaurant):
        if restaurant.address is None:
            Repo.insert(Delivery(kind="digest", recipient=restaurant.name,
                                 restaurant_id=restaurant.id))
        else:
            send_digest(restaurant)


SENDS_NOTHING = Mutant("a perform that sends nothing", (
    "After perform_job, look at what was sent: `deliveries('digest')`.",
    "Check that the active restaurants' ids are among the deliveries' `restaurant_id`s.",
), worker=lambda w: with_perform(w, _sends_nothing))
FIRST_ONLY = Mutant("a digest for the first active restaurant only", (
    "Give your test at least two active restaurants.",
    "Then check that each of them got a digest, not just one of them.",
), worker=lambda w: with_perform(w, _sends_to_the_first_only))
INACTIVE_TOO = Mutant("a digest sent to inactive restaurants too", (
    "Give your test a restaurant without an address: insert('restaurant', "
    "'without_address').",
    "Then check that it got nothing: its id is not among the deliveries' `restaurant_id`s.",
), worker=lambda w: with_perform(w, _sends_to_every_restaurant))


# -- step 2: the configuration ---------------------------------------------------------------

Config = Callable[[], dict[str, Any]]


def _email_queue(config: dict[str, Any], **changes: Any) -> dict[str, Any]:
    queues = dict(config.get("queues") or {})
    email = queues.get("email")
    email = dict(email) if isinstance(email, dict) else {"limit": email}
    queues["email"] = {**email, **changes}
    return {**config, "queues": queues}


def _crons(config: dict[str, Any]) -> list[Cron]:
    return [plugin for plugin in config.get("plugins") or () if isinstance(plugin, Cron)]


def _without_cron(config: dict[str, Any]) -> dict[str, Any]:
    return {**config, "plugins": [plugin for plugin in config.get("plugins") or ()
                                  if not isinstance(plugin, Cron)]}


def _hourly(config: dict[str, Any]) -> dict[str, Any]:
    workers = [entry.worker for cron in _crons(config) for entry in cron.entries]
    return {**_without_cron(config),
            "plugins": [*_without_cron(config)["plugins"],
                        Cron(crontab=[("0 * * * *", worker) for worker in workers])]}


def changed_config(change: Callable[[dict[str, Any]], dict[str, Any]]
                   ) -> Callable[[Config], Config]:
    def breaking(learners: Config) -> Config:
        def digest_config() -> dict[str, Any]:
            return change(learners())
        return digest_config
    return breaking


NOT_PAUSED = Swap("a configuration whose email queue starts running, not paused", (
    "Check how the email queue is configured: `Oban(**config).config['queues']` shows it.",
    "`assert Oban(**config).config['queues'] == {'email': {'limit': 1, 'paused': True}}`.",
), changed_config(lambda c: _email_queue(c, paused=False)))
LIMIT_TEN = Swap("a configuration whose email queue runs 10 jobs at once", (
    "Check the email queue's limit too, not only that it is paused.",
    "`assert Oban(**config).config['queues']['email']['limit'] == 1`.",
), changed_config(lambda c: _email_queue(c, limit=10)))
NO_CRON = Swap("a configuration with no Cron plugin", (
    "Check the plugins too: there must be one Cron, `[cron] = config['plugins']`.",
    "Then look at its entries: `[entry] = cron.entries`.",
), changed_config(_without_cron))
HOURLY = Swap("a configuration whose Cron entry runs hourly, not every minute", (
    "Check the Cron entry's expression, and its worker.",
    "`[entry] = cron.entries`, then `assert (entry.expression.text, entry.worker) == "
    "('* * * * *', DailyDigest)`.",
), changed_config(_hourly))
CONFIG_MUTANTS = [NOT_PAUSED, LIMIT_TEN, NO_CRON, HOURLY]


class AcceptsAnything(Oban):
    """A job queue whose validate lets every configuration through."""

    @classmethod
    def validate(cls, **options: Any) -> None:
        return None


LAX_VALIDATION = Mutant("a validate that lets every option through", (
    "Validate a configuration with an unknown queue option, such as `{'limit': 1, "
    "'pause': True}`.",
    "`with pytest.raises(ValueError, match='pause'): Oban.validate(queues={'email': "
    "{'limit': 1, 'pause': True}})`.",
), engine=AcceptsAnything)


# -- step 3: counting by state ---------------------------------------------------------------

def _counted(name: str) -> Callable[[], dict[str, int]]:
    def jobs_by_state() -> dict[str, int]:
        return {row["state"]: row["count"] for row in Repo.query(_sql(name))}
    return jobs_by_state


EVERY_QUEUE = Swap("a jobs_by_state that counts every queue's jobs, not only the email queue's", (
    "Give your test a job of another queue too, and check it is not counted.",
    "For instance a worker of the 'default' queue: `class Elsewhere(Worker): ...`, one "
    "job of it, and the same assert as before.",
), lambda _: _counted("count_jobs_by_state_every_queue"))
ALL_AVAILABLE = Swap("a jobs_by_state that calls every job available, whatever its state", (
    "Drain the email queue, then count again: the jobs are completed now.",
    "`oban.drain_queue(queue='email')`, then `assert jobs_by_state() == "
    "{'completed': ...}`.",
), lambda _: _counted("count_available_email_jobs"))
COUNT_MUTANTS = [EVERY_QUEUE, ALL_AVAILABLE]


# -- extra 4: queue control ------------------------------------------------------------------

class ResumeDoesNothing(Oban):
    def resume_queue(self, *, queue: str, local_only: bool = False) -> None:
        self._running("resume_queue")


class StopQueueDoesNothing(Oban):
    def stop_queue(self, *, queue: str, local_only: bool = False) -> None:
        self._running("stop_queue")


CONTROL_MUTANTS = [
    Mutant("a resume_queue that leaves the queue paused", (
        "After resume_queue, look at the queue: `oban.check_queue(queue='email')`.",
        "`assert oban.check_queue(queue='email')['paused'] is False`.",
    ), engine=ResumeDoesNothing),
    Mutant("a stop_queue that leaves the queue running", (
        "After stop_queue, the queue no longer runs here: check_queue says so.",
        "`assert oban.check_queue(queue='email') is None`.",
    ), engine=StopQueueDoesNothing),
]


# -- extra 5: one job per restaurant ---------------------------------------------------------

def _sends_every_digest(self: Any, job: Any) -> None:
    for restaurant in active_restaurants():
        send_digest(restaurant)


ALL_IN_ONE_JOB = Mutant("every digest sent by the one daily job, no sub-jobs", (
    "Drain the email queue once, without recursion: only the daily job runs.",
    "Then check one RestaurantDigest job is enqueued per active restaurant: "
    "`assert_enqueued(worker=RestaurantDigest, args={'id': restaurant.id})`.",
), worker=lambda w: with_perform(w, _sends_every_digest))
SUB_JOB_SENDS_ALL = Mutant("a sub-job that sends every restaurant's digest", (
    "After all the jobs ran, check each active restaurant got exactly one digest.",
    "`assert sorted(d.restaurant_id for d in deliveries('digest')) == sorted([a.id, b.id])`.",
), worker=lambda w: with_perform(w, _sends_every_digest))
