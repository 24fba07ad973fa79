"""The placeholder in the exercises: fails, kindly, until the learner writes their code."""

from __future__ import annotations

import textwrap

from trainer.errors import TrainerError

# pytest prints the message as it is, after the error's name, and a browser breaks a long
# line anywhere: the message comes in lines of at most this many characters.
WIDTH = 88


class YourTurn(TrainerError, NotImplementedError):
    """Raised by a stub the learner has not replaced yet."""


def your_turn(what: str = "") -> None:
    """Stand-in for code the learner writes. Always raises YourTurn."""
    __tracebackhide__ = True  # pytest: show the learner's line, not this one
    task = f" {what.strip()}" if what.strip() else ""
    named = f"{YourTurn.__module__}.{YourTurn.__qualname__}: "
    lines = textwrap.wrap(
        f"Your turn!{task} Replace the `your_turn(...)` line with your code, then run the "
        "cell again.", WIDTH, initial_indent=" " * len(named), break_long_words=False,
        break_on_hyphens=False)
    raise YourTurn("\n".join([lines[0].lstrip(), *lines[1:]]))
