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
