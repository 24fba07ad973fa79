"""Opening connections, with a bounded wait and errors that say where and why; and the
trainer's own database on a server."""

from __future__ import annotations

import re

import psycopg
from psycopg import sql

from trainer.db import queries
from trainer.errors import ConfigurationError, DatabaseUnavailable

CONNECT_TIMEOUT_SECONDS = 5


def describe(conninfo: str) -> str:
    """host:port of a conninfo or URL, for error messages (never the password)."""
    try:
        params = psycopg.conninfo.conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        return "(an unreadable URL)"
    return f"{params.get('host') or 'localhost'}:{params.get('port') or 5432}"


def connect(conninfo: str, **kwargs: object) -> psycopg.Connection:
    """psycopg.connect with a bounded wait and an error that says where and why."""
    try:
        return psycopg.connect(conninfo, connect_timeout=CONNECT_TIMEOUT_SECONDS, **kwargs)  # type: ignore[arg-type]
    except psycopg.ProgrammingError as error:
        raise ConfigurationError(f"the database URL cannot be read: {error}") from None
    except psycopg.OperationalError as error:
        cause = libpq_cause(str(error))
        raise DatabaseUnavailable(
            f"cannot connect to PostgreSQL at {describe(conninfo)}: {cause}"
        ) from None


def libpq_cause(message: str) -> str:
    """'Connection refused. Is the server running...' out of libpq's longer message."""
    text = " ".join(line.strip() for line in message.strip().splitlines())
    text = re.sub(r'^(connection failed: )?(connection to server at "[^"]*"[^:]*failed: )?', "",
                  text)
    return text or "no reason given"


def ensure_database(conninfo: str, name: str) -> str:
    """Create the trainer's own database on that server if missing; return its conninfo."""
    with connect(conninfo, autocommit=True) as conn:
        exists = conn.execute(queries.load("database_exists"), {"name": name}).fetchone()
        if not exists:
            try:
                conn.execute(queries.composed("create_database", name=sql.Identifier(name)))
            except psycopg.errors.DuplicateDatabase:
                pass  # another process created it a moment ago
            except psycopg.Error as error:
                raise DatabaseUnavailable(
                    f"cannot create the trainer's database {name!r} on {describe(conninfo)}: "
                    f"{error}. Create it yourself, or give a user that may (CREATEDB)."
                ) from None
    return psycopg.conninfo.make_conninfo(conninfo, dbname=name)
