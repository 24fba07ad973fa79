"""Everything a lesson uses, in one line: `from trainer.lesson import *`.

Importing this module is what a lesson's first cell promises: it starts PostgreSQL (or
reuses this kernel's server), brings the schema up to date, makes `%%ipytest` cells run
their tests with the trainer's fixtures, and prints one line saying which database is
in use.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from trainer import telemetry
from trainer.clock import utcnow
from trainer.course.chowmojo import (
    Delivery,
    Order,
    RefundError,
    Restaurant,
    Review,
    User,
    active_restaurants,
    analyze_sentiment,
    deliveries,
    get_order,
    get_restaurant,
    get_review,
    get_user,
    insert,
    notify_restaurant,
    refund_order,
    send_digest,
    send_follow_up_email,
    send_welcome_email,
    unanalysed_reviews,
)
from trainer.db import Database
from trainer.db.own_database import new_database
from trainer.db.repo import Repo
from trainer.default_logger import attach_default_logger, detach_default_logger
from trainer.grading.checker import Checker
from trainer.jobs import INFINITY, Cancel, Discard, Error, Job, JobState, Oban, Snooze, Worker
from trainer.jobs.migration import Migration
from trainer.jobs.plugins import Cron, Lifeline, Pruner
from trainer.lessons import all_lessons
from trainer.notebook.lifecycle import lifecycle
from trainer.notebook.setup import lesson_database, start_lesson
from trainer.notebook.stubs import YourTurn, your_turn
from trainer.notebook.watch import watch_jobs
from trainer.testing import (
    ANY,
    all_enqueued,
    assert_enqueued,
    build_job,
    perform_job,
    refute_enqueued,
    with_testing_mode,
)

__all__ = [
    "ANY", "INFINITY", "Cancel", "Cron", "Delivery", "Discard", "Error", "Job", "JobState",
    "Lifeline", "Migration", "Oban", "Order", "Pruner", "RefundError", "Repo", "Restaurant",
    "Review", "Snooze", "User", "Worker", "YourTurn", "active_restaurants",
    "all_enqueued", "analyze_sentiment", "assert_enqueued", "attach_default_logger",
    "build_job", "check", "database", "datetime", "deliveries",  # noqa: F822 - see __getattr__
    "detach_default_logger", "get_order", "get_restaurant", "get_review", "get_user",
    "insert", "lifecycle", "new_database", "notify_restaurant", "perform_job",
    "refund_order", "refute_enqueued", "send_digest", "send_follow_up_email",
    "send_welcome_email", "telemetry", "timedelta", "unanalysed_reviews", "utcnow",
    "watch_jobs", "with_testing_mode", "your_turn",
]

check = Checker(all_lessons())
"""`check("step")`: grade one step of the lesson; its checklist is the cell's result."""

print(start_lesson())


def __getattr__(name: str) -> Database:
    # `from trainer.lesson import *` asks for every name in __all__, and `database` is the
    # one not defined here: so each run of the first cell comes here, and finds the
    # lesson's server running (or starts a fresh one, and says so, if it had stopped).
    if name == "database":
        return lesson_database()
    raise AttributeError(f"module 'trainer.lesson' has no attribute {name!r}")
