"""Reviews, and the (very small) sentiment analysis that reads them."""

from __future__ import annotations

from trainer import sqlfiles
from trainer.clock import utcnow
from trainer.course.chowmojo.models import Review
from trainer.db.repo import Repo
from trainer.errors import ArgumentError


def get_review(id: int) -> Review | None:
    """The review with this id, or None when there is none."""
    return Repo.get(Review, id)


def unanalysed_reviews() -> list[Review]:
    """Reviews with no sentiment yet, oldest first."""
    rows = Repo.query(sqlfiles.load("trainer.course.chowmojo", "unanalysed_reviews"))
    return [Review(**row) for row in rows]


def analyze_sentiment(review: Review | None) -> str:
    """Read the review, store its sentiment and return it: 'negative' for 1 or 2 stars,
    'neutral' for 3, 'positive' for 4 or 5. (A real model would read the comment.)"""
    if not isinstance(review, Review):
        raise ArgumentError(f"analyze_sentiment expects a Review (e.g. get_review(id)), "
                            f"got {review!r}")
    sentiment = "negative" if review.rating <= 2 else "neutral" if review.rating == 3 \
        else "positive"
    Repo.execute(sqlfiles.load("trainer.course.chowmojo", "set_sentiment"),
                 {"sentiment": sentiment, "now": utcnow(), "id": review.id})
    review.sentiment = sentiment
    return sentiment
