"""Behaviour lines of lesson 2: the learner's WelcomeEmail, FollowUpEmail and create_user
run against the real database, in a transaction that is rolled back, in the testing mode
the step is about."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from trainer.clock import relative
from trainer.course.chowmojo import User, deliveries, insert
from trainer.grading.manifest import Namespace
from trainer.grading.mutants import variant
from trainer.grading.report import Line
from trainer.grading.runner import describe, scratch
from trainer.grading.teeth import learner_worker
from trainer.job_testing import perform_job
from trainer.jobs import Job, JobState, Worker
from trainer.lessons.l02_signing_up.mutants import FOLLOW_UP_DELAY
from trainer.lessons.l02_signing_up.sign_up import SignUp, create_user_of, sign_up
from trainer.notebook.stubs import YourTurn

# -- what the learner wrote -----------------------------------------------------------------

def worker_line(ns: Namespace, name: str) -> Line:
    found = ns.get(name)
    ok = learner_worker(ns, name) is not None
    detail = "" if ok or found is None else f"{name} is {found!r}, not a Worker class"
    return Line(f"A worker class named {name} exists", ok, (
        "Define it in the code cell of this step and run that cell.",
        f"Its first line reads `class {name}(Worker, ...):`, then comes "
        "`def perform(self, job):`.",
    ), detail)


def create_user_line(ns: Namespace) -> Line:
    return Line("A function named create_user exists", create_user_of(ns) is not None, (
        "Define it in the code cell of this step and run that cell.",
        "It starts `def create_user(params):` and ends `return user`.",
    ))


def queue_line(worker: type[Worker], name: str) -> Line:
    queue = worker.new({"id": 1}).queue
    return Line(f"{name} jobs go on the email queue", queue == "email", (
        "A job goes on the default queue unless its worker names another.",
        f"Name the queue as a class keyword: `class {name}(Worker, queue=\"email\"):`.",
    ), "" if queue == "email" else f"its jobs go on the {queue!r} queue")


def sends_line(worker: type[Worker], name: str, kind: str, sender: str) -> Line:
    """Performing a job for a user sends that user one email of this kind."""
    error = ""
    with scratch():
        user = insert("user")
        try:
            perform_job(worker, {"id": user.id})
        except YourTurn:
            raise  # not written yet: no line of this check may pass on a stub
        except Exception as failure:  # noqa: BLE001 - a learner's perform may raise anything
            error = f"perform raised {describe(failure)}"
        sent = deliveries(kind)
    ok = not error and [(d.recipient, d.user_id) for d in sent] == [(user.email, user.id)]
    what = "an email" if kind == "follow_up" else "a welcome email"
    if error or ok:
        detail = error
    elif not sent:
        detail = f"no {kind} email was sent"
    else:
        detail = f"{len(sent)} {kind} email(s) went to {', '.join(d.recipient for d in sent)}"
    return Line(f"Performing a {name} job for a user sends them {what}", ok, (
        "perform gets the job: the user's id is in job.args['id'] (a string key: the args "
        "went through JSON).",
        f"Load the user with get_user(job.args['id']) and give them to {sender}(user).",
    ), detail)


def stores_and_returns(run: SignUp) -> Line:
    returned = run.returned
    ok = (not run.error and len(run.stored) == 1 and isinstance(returned, User)
          and returned.id == run.stored[0].id)
    if run.error:
        detail = f"create_user raised {run.error}"
    elif not run.stored:
        detail = "no user with the given email was stored"
    elif not ok:
        detail = f"create_user returned {returned!r}"
    else:
        detail = ""
    return Line("create_user stores the user and returns it", ok, (
        "Store the user with `Repo.insert(User(**params))`: it hands the user back, with "
        "its new id.",
        "Keep what Repo.insert returns in `user`, enqueue with it, and end with "
        "`return user`.",
    ), detail)


ENQUEUE_IT = ("create_user should enqueue a WelcomeEmail job for the new user.",
              "After storing the user: `Oban().insert(WelcomeEmail.new({'id': user.id}))`.")


def welcomed_at_once(run: SignUp) -> Line:
    count = len(run.welcomes_sent)
    return Line("In inline mode, a new user gets one welcome email at once", count == 1,
                ENQUEUE_IT, "" if count == 1 else f"{count} welcome emails were sent"
                + (f" (create_user raised {run.error})" if run.error else ""))


def welcome_enqueued(run: SignUp) -> list[Line]:
    jobs = run.welcome_jobs
    on_email = [job for job in jobs if job.queue == "email"]
    if jobs and not on_email:
        hints: tuple[str, ...] = (
            "The job is enqueued, but on another queue.",
            "Name the queue on the worker: `class WelcomeEmail(Worker, queue=\"email\"):`.")
    else:
        hints = ENQUEUE_IT
    ok = len(jobs) == 1 and len(on_email) == 1
    if ok:
        detail = ""
    elif not jobs:
        detail = "no WelcomeEmail job was enqueued" + (
            f" (create_user raised {run.error})" if run.error else "")
    elif len(jobs) > 1:
        detail = f"{len(jobs)} WelcomeEmail jobs were enqueued"
    else:
        detail = f"the job waits in the {jobs[0].queue!r} queue"
    lines = [Line("In manual mode, creating a user enqueues one WelcomeEmail on the email "
                  "queue", ok, hints, detail)]
    user = run.stored[0] if run.stored else None
    if len(jobs) == 1 and user is not None:
        args = jobs[0].args
        lines.append(Line("The job's args hold the user's id, and only the id",
                          args == {"id": user.id}, (
                              "Args travel as JSON and are stored with the job: keep them "
                              "small, and let perform load the rest.",
                              "Enqueue `WelcomeEmail.new({'id': user.id})`: the id alone, "
                              "under the key 'id'.",
                          ), "" if args == {"id": user.id} else
                          f"the args were {args!r}; the user's id is {user.id}"))
    sent = len(run.welcomes_sent)
    lines.append(Line("In manual mode, nothing is sent until the job runs", sent == 0, (
        "create_user should leave the sending to the job.",
        "Take any send_welcome_email call out of create_user: WelcomeEmail's perform "
        "sends it.",
    ), "" if sent == 0 else f"{sent} welcome email(s) went out before any job ran"))
    return lines


def follow_up_scheduled(run: SignUp) -> Line:
    jobs = run.follow_up_jobs
    user = run.stored[0] if run.stored else None
    hints = ("Enqueue a second job in create_user, a FollowUpEmail, with the option that "
             "delays a job.",
             "`Oban().insert(FollowUpEmail.new({'id': user.id}, "
             "schedule_in=timedelta(days=1)))`.")
    if len(jobs) != 1 or user is None:
        detail = f"{len(jobs)} FollowUpEmail jobs were enqueued" + (
            f" (create_user raised {run.error})" if run.error else "")
        return Line("Creating a user schedules one FollowUpEmail, a day ahead", False, hints,
                    detail)
    job = jobs[0]
    assert job.scheduled_at is not None and job.inserted_at is not None
    ahead = job.scheduled_at - job.inserted_at
    on_time = abs(ahead - FOLLOW_UP_DELAY) <= timedelta(seconds=5)
    ok = on_time and job.state is JobState.SCHEDULED and job.args == {"id": user.id}
    if ok:
        detail = ""
    elif not on_time:
        detail = f"the follow-up is due {relative(job.scheduled_at, job.inserted_at)}"
    else:
        detail = f"the follow-up's args were {job.args!r}; the user's id is {user.id}"
    return Line("Creating a user schedules one FollowUpEmail, a day ahead", ok, hints, detail)


def welcome_still_due_now(run: SignUp) -> Line:
    jobs = run.welcome_jobs
    ok = len(jobs) == 1 and jobs[0].state is JobState.AVAILABLE and jobs[0].queue == "email"
    return Line("The welcome email is still enqueued, to go out at once", ok, (
        "Keep the welcome job of step 2 as it was: only the follow-up waits a day.",
        "`Oban().insert(WelcomeEmail.new({'id': user.id}))`, with no schedule_in.",
    ), "" if ok else (f"{len(jobs)} WelcomeEmail jobs were enqueued" if len(jobs) != 1
                      else f"the welcome job is {jobs[0].state.value} on {jobs[0].queue!r}"))


# -- all or nothing -------------------------------------------------------------------------

class QueueRefused(RuntimeError):  # noqa: N818 - named for what the learner reads
    """The check's stand-in for a job insert that fails."""


def refusing(worker: type[Worker]) -> type[Worker]:
    """The learner's worker, but building one of its jobs fails, as a failed enqueue."""
    def new(cls: type[Worker], args: Any = None, **options: Any) -> Job:
        raise QueueRefused(f"the self-check made enqueuing a {worker.__name__} fail")

    broken = variant(worker)
    broken.new = classmethod(new)  # type: ignore[method-assign, assignment]
    return broken


def all_or_nothing(ns: Namespace, plain: SignUp) -> list[Line]:
    """When the sign-up's last job can't be enqueued, nothing of the sign-up is kept.
    `plain` is a sign-up that went well: it says whether a follow-up is the last job."""
    follow_up = learner_worker(ns, "FollowUpEmail")
    last = follow_up if follow_up is not None and plain.follow_up_jobs else \
        learner_worker(ns, "WelcomeEmail")
    if last is None or create_user_of(ns) is None:
        return []
    run = sign_up(ns, "manual", {last.__name__: refusing(last)})
    kept = []
    if run.stored:
        kept.append("the user")
    if run.welcome_jobs and last.__name__ != "WelcomeEmail":
        kept.append("the welcome job")
    ok = not kept
    if ok:
        detail = ""
    elif "QueueRefused" not in run.error:
        detail = (f"create_user raised {run.error}" if run.error else
                  "create_user went on as if nothing had failed") + f"; {' and '.join(kept)} "
        detail += "stayed"
    else:
        detail = f"enqueuing the {last.__name__} failed, yet {' and '.join(kept)} stayed"
    return [Line(f"Signing up is all or nothing: when the {last.__name__} can't be enqueued, "
                 "no user and no job are kept", ok, (
                     "Put the user's insert and the enqueues in one transaction, so a failure "
                     "anywhere undoes them all.",
                     "Indent them under `with Repo.transaction():` inside create_user, and "
                     "`return user` after the block.",
                 ), detail)]
