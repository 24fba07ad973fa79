"""ChowMojo's records: dataclasses that Repo reads and stores, one table each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

UNKNOWN_TO_PAYMENT_PROVIDER = 99  # an order total the payment provider has never heard of


@dataclass
class Order:
    """A customer's order. `total` is in integer cents."""

    __table__: ClassVar[str] = "orders"

    id: int | None = None
    notes: str | None = None
    total: int = 0
    dispatched_at: datetime | None = None
    delivered_at: datetime | None = None
    inserted_at: datetime | None = None
    updated_at: datetime | None = None
    restaurant_id: int | None = None
    user_id: int | None = None


@dataclass
class User:
    """A ChowMojo customer (or a restaurant's owner)."""

    __table__: ClassVar[str] = "users"

    id: int | None = None
    name: str = ""
    email: str = ""
    address: str | None = None
    inserted_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass
class Restaurant:
    """A restaurant that cooks for ChowMojo. `rating` is 1 to 5 stars, or None."""

    __table__: ClassVar[str] = "restaurants"

    id: int | None = None
    name: str = ""
    address: str | None = None
    rating: int | None = None
    owner_id: int | None = None
    inserted_at: datetime | None = None
    updated_at: datetime | None = None


SENTIMENTS = ("negative", "neutral", "positive")


@dataclass
class Review:
    """What a customer said. `sentiment` stays None until an analysis sets it."""

    __table__: ClassVar[str] = "reviews"

    id: int | None = None
    comment: str = ""
    sentiment: str | None = None
    rating: int = 3
    restaurant_id: int | None = None
    user_id: int | None = None
    inserted_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass
class Delivery:
    """Something ChowMojo sent: `kind` is 'welcome', 'follow_up', 'digest' or
    'order_placed'; `recipient` the address it went to."""

    __table__: ClassVar[str] = "deliveries"

    id: int | None = None
    kind: str = ""
    recipient: str = ""
    user_id: int | None = None
    restaurant_id: int | None = None
    order_id: int | None = None
    inserted_at: datetime | None = None
    updated_at: datetime | None = None
