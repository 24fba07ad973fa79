"""ChowMojo's mailer. It writes what it sends to the `deliveries` table instead of
talking to a mail server, so a test (in its rolled-back transaction) can see it."""

from __future__ import annotations

from typing import TypeVar

from trainer import sqlfiles
from trainer.course.chowmojo.models import Delivery, Restaurant, User
from trainer.db.repo import Repo
from trainer.errors import ArgumentError

T = TypeVar("T")
KINDS = ("welcome", "follow_up", "digest", "order_placed")


def send_welcome_email(user: User | None) -> Delivery:
    """Welcome a new user, at their email address."""
    user = _check(user, User, "send_welcome_email", "get_user(id)")
    return Repo.insert(Delivery(kind="welcome", recipient=user.email, user_id=user.id))


def send_follow_up_email(user: User | None) -> Delivery:
    """A day after signing up: "how was your first order?"."""
    user = _check(user, User, "send_follow_up_email", "get_user(id)")
    return Repo.insert(Delivery(kind="follow_up", recipient=user.email, user_id=user.id))


def send_digest(restaurant: Restaurant | None) -> Delivery:
    """Yesterday's orders and reviews, to the restaurant's address."""
    restaurant = _check(restaurant, Restaurant, "send_digest", "get_restaurant(id)")
    if restaurant.address is None:
        raise ArgumentError(f"restaurant {restaurant.id} has no address to send a digest to "
                            "(it is not active)")
    return Repo.insert(Delivery(kind="digest", recipient=restaurant.address,
                                restaurant_id=restaurant.id))


def deliveries(kind: str | None = None, *, to: str | None = None) -> list[Delivery]:
    """What was sent (of one kind, to one recipient), oldest first."""
    if kind is not None and kind not in KINDS:
        raise ArgumentError(f"deliveries() knows no kind {kind!r}; the kinds are {KINDS}")
    rows = Repo.query(sqlfiles.load("trainer.course.chowmojo", "deliveries"),
                      {"kind": kind, "recipient": to})
    return [Delivery(**row) for row in rows]


def _check(record: T | None, kind: type[T], function: str, how: str) -> T:
    if not isinstance(record, kind):
        raise ArgumentError(f"{function} expects a {kind.__name__} (e.g. {how}), "
                            f"got {record!r}")
    return record
