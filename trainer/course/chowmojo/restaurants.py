"""Restaurants, and what ChowMojo tells them."""

from __future__ import annotations

import time

from trainer import sqlfiles
from trainer.course.chowmojo.models import Order, Restaurant
from trainer.db.repo import Repo
from trainer.errors import ArgumentError

# Order totals that make the restaurant's notification service answer as it does on a bad
# day: the app's stand-ins for a service that is down, one that says "slow down", and one
# that never answers.
SERVICE_UNAVAILABLE = -1
TOO_MANY_REQUESTS = -2
HANGS = -3
HANG_SECONDS = 5.0


def get_restaurant(id: int) -> Restaurant | None:
    """The restaurant with this id, or None when there is none."""
    return Repo.get(Restaurant, id)


def active_restaurants() -> list[Restaurant]:
    """Restaurants customers can find (those with an address), by id."""
    rows = Repo.query(sqlfiles.load("trainer.course.chowmojo", "active_restaurants"))
    return [Restaurant(**row) for row in rows]


def notify_restaurant(order: Order | None) -> tuple[int, str]:
    """Tell the order's restaurant about it; the service's answer as (status, body).

    (200, "ok") normally; (503, ...) for an order whose total is -1, (429, ...) for -2;
    for -3 the service takes 5 seconds to answer at all.
    """
    if not isinstance(order, Order):
        raise ArgumentError(f"notify_restaurant expects an Order (e.g. get_order(id)), "
                            f"got {order!r}")
    if order.total == SERVICE_UNAVAILABLE:
        return 503, "Service Unavailable: the restaurant's tablet is offline"
    if order.total == TOO_MANY_REQUESTS:
        return 429, "Too Many Requests: try again in 10 seconds"
    if order.total == HANGS:
        time.sleep(HANG_SECONDS)
    return 200, "ok"
