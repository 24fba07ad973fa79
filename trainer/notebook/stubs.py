"""The placeholder in the exercises: fails, kindly, until the learner writes their code."""

from __future__ import annotations

from trainer.errors import TrainerError


class YourTurn(TrainerError, NotImplementedError):
    """Raised by a stub the learner has not replaced yet."""


def your_turn(what: str = "") -> None:
    """Stand-in for code the learner writes. Always raises YourTurn."""
    __tracebackhide__ = True  # pytest: show the learner's line, not this one
    task = f" {what.strip()}" if what.strip() else ""
    raise YourTurn(
        f"Your turn!{task} Replace the `your_turn(...)` line with your code, then run the "
        "cell again."
    )
