"""Job states, in Oban's order, and the named groups used by unique options."""

from __future__ import annotations

from enum import StrEnum


class JobState(StrEnum):
    SUSPENDED = "suspended"
    SCHEDULED = "scheduled"
    AVAILABLE = "available"
    EXECUTING = "executing"
    RETRYABLE = "retryable"
    COMPLETED = "completed"
    DISCARDED = "discarded"
    CANCELLED = "cancelled"


ALL_STATES: tuple[JobState, ...] = tuple(JobState)  # Oban's Job.states() order

UNIQUE_GROUPS: dict[str, tuple[JobState, ...]] = {
    "all": ALL_STATES,
    "incomplete": (JobState.SUSPENDED, JobState.AVAILABLE, JobState.SCHEDULED,
                   JobState.EXECUTING, JobState.RETRYABLE),
    "scheduled": (JobState.SCHEDULED,),
    # The default: every state but cancelled and discarded.
    "successful": (JobState.SUSPENDED, JobState.AVAILABLE, JobState.SCHEDULED,
                   JobState.EXECUTING, JobState.RETRYABLE, JobState.COMPLETED),
}

# What the testing helpers call "enqueued": waiting to run.
ENQUEUED_STATES = (JobState.AVAILABLE, JobState.SCHEDULED, JobState.SUSPENDED)

FINAL_STATES = (JobState.COMPLETED, JobState.DISCARDED, JobState.CANCELLED)
