"""The ChowMojo app as the course grows it: users, restaurants, orders that name both,
reviews; the factory's sample values, traits and clear errors; the tables' own rules."""

from __future__ import annotations

import psycopg
import pytest

from trainer.course.chowmojo import (
    Order,
    Restaurant,
    Review,
    User,
    active_restaurants,
    analyze_sentiment,
    deliveries,
    get_restaurant,
    get_review,
    get_user,
    insert,
    notify_restaurant,
    send_digest,
    send_follow_up_email,
    send_welcome_email,
    unanalysed_reviews,
)
from trainer.course.chowmojo.sample import lines
from trainer.db import Repo
from trainer.errors import ArgumentError


def test_the_factory_makes_each_record_with_sample_values_and_given_fields_win(repo):
    user = insert("user")
    owner = insert("user", "without_address", name="Ola Owner")
    restaurant = insert("restaurant", owner_id=owner.id)
    order = insert("order", total=1800, user_id=user.id, restaurant_id=restaurant.id)
    review = insert("review", rating=5, restaurant_id=restaurant.id, user_id=user.id)
    assert isinstance(user, User) and user.name in lines("names") and "@" in user.email
    assert owner.address is None and owner.name == "Ola Owner"
    assert isinstance(restaurant, Restaurant) and restaurant.owner_id == owner.id
    assert Repo.get(Order, order.id).restaurant_id == restaurant.id
    assert isinstance(review, Review) and review.sentiment is None
    assert review.comment in lines("review_comments") and review.rating == 5
    assert insert("review", "analysed").sentiment == "neutral"


def test_many_users_and_restaurants_never_collide(repo):
    users = [insert("user") for _ in range(30)]
    restaurants = [insert("restaurant") for _ in range(30)]
    assert len({u.email for u in users}) == 30
    assert len({r.name for r in restaurants}) == 30


def test_the_factory_names_what_it_knows_when_asked_for_something_else():
    with pytest.raises(ArgumentError, match=r"known: \['order', 'restaurant', 'review'"):
        insert("dish")
    with pytest.raises(ArgumentError, match="knows no trait 'vip'; known: \\['without_address'"):
        insert("user", "vip")
    with pytest.raises(ArgumentError, match="unknown fields \\['stars'\\]"):
        insert("review", stars=5)


@pytest.mark.parametrize(("record", "broken"), [
    ("review", {"rating": 6}), ("review", {"sentiment": "angry"}),
    ("restaurant", {"rating": 0}), ("order", {"restaurant_id": 10**9}),
])
def test_the_tables_refuse_what_the_app_never_stores(sandbox, record, broken):
    with pytest.raises(psycopg.errors.IntegrityError):
        with Repo.transaction():
            insert(record, **broken)


def test_an_email_is_one_users_only(sandbox):
    first = insert("user")
    with pytest.raises(psycopg.errors.UniqueViolation):
        with Repo.transaction():
            insert("user", email=first.email)


def test_the_mailer_records_what_it_sends_and_refuses_what_is_no_user(repo):
    user = insert("user")
    restaurant = insert("restaurant")
    send_welcome_email(user)
    send_follow_up_email(user)
    send_digest(restaurant)
    assert [(d.kind, d.recipient) for d in deliveries()] == [
        ("welcome", user.email), ("follow_up", user.email), ("digest", restaurant.address)]
    assert [d.user_id for d in deliveries("welcome", to=user.email)] == [user.id]
    assert deliveries("welcome", to="nobody@example.com") == []
    with pytest.raises(ArgumentError, match=r"expects a User \(e.g. get_user\(id\)\), got None"):
        send_welcome_email(get_user(10**9))
    with pytest.raises(ArgumentError, match="has no address"):
        send_digest(insert("restaurant", "without_address"))
    with pytest.raises(ArgumentError, match="knows no kind 'sms'"):
        deliveries("sms")


def test_only_restaurants_with_an_address_are_active(repo):
    active = insert("restaurant")
    insert("restaurant", "without_address")
    assert [r.id for r in active_restaurants()] == [active.id]
    assert get_restaurant(active.id) == active


@pytest.mark.parametrize(("trait", "status"), [
    (None, 200), ("unavailable", 503), ("rate_limited", 429)])
def test_the_restaurants_notification_service_answers_by_the_orders_total(repo, trait, status):
    order = insert("order", trait) if trait else insert("order")
    answer, body = notify_restaurant(order)
    assert answer == status and body
    with pytest.raises(ArgumentError, match="expects an Order"):
        notify_restaurant(None)


def test_sentiment_is_stored_from_the_rating_and_analysed_reviews_are_not_listed(repo):
    reviews = [insert("review", rating=rating) for rating in (1, 3, 5)]
    insert("review", "analysed")
    assert [r.id for r in unanalysed_reviews()] == [r.id for r in reviews]
    assert [analyze_sentiment(r) for r in reviews] == ["negative", "neutral", "positive"]
    assert unanalysed_reviews() == []
    assert get_review(reviews[0].id).sentiment == "negative"
