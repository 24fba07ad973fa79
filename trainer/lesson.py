"""Everything a lesson uses, in one line: `from trainer.lesson import *`.

Importing this module is what a lesson's first cell promises: it starts PostgreSQL (or
reuses this kernel's server), brings the schema up to date, makes `%%ipytest` cells run
their tests with the trainer's fixtures, and prints one line saying which database is
in use.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from trainer.clock import utcnow
from trainer.course.chowmojo import Order, RefundError, get_order, refund_order
from trainer.db import Database
from trainer.db.repo import Repo
from trainer.grading.checker import Checker
from trainer.jobs import INFINITY, Cancel, Discard, Error, Job, JobState, Oban, Snooze, Worker
from trainer.lessons import all_lessons
from trainer.notebook.lifecycle import lifecycle
from trainer.notebook.setup import lesson_database, start_lesson
from trainer.notebook.stubs import YourTurn, your_turn
from trainer.notebook.watch import watch_jobs
from trainer.testing import ANY, all_enqueued, assert_enqueued, perform_job, refute_enqueued

__all__ = [
    "ANY", "INFINITY", "Cancel", "Discard", "Error", "Job", "JobState", "Oban", "Order",
    "RefundError", "Repo", "Snooze", "Worker", "YourTurn", "all_enqueued", "assert_enqueued",
    "check", "database", "datetime", "get_order", "lifecycle", "perform_job",  # noqa: F822 - see __getattr__
    "refund_order", "refute_enqueued", "timedelta", "utcnow", "watch_jobs", "your_turn",
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
