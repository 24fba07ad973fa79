"""A server someone else runs, given by TRAINER_DATABASE_URL: the trainer never stops it."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg


@dataclass(frozen=True)
class UrlServer:
    url: str

    def conninfo(self, dbname: str = "postgres") -> str:
        return psycopg.conninfo.make_conninfo(self.url, dbname=dbname)

    def stop(self) -> None:
        """Not ours to stop."""

    def __repr__(self) -> str:
        return "UrlServer(<url hidden>)"
