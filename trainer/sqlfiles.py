"""The package's SQL: one statement per `.sql` file, shipped with the package, read once.

Every module that runs SQL gets its text from here; print any of it from a notebook with
`trainer.sql("insert_unique")`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

INCLUDE = "-- include: "


@cache
def load(package: str, name: str) -> str:
    """The text of `<package>/sql/<name>.sql`; a line `-- include: other` pulls in other.sql."""
    text = files(package).joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")
    return "\n".join(
        load(package, line.removeprefix(INCLUDE).strip()) if line.startswith(INCLUDE) else line
        for line in text.splitlines()
    )


@dataclass(frozen=True)
class Migrations:
    """One component's numbered migrations: `<package>/<folder>/NNNN_name.sql`."""

    component: str
    package: str
    folder: str = "sql/migrations"

    def all(self) -> list[tuple[int, str, str]]:
        """(version, name, sql) of every migration, in order."""
        found = []
        for entry in files(self.package).joinpath(self.folder).iterdir():
            if entry.name.endswith(".sql"):
                version, _, rest = entry.name.partition("_")
                found.append((int(version), rest.removesuffix(".sql"),
                              entry.read_text("utf-8")))
        return sorted(found)
