"""Behaviour lines of lesson 5's first three steps: the learner's code run against the
real database, in a transaction that is rolled back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from trainer.course.chowmojo import insert
from trainer.db.repo import Repo
from trainer.errors import TrainerError
from trainer.grading.manifest import Namespace
from trainer.grading.report import Line
from trainer.grading.runner import describe, scratch
from trainer.grading.teeth import learner_worker
from trainer.jobs import Oban, Worker
from trainer.jobs.plugins import Cron
from trainer.lessons.l05_delivering_a_daily_digest.common import (
    digests_to,
    function_line,
    lesson_sql,
)
from trainer.notebook.stubs import YourTurn
from trainer.testing import perform_job

# Minutes an every-minute expression matches and an hourly or daily one does not all match.
SAMPLE_MINUTES = [datetime(2026, 12, 1, 0, 0), datetime(2026, 12, 1, 9, 17),
                  datetime(2026, 12, 5, 23, 59), datetime(2027, 2, 14, 12, 31)]


class _EmailJob(Worker, queue="email"):
    """A job of the email queue that does nothing: what the count check counts."""

    def perform(self, job: Any) -> None:
        return None


class _ElsewhereJob(Worker, queue="default"):
    """A job of another queue, which the count must leave out."""

    def perform(self, job: Any) -> None:
        return None


def delivers_digests(ns: Namespace) -> list[Line]:
    digest = learner_worker(ns, "DailyDigest")
    if digest is None:
        return []
    with scratch():
        active = [insert("restaurant"), insert("restaurant")]
        inactive = insert("restaurant", "without_address")
        try:
            perform_job(digest, {})
            error = ""
        except YourTurn:
            raise  # not written yet: no line of this check may pass on a stub
        except Exception as failure:  # noqa: BLE001 - a learner's perform may raise anything
            error = describe(failure)
        got, got_inactive = digests_to(active), digests_to([inactive])[0]
    return [
        Line("The digest job runs without an error", not error, (
            "send_digest raises for a restaurant without an address: those are not active.",
            "Send digests only to `active_restaurants()`.",
        ), error),
        Line("Every active restaurant gets one digest", got == [1, 1], (
            "perform ignores its args: it sends a digest to each active restaurant.",
            "`for restaurant in active_restaurants(): send_digest(restaurant)`.",
        ), "" if got == [1, 1] else f"two active restaurants got {got[0]} and {got[1]}"),
        Line("A restaurant without an address gets none", got_inactive == 0, (
            "Only restaurants with an address are active.",
            "Loop over `active_restaurants()`, not over every restaurant.",
        ), "" if got_inactive == 0 else f"it got {got_inactive}"),
    ]


# -- the configuration ------------------------------------------------------------------------

def _config(ns: Namespace) -> tuple[dict[str, Any] | None, list[Line]]:
    """The learner's configuration, or the lines that say why there is none."""
    make: Any = ns.get("digest_config")
    exists = function_line(ns, "digest_config", (
        "Define it in the code cell of step 2 and run that cell.",
        "`def digest_config(): return {\"queues\": {...}, \"plugins\": [...]}`.",
    ))
    if not exists.ok:
        return None, [exists]
    try:
        config = make()
    except YourTurn:
        raise
    except TrainerError as error:  # a plugin refused its options: Cron(...) checks them
        return None, [Line("The configuration is valid", False, VALIDATION_HINTS,
                           describe(error))]
    except Exception as error:  # noqa: BLE001 - any failure is the answer
        return None, [Line("digest_config() runs without an error", False, (
            "Call digest_config() in a cell of its own and read the error.",
        ), describe(error))]
    ok = isinstance(config, dict)
    line = Line("digest_config() gives the options of an Oban, as a dict", ok, (
        "It returns a dict such as {\"queues\": ..., \"plugins\": ...}: "
        "`Oban(**digest_config())` starts an Oban with it.",
    ), "" if ok else f"it gave {config!r}")
    return (config if ok else None), [line]


VALIDATION_HINTS = (
    "Read the error: it names the option that is wrong, and what is allowed.",
    "Check it in a cell of its own: `Oban.validate(**digest_config())`.",
)


def _every_minute_for(cron: Cron, worker: type[Worker]) -> bool:
    return any(entry.worker.worker_name() == worker.worker_name()
               and all(entry.expression.matches(minute) for minute in SAMPLE_MINUTES)
               for entry in cron.entries)


def configures(ns: Namespace) -> list[Line]:
    config, lines = _config(ns)
    digest = learner_worker(ns, "DailyDigest")
    if config is None or digest is None:
        return lines
    try:
        Oban.validate(**config)
        oban = Oban(**config)
        error = ""
    except Exception as failure:  # noqa: BLE001 - what validation says is the answer
        oban, error = None, describe(failure)
    lines.append(Line("The configuration is valid", oban is not None, VALIDATION_HINTS, error))
    if oban is None:
        return lines
    email = oban.config["queues"].get("email")
    limit = email["limit"] if email else None
    lines.append(Line("The email queue runs one job at a time", limit == 1, (
        "Queues are a dict of name to options: `{\"email\": {...}}`.",
        "`\"queues\": {\"email\": {\"limit\": 1, \"paused\": True}}`.",
    ), "there is no email queue" if email is None else
        "" if limit == 1 else f"its limit is {limit}"))
    lines.append(Line("The email queue starts paused", bool(email and email["paused"]), (
        "A queue's options can say that it starts paused.",
        "`{\"email\": {\"limit\": 1, \"paused\": True}}`.",
    ), "there is no email queue" if email is None else ""))
    crons = [plugin for plugin in oban.plugins if isinstance(plugin, Cron)]
    every_minute = any(_every_minute_for(cron, digest) for cron in crons)
    crontab = [(entry.expression.text, entry.worker.__name__)
               for cron in crons for entry in cron.entries]
    lines.append(Line("A Cron plugin inserts a DailyDigest every minute", every_minute, (
        "Plugins are a list: `\"plugins\": [Cron(crontab=[...])]`; a crontab entry is "
        "(expression, Worker).",
        "`Cron(crontab=[(\"* * * * *\", DailyDigest)])`: five stars, every minute.",
    ), "there is no Cron plugin" if not crons else "" if every_minute else
        f"the crontab is {crontab}"))
    return lines


# -- counting by state -----------------------------------------------------------------------

def counts_by_state(ns: Namespace) -> list[Line]:
    count: Any = ns.get("jobs_by_state")
    exists = function_line(ns, "jobs_by_state", (
        "Define it in the code cell of step 3 and run that cell.",
        "`def jobs_by_state(): return {row[\"state\"]: row[\"count\"] for row in "
        "Repo.query(COUNT_BY_STATE)}`.",
    ))
    if not exists.ok:
        return [exists]
    with scratch():
        oban = Oban(testing="manual")
        oban.insert_all([_EmailJob.new({}), _EmailJob.new({}), _ElsewhereJob.new({})])
        waiting, waiting_expected = _outcome(count), _reference()
        oban.drain_queue(queue="email")
        ran, ran_expected = _outcome(count), _reference()
    right = waiting == waiting_expected and ran == ran_expected
    others = isinstance(waiting, dict) and sum(
        value for value in waiting.values() if isinstance(value, int)) == sum(
        waiting_expected.values())
    detail = "" if right else (
        f"with two email jobs waiting it gave {waiting!r}, not {waiting_expected!r}"
        if waiting != waiting_expected else
        f"once they ran it gave {ran!r}, not {ran_expected!r}")
    return [
        Line("jobs_by_state() counts the email queue's jobs in each state", right, (
            "Group the jobs by state, count each group, and give a dict such as "
            "{'available': 2}.",
            "`SELECT state, count(*) AS count FROM oban_jobs WHERE queue = 'email' "
            "GROUP BY state`.",
        ), detail),
        Line("It leaves the jobs of other queues out", others, (
            "oban_jobs holds the jobs of every queue.",
            "Keep only the email queue's: `WHERE queue = 'email'`.",
        )),
    ]


def _outcome(count: Callable[[], Any]) -> Any:
    try:
        return count()
    except YourTurn:
        raise
    except Exception as error:  # noqa: BLE001 - shown as what the count gave
        return f"an error, {describe(error)}"


def _reference() -> dict[str, int]:
    rows = Repo.query(lesson_sql("count_email_jobs_by_state"))
    return {row["state"]: row["count"] for row in rows}
