"""Running the learner's create_user once, in a rolled-back transaction, in one testing
mode: what it returned, stored, enqueued and sent (a SignUp), for lesson 2's checks to
judge. Names of the notebook may be swapped for the run (the teeth swap them too)."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from trainer.course.chowmojo import Delivery, User, deliveries
from trainer.db.repo import Repo
from trainer.grading.manifest import Namespace
from trainer.grading.mutants import swapped_names
from trainer.grading.runner import describe, scratch
from trainer.grading.teeth import learner_worker
from trainer.job_testing import with_testing_mode
from trainer.jobs import Job, Oban, Worker
from trainer.notebook.stubs import YourTurn

_serial = itertools.count(1)
_token = secrets.token_hex(3)  # a check's users never clash with the learner's own


def _params() -> dict[str, Any]:
    return {"name": "Casey Check", "email": f"casey.check+{_token}{next(_serial)}@example.com"}


def create_user_of(ns: Namespace) -> Callable[..., Any] | None:
    found = ns.get("create_user")
    return found if callable(found) and not isinstance(found, type) else None


# -- running the learner's create_user ------------------------------------------------------

@dataclass
class SignUp:
    """What one call of the learner's create_user did, in a rolled-back transaction."""

    params: dict[str, Any]
    returned: Any = None
    error: str = ""
    stored: list[User] = field(default_factory=list)
    welcome_jobs: list[Job] = field(default_factory=list)
    follow_up_jobs: list[Job] = field(default_factory=list)
    welcomes_sent: list[Delivery] = field(default_factory=list)


def _jobs(worker: type[Worker] | None) -> dict[int, Job]:
    if worker is None:
        return {}
    return {job.id: job for job in Oban(testing="manual").list_jobs(worker=worker.worker_name())
            if job.id is not None}


def _new_jobs(worker: type[Worker] | None, before: dict[int, Job]) -> list[Job]:
    return [job for job_id, job in sorted(_jobs(worker).items()) if job_id not in before]


def _stored_users(email: str) -> list[User]:
    return [user for user in Repo.all(User) if user.email == email]


def sign_up(ns: Namespace, mode: str, replacements: dict[str, Any] | None = None) -> SignUp:
    """Call the learner's create_user once in `mode`, and see what it left behind."""
    create_user = create_user_of(ns)
    assert create_user is not None
    welcome = learner_worker(ns, "WelcomeEmail")
    follow_up = learner_worker(ns, "FollowUpEmail")
    run = SignUp(params=_params())
    with scratch(), ExitStack() as stack:
        if replacements:
            stack.enter_context(swapped_names(create_user.__globals__, replacements))
        welcomes, follow_ups = _jobs(welcome), _jobs(follow_up)
        with with_testing_mode(mode):
            try:
                run.returned = create_user(dict(run.params))
            except YourTurn:
                raise
            except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
                run.error = describe(error)
        run.stored = _stored_users(run.params["email"])
        run.welcome_jobs = _new_jobs(welcome, welcomes)
        run.follow_up_jobs = _new_jobs(follow_up, follow_ups)
        run.welcomes_sent = deliveries("welcome", to=run.params["email"])
    return run
