"""Learners' names, and the role and database each one gets."""

from __future__ import annotations

import re

from trainer.errors import ArgumentError

PREFIX = "trainer_"
LEARNER = re.compile(r"[a-z][a-z0-9_]{0,39}")


def identifier(learner: str) -> str:
    """The learner's role and database name: `trainer_` and the name in lower case, every
    character other than a letter, a digit or `_` made `_` (JupyterHub names may hold
    `.`, `-` or `@`)."""
    if not isinstance(learner, str) or not learner.strip():
        raise ArgumentError(f"a learner's name is a non-empty string, got {learner!r}")
    simple = re.sub(r"[^a-z0-9_]", "_", learner.strip().lower())
    if not LEARNER.fullmatch(simple):
        raise ArgumentError(
            f"learner {learner!r}: a name starts with a letter and has at most 40 "
            "characters (letters, digits, `_`; others become `_`)")
    return PREFIX + simple


def parse_learners(text: str) -> list[str]:
    """`alice,bob, carol` -> the names, each once; two names that would share a database
    are refused."""
    learners = [name.strip() for name in text.split(",") if name.strip()]
    if not learners:
        raise ArgumentError("--learners needs at least one name, e.g. --learners alice,bob")
    seen: dict[str, str] = {}
    for learner in learners:
        key = identifier(learner)
        if key in seen and seen[key] != learner:
            raise ArgumentError(f"learners {seen[key]!r} and {learner!r} would share the "
                                f"database {key}: rename one of them")
        seen[key] = learner
    return list(dict.fromkeys(learners))
