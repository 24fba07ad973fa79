"""The test factory: `insert("order")`, `insert("order", "refund_failure", total=5)`."""

from __future__ import annotations

import dataclasses
from typing import Any

from trainer.course.chowmojo.models import UNKNOWN_TO_PAYMENT_PROVIDER, Order
from trainer.db.repo import Repo
from trainer.errors import ArgumentError

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
