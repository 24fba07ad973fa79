"""ChowMojo, the food-delivery app of the course: its records, its code, its test factory
and its own migrations (apart from the job engine's)."""

from trainer.course.chowmojo.factories import insert
from trainer.course.chowmojo.mailer import (
    deliveries,
    send_digest,
    send_follow_up_email,
    send_welcome_email,
)
from trainer.course.chowmojo.models import Delivery, Order, Restaurant, Review, User
from trainer.course.chowmojo.orders import RefundError, get_order, refund_order
from trainer.course.chowmojo.restaurants import (
    active_restaurants,
    get_restaurant,
    notify_restaurant,
)
from trainer.course.chowmojo.reviews import analyze_sentiment, get_review, unanalysed_reviews
from trainer.course.chowmojo.users import get_user
from trainer.sqlfiles import Migrations

MIGRATIONS = Migrations(component="chowmojo", package="trainer.course.chowmojo",
                        folder="migrations")

__all__ = ["MIGRATIONS", "Delivery", "Order", "RefundError", "Restaurant", "Review", "User",
           "active_restaurants", "analyze_sentiment", "deliveries", "get_order",
           "get_restaurant", "get_review", "get_user", "insert", "notify_restaurant",
           "refund_order", "send_digest", "send_follow_up_email", "send_welcome_email",
           "unanalysed_reviews"]
