"""The broken variants lesson 2's teeth checks run the learner's tests against.

A variant replaces names the learner's test (and the learner's create_user, which lives in
the same notebook namespace) looks up while it runs: a broken WelcomeEmail or
FollowUpEmail made from the learner's own class, or a broken create_user written here
from the learner's workers."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from trainer import sqlfiles
from trainer.clock import utcnow
from trainer.course.chowmojo import User, get_user, send_welcome_email
from trainer.db.repo import Repo
from trainer.grading.manifest import Namespace
from trainer.grading.mutants import variant
from trainer.grading.teeth import learner_worker
from trainer.jobs import Job, JobState, Oban, Worker

Replacements = dict[str, Any]
FOLLOW_UP_DELAY = timedelta(days=1)


@dataclass(frozen=True)
class Mutant:
    """One broken variant: `apply(ns)` puts it in place for one run of the learner's
    test, as the names (and their broken values) to swap into the test's namespace."""

    label: str
    hints: tuple[str, ...]
    apply: Callable[[Namespace], AbstractContextManager[Replacements]]


def _replacing(make: Callable[[Namespace], Replacements]
               ) -> Callable[[Namespace], AbstractContextManager[Replacements]]:
    @contextmanager
    def apply(ns: Namespace) -> Iterator[Replacements]:
        yield make(ns)
    return apply


# -- broken workers, made from the learner's ------------------------------------------------

def with_perform(worker: type[Worker], perform: Callable[[Any, Job], Any]) -> type[Worker]:
    """The learner's worker, same name and options, with another perform."""
    body = {"__module__": worker.__module__, "__qualname__": worker.__qualname__,
            "perform": perform}
    return type(worker.__name__, (worker,), body)


def _loads_but_sends_nothing(self: Any, job: Job) -> Any:
    get_user(job.args["id"])
    return None


def scheduled_now(worker: type[Worker]) -> type[Worker]:
    """The learner's worker, but every job it builds is due at once."""
    learner_new = worker.new.__func__  # type: ignore[attr-defined]

    def new(cls: type[Worker], args: Any = None, **options: Any) -> Job:
        job: Job = learner_new(cls, args, **options)
        return job.evolve(scheduled_at=utcnow(), state=JobState.AVAILABLE)

    broken = variant(worker)
    broken.new = classmethod(new)  # type: ignore[method-assign, assignment]
    return broken


def _worker(ns: Namespace, name: str) -> type[Worker]:
    found = learner_worker(ns, name)
    assert found is not None, f"no {name} to break"
    return found


def _follow_up(ns: Namespace) -> type[Worker] | None:
    return learner_worker(ns, "FollowUpEmail")


# -- broken create_users, written here ------------------------------------------------------

def _store(params: Mapping[str, Any]) -> User:
    return Repo.insert(User(**params))


def _never_enqueues(ns: Namespace) -> Replacements:
    def create_user(params: Mapping[str, Any]) -> User:
        return _store(params)
    return {"create_user": create_user}


def _sends_at_once(ns: Namespace) -> Replacements:
    def create_user(params: Mapping[str, Any]) -> User:
        user = _store(params)
        send_welcome_email(user)
        return user
    return {"create_user": create_user}


def _enqueues(args_of: Callable[[User], dict[str, Any]], follow_up: bool
              ) -> Callable[[Namespace], Replacements]:
    def make(ns: Namespace) -> Replacements:
        welcome, later = _worker(ns, "WelcomeEmail"), _follow_up(ns) if follow_up else None

        def create_user(params: Mapping[str, Any]) -> User:
            with Repo.transaction():
                user = _store(params)
                oban = Oban()
                oban.insert(welcome.new(args_of(user)))
                if later is not None:
                    oban.insert(later.new({"id": user.id}, schedule_in=FOLLOW_UP_DELAY))
            return user
        return {"create_user": create_user}
    return make


def _whole_user(user: User) -> dict[str, Any]:
    return {"id": user.id, "name": user.name, "email": user.email, "address": user.address}


@contextmanager
def _outside_the_transaction(ns: Namespace) -> Iterator[Replacements]:
    """create_user with its jobs committed at once on a connection of their own, as a
    queue outside the database (Redis, say) would take them: a rollback leaves them."""
    welcome, later = _worker(ns, "WelcomeEmail"), _follow_up(ns)
    committed: list[int] = []

    def create_user(params: Mapping[str, Any]) -> User:
        with Repo.transaction():
            user = _store(params)
        jobs = [welcome.new({"id": user.id})]
        if later is not None:
            jobs.append(later.new({"id": user.id}, schedule_in=FOLLOW_UP_DELAY))
        for job in jobs:
            stored: Job = elsewhere(partial(_commit_at_once, job))
            if stored.id is not None:
                committed.append(stored.id)
        return user

    try:
        yield {"create_user": create_user}
    finally:
        if committed:
            elsewhere(lambda: Repo.execute(
                sqlfiles.load("trainer.lessons.l02_signing_up", "forget_jobs"),
                {"ids": committed}))


def _commit_at_once(job: Job) -> Job:
    # Never unique here: a lock the test's transaction holds would block it.
    return Oban(testing="manual").insert(job.evolve(unique=None))


def elsewhere(work: Callable[[], Any], timeout: float = 10) -> Any:
    """Run `work` on a thread of its own: outside any sandbox, on a pooled connection
    whose every statement is committed at once."""
    done: dict[str, Any] = {}

    def run() -> None:
        try:
            done["value"] = work()
        except BaseException as error:  # noqa: BLE001 - handed back to the caller
            done["error"] = error

    thread = threading.Thread(target=run, name="lesson 2: a queue elsewhere", daemon=True)
    thread.start()
    thread.join(timeout)
    if "error" in done:
        raise done["error"]
    if "value" not in done:
        raise TimeoutError(f"work on a connection of its own took over {timeout:g} s")
    return done["value"]


# -- the variants ---------------------------------------------------------------------------

NEVER_ENQUEUES = Mutant("a create_user that stores the user but enqueues nothing", (
    "Create a user in your test, then look for what the sign-up should have caused.",
    "In inline mode, the email is sent at once: check "
    "`[d.recipient for d in deliveries('welcome')] == [user.email]`.",
), _replacing(_never_enqueues))
NEVER_SENDS = Mutant("a WelcomeEmail that loads the user but sends nothing", (
    "Check that the email really went out, not only that create_user returned.",
    "`deliveries('welcome')` lists the welcome emails sent: one, to the new user's address.",
), _replacing(lambda ns: {"WelcomeEmail": with_perform(_worker(ns, "WelcomeEmail"),
                                                        _loads_but_sends_nothing)}))
DEFAULT_QUEUE = Mutant("a WelcomeEmail on the default queue", (
    "Check which queue the job waits in, not only that it exists.",
    "`assert_enqueued(worker=WelcomeEmail, queue='email', args={'id': user.id})`.",
), _replacing(lambda ns: {"WelcomeEmail": variant(_worker(ns, "WelcomeEmail"),
                                                   queue="default")}))
SENDS_AT_ONCE = Mutant("a create_user that sends the email itself instead of enqueuing it", (
    "In manual mode, a job is stored and waits: check that it is there.",
    "`assert_enqueued(worker=WelcomeEmail, queue='email', args={'id': user.id})`, and "
    "`deliveries('welcome') == []` before the job runs.",
), _replacing(_sends_at_once))
WRONG_ID = Mutant("a create_user that enqueues the welcome for another user's id", (
    "Check whose id the job carries, not only that a job exists.",
    "Give assert_enqueued the args too: `args={'id': user.id}`.",
), _replacing(_enqueues(lambda user: {"id": (user.id or 0) + 1}, follow_up=False)))
WHOLE_USER = Mutant("a create_user that puts the whole user in the job's args", (
    "`assert_enqueued(args=...)` matches a job whose args *contain* the pairs you give: "
    "extra keys pass. Check the args are exactly the id.",
    "`[job] = all_enqueued(worker=WelcomeEmail)`, then `assert job.args == {'id': user.id}`.",
), _replacing(_enqueues(_whole_user, follow_up=False)))

FOLLOW_UP_NOW = Mutant("a follow-up that is due at once, not a day later", (
    "Check when the follow-up is due, not only that it is enqueued.",
    "`assert_enqueued(worker=FollowUpEmail, args={'id': user.id}, "
    "scheduled_in=timedelta(days=1))`.",
), _replacing(lambda ns: {"FollowUpEmail": scheduled_now(_worker(ns, "FollowUpEmail"))}))
NO_FOLLOW_UP = Mutant("a create_user that enqueues the welcome but no follow-up", (
    "Create a user, then check that a FollowUpEmail job waits for them.",
    "`assert_enqueued(worker=FollowUpEmail, args={'id': user.id}, "
    "scheduled_in=timedelta(days=1))`.",
), _replacing(_enqueues(lambda user: {"id": user.id}, follow_up=False)))
FOLLOW_UP_SENDS_NOTHING = Mutant("a FollowUpEmail that loads the user but sends nothing", (
    "Run the follow-up too: drain the email queue as if a day had gone by.",
    "`oban.drain_queue(queue='email', with_scheduled=True)`, then check "
    "`deliveries('follow_up')` holds one email, to the user.",
), _replacing(lambda ns: {"FollowUpEmail": with_perform(_worker(ns, "FollowUpEmail"),
                                                         _loads_but_sends_nothing)}))

OUTSIDE_THE_TRANSACTION = Mutant(
    "jobs enqueued outside the sign-up's transaction (committed at once)", (
        "Roll a sign-up back in your test: create the user inside `with Repo.transaction():` "
        "and raise before the block ends.",
        "After the rollback, `refute_enqueued(worker=WelcomeEmail)`: no job may be left for "
        "a user who never was.",
    ), _outside_the_transaction)
