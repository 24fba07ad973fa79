"""psycopg's errors about a connection or a value, said in the package's own words."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg

from trainer.errors import ArgumentError, DatabaseConnectionLost


@contextmanager
def translated(conn: psycopg.Connection, on_lost: Callable[[], None]) -> Iterator[None]:
    """psycopg's errors about the connection or a value, in the package's own words."""
    try:
        yield
    except psycopg.OperationalError as error:
        if conn.broken or conn.closed:
            on_lost()  # e.g. drop the pool: its idle connections are as dead as this one
            raise DatabaseConnectionLost(
                "the connection to PostgreSQL was lost during this operation "
                f"({str(error).strip() or type(error).__name__}). Its changes were not "
                "saved; run it again: the next operation reconnects."
            ) from None
        raise
    except psycopg.DataError as error:
        # A value of the wrong type or size reached the server (or psycopg refused to
        # send it): the caller's mistake, said in the package's own words.
        raise ArgumentError(
            f"PostgreSQL refused a value given to this operation: {first_line(error)}. "
            "Check the types and sizes of the values you passed."
        ) from error


def first_line(error: psycopg.Error) -> str:
    """PostgreSQL's one-line reason, with its detail: 'invalid input syntax for type json
    (Token "NaN" is invalid.)'."""
    primary = error.diag.message_primary if error.diag is not None else None
    detail = error.diag.message_detail if error.diag is not None else None
    text = (primary or str(error).strip() or type(error).__name__).splitlines()[0]
    return f"{text} ({detail.splitlines()[0]})" if detail else text
