"""ChowMojo, the food-delivery app of the course: its records, its code, its test factory
and its own migrations (apart from the job engine's)."""

from trainer.course.chowmojo.factories import insert
from trainer.course.chowmojo.models import Order, Restaurant, Review, User
from trainer.course.chowmojo.orders import RefundError, get_order, refund_order
from trainer.sqlfiles import Migrations

MIGRATIONS = Migrations(component="chowmojo", package="trainer.course.chowmojo",
                        folder="migrations")

__all__ = ["MIGRATIONS", "Order", "RefundError", "Restaurant", "Review", "User", "get_order",
           "insert", "refund_order"]
