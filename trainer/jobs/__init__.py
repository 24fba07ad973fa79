"""The trainer's Oban-style job queue."""

from trainer.jobs.job import Job
from trainer.jobs.oban import Oban
from trainer.jobs.results import Cancel, Discard, DrainResult, Error, Outcome, Snooze
from trainer.jobs.states import JobState
from trainer.jobs.unique import INFINITY, UniqueOptions
from trainer.jobs.worker import Worker

__all__ = ["INFINITY", "Cancel", "Discard", "DrainResult", "Error", "Job", "JobState", "Oban",
           "Outcome", "Snooze", "UniqueOptions", "Worker"]
