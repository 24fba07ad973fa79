"""Which database a learner's kernel uses in a class: the learner's own.

The learner is `JUPYTERHUB_USER` (set by JupyterHub for each single-user server), else
`TRAINER_LEARNER`. Their login is found in `TRAINER_CLASSROOM_FILE`, a JSON file that
provisioning writes (`{learner: {"url": ..., "database": ...}}`); JupyterHub's
configuration instead hands each server its learner's URL as TRAINER_DATABASE_URL.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from trainer.errors import ConfigurationError


@dataclass(frozen=True)
class Login:
    learner: str
    url: str
    database: str


def learner_name() -> str | None:
    return (os.environ.get("JUPYTERHUB_USER") or os.environ.get("TRAINER_LEARNER")
            or "").strip() or None


def read_logins(path: Path) -> dict[str, dict[str, str]]:
    try:
        found = json.loads(path.read_text("utf-8"))
    except OSError as error:
        raise ConfigurationError(f"cannot read the class's logins in {path}: "
                                 f"{error.strerror or error}") from None
    except ValueError as error:
        raise ConfigurationError(f"the class's logins in {path} are not JSON ({error})"
                                 ) from None
    return found if isinstance(found, dict) else {}


def login() -> Login | None:
    """This kernel's learner's login, or None outside a class (no TRAINER_CLASSROOM_FILE,
    or no learner named)."""
    where, learner = os.environ.get("TRAINER_CLASSROOM_FILE"), learner_name()
    if not where or learner is None:
        return None
    entry = read_logins(Path(where)).get(learner)
    if not isinstance(entry, dict) or not entry.get("url") or not entry.get("database"):
        raise ConfigurationError(
            f"no login for learner {learner!r} in {where}: ask your instructor to run "
            f"`python -m trainer.classroom provision --learners {learner}`")
    return Login(learner, entry["url"], entry["database"])
