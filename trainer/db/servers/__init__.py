"""Where a PostgreSQL server comes from: a URL, a Docker container, or the embedded one.

Each kind is a `Server`: it gives connection strings and stops (a no-op for a server the
trainer did not start).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class Server(Protocol):
    def conninfo(self, dbname: str = "postgres") -> str:
        """How to reach one database of this server, as an administrator."""
        ...

    def stop(self) -> None:
        """Stop what the trainer started; safe to call twice."""
        ...
