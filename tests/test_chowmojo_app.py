"""The ChowMojo app as the course grows it: users, restaurants, orders that name both,
reviews; the factory's sample values, traits and clear errors; the tables' own rules."""

from __future__ import annotations

import psycopg
import pytest

from trainer.course.chowmojo import Order, Restaurant, Review, User, insert
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
