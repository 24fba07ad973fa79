"""ChowMojo, the food-delivery app of the course: orders, and refunding them."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from trainer.errors import ArgumentError, TrainerError
from trainer.repo import Repo

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


class RefundError(TrainerError):
    """The payment provider refused the refund."""


def get_order(id: int) -> Order | None:
    """The order with this id, or None when there is none."""
    return Repo.get(Order, id)


def refund_order(order: Order | None, reason: str) -> None:
    """Ask the payment provider for a refund.

    Fails (raises RefundError) for an order whose total is 99, which stands for "the
    payment provider does not know this order"; succeeds for anything else, None included.
    """
    if order is not None and not isinstance(order, Order):
        raise ArgumentError(
            f"refund_order expects an Order (e.g. get_order(id)) or None, got {order!r}"
        )
    if order is not None and order.total == UNKNOWN_TO_PAYMENT_PROVIDER:
        raise RefundError(f"the payment provider does not know order {order.id} (unknown_order)")


# The test factory: insert("order"), insert("order", "refund_failure"), insert("order", total=5)

FACTORIES: dict[str, type] = {"order": Order}
TRAITS: dict[tuple[str, str], dict[str, Any]] = {
    ("order", "refund_failure"): {"total": UNKNOWN_TO_PAYMENT_PROVIDER,
                                  "notes": "Get it here quickly"},
}


def insert(name: str, trait: str | None = None, **fields: Any) -> Any:
    """Create and store a record for a test: `insert("order", "refund_failure")`."""
    if not isinstance(name, str) or name not in FACTORIES:
        raise ArgumentError(f"insert() knows no factory {name!r}; known: {sorted(FACTORIES)}")
    values: dict[str, Any] = {}
    if trait is not None:
        if not isinstance(trait, str):
            raise ArgumentError(f"insert({name!r}, trait): the trait is a name such as "
                                f"'refund_failure', got {trait!r}")
        known = sorted(t for (n, t) in TRAITS if n == name)
        if (name, trait) not in TRAITS:
            raise ArgumentError(f"insert({name!r}, ...) knows no trait {trait!r}; known: {known}")
        values.update(TRAITS[(name, trait)])
    values.update(fields)
    schema = FACTORIES[name]
    allowed = [f.name for f in dataclasses.fields(schema) if f.name != "id"]
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ArgumentError(
            f"insert({name!r}) got unknown fields {unknown}; allowed: {allowed}"
            + (" (the database gives the id)" if "id" in unknown else "")
        )
    return Repo.insert(schema(**values))
