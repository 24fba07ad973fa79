"""ChowMojo's users, as the app's code reads them."""

from __future__ import annotations

from trainer.course.chowmojo.models import User
from trainer.db.repo import Repo


def get_user(id: int) -> User | None:
    """The user with this id, or None when there is none."""
    return Repo.get(User, id)
