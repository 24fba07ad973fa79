"""The test factory: `insert("order")`, `insert("order", "refund_failure", total=5)`,
`insert("order", "unavailable")`, `insert("user")`, `insert("restaurant", owner_id=user.id)`,
`insert("review", rating=1)`.

Each record gets plausible values from the sample data (a name, an email of its own, a
comment); the fields you give win."""

from __future__ import annotations

import dataclasses
import itertools
import secrets
from collections.abc import Callable
from typing import Any

from trainer.course.chowmojo.models import (
    UNKNOWN_TO_PAYMENT_PROVIDER,
    Order,
    Restaurant,
    Review,
    User,
)
from trainer.course.chowmojo.restaurants import HANGS, SERVICE_UNAVAILABLE, TOO_MANY_REQUESTS
from trainer.course.chowmojo.sample import lines, pick
from trainer.db.repo import Repo
from trainer.errors import ArgumentError

FACTORIES: dict[str, type] = {"order": Order, "user": User, "restaurant": Restaurant,
                              "review": Review}
TRAITS: dict[tuple[str, str], dict[str, Any]] = {
    ("order", "refund_failure"): {"total": UNKNOWN_TO_PAYMENT_PROVIDER,
                                  "notes": "Get it here quickly"},
    ("order", "unavailable"): {"total": SERVICE_UNAVAILABLE},
    ("order", "rate_limited"): {"total": TOO_MANY_REQUESTS},
    ("order", "hangs"): {"total": HANGS},
    ("user", "without_address"): {"address": None},
    ("restaurant", "without_address"): {"address": None},
    ("review", "analysed"): {"sentiment": "neutral"},
}
_serial = itertools.count(1)
_process = secrets.token_hex(2)  # emails of this process differ from another's


def _user(n: int) -> dict[str, Any]:
    name = pick("names", n)
    return {"name": name, "address": f"{n} Chow Street",
            "email": f"{name.lower().replace(' ', '.')}+{_process}{n}@example.com"}


def _restaurant(n: int) -> dict[str, Any]:
    base = pick("restaurants", n)
    name = base if n <= len(lines("restaurants")) else f"{base} ({_process}{n})"
    return {"name": name, "address": f"{n} Market Row", "rating": 4}


DEFAULTS: dict[str, Callable[[int], dict[str, Any]]] = {
    "order": lambda n: {"total": 1000 + 50 * (n % 40)},
    "user": _user, "restaurant": _restaurant,
    "review": lambda n: {"comment": pick("review_comments", n), "rating": 3},
}


def insert(factory: str, trait: str | None = None, /, **fields: Any) -> Any:
    """Create and store a record for a test: `insert("order", "refund_failure")`."""
    if not isinstance(factory, str) or factory not in FACTORIES:
        raise ArgumentError(f"insert() knows no factory {factory!r}; known: {sorted(FACTORIES)}")
    default = DEFAULTS.get(factory)
    values: dict[str, Any] = default(next(_serial)) if default else {}
    if trait is not None:
        if not isinstance(trait, str):
            raise ArgumentError(f"insert({factory!r}, trait): the trait is a name such as "
                                f"'refund_failure', got {trait!r}")
        known = sorted(t for (n, t) in TRAITS if n == factory)
        if (factory, trait) not in TRAITS:
            raise ArgumentError(
                f"insert({factory!r}, ...) knows no trait {trait!r}; known: {known}")
        values.update(TRAITS[(factory, trait)])
    values.update(fields)
    schema = FACTORIES[factory]
    allowed = [f.name for f in dataclasses.fields(schema) if f.name != "id"]
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ArgumentError(
            f"insert({factory!r}) got unknown fields {unknown}; allowed: {allowed}"
            + (" (the database gives the id)" if "id" in unknown else "")
        )
    return Repo.insert(schema(**values))
