"""What a learner's test may ask for, by parameter name: one source for the pytest plugin
and for the self-checks that run a learner's test by hand.

- `repo`: the Repo, in the test's sandbox;
- `insert`: the test factory, `insert("order", "refund_failure")`;
- `oban`: a job queue in manual testing mode, bound to the test's sandbox.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainer.course.chowmojo import insert as factory
from trainer.db.repo import Repository
from trainer.jobs import Oban


def oban(repo: Repository) -> Oban:
    return Oban(testing="manual", repo=repo)


def insert(repo: Repository) -> Callable[..., Any]:
    return factory


# Each takes the sandboxed repo and gives the fixture's value.
PROVIDERS: dict[str, Callable[[Repository], Any]] = {
    "repo": lambda repo: repo,
    "insert": insert,
    "oban": oban,
}
