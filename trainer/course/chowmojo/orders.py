"""Orders and refunds, as the app's code sees them."""

from __future__ import annotations

from trainer.course.chowmojo.models import UNKNOWN_TO_PAYMENT_PROVIDER, Order
from trainer.db.repo import Repo
from trainer.errors import ArgumentError, TrainerError


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
