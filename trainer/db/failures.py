"""psycopg's errors about a connection or a value, said in the package's own words."""

from __future__ import annotations

from collections.abc import Callable

import psycopg

from trainer.errors import ArgumentError, DatabaseConnectionLost, DatabaseUnavailable


def translated(error: psycopg.Error, conn: psycopg.Connection,
               on_lost: Callable[[], None]) -> Exception:
    """The package's own error for psycopg's about the connection or a value; any other
    error as it is. Raise what it returns, inside the `except` that caught `error`."""
    if isinstance(error, psycopg.OperationalError) and (conn.broken or conn.closed):
        on_lost()  # e.g. drop the pool: its idle connections are as dead as this one
        lost = DatabaseConnectionLost(
            "the connection to PostgreSQL was lost during this operation "
            f"({str(error).strip() or type(error).__name__}). Its changes were not "
            "saved; run it again: the next operation reconnects."
        )
        lost.__suppress_context__ = True
        return lost
    if isinstance(error, psycopg.errors.DiskFull):
        full = DatabaseUnavailable(
            f"the database server's disk is full ({first_line(error)}). What this "
            "operation wrote was not saved. Free some space (or set TRAINER_RUNTIME_DIR to "
            "a folder with more room and restart the kernel), then run it again."
        )
        full.__suppress_context__ = True
        return full
    if isinstance(error, psycopg.DataError):
        # A value of the wrong type or size reached the server (or psycopg refused to
        # send it): the caller's mistake, said in the package's own words.
        refused = ArgumentError(
            f"PostgreSQL refused a value given to this operation: {first_line(error)}. "
            "Check the types and sizes of the values you passed."
        )
        refused.__cause__ = error
        return refused
    return error


def first_line(error: psycopg.Error) -> str:
    """PostgreSQL's one-line reason, with its detail: 'invalid input syntax for type json
    (Token "NaN" is invalid.)'."""
    primary = error.diag.message_primary if error.diag is not None else None
    detail = error.diag.message_detail if error.diag is not None else None
    text = (primary or str(error).strip() or type(error).__name__).splitlines()[0]
    return f"{text} ({detail.splitlines()[0]})" if detail else text
