"""The package's SQL, one statement per file under `trainer/sql/`, read once and cached.

Print any of them from a notebook: `print(trainer.sql("insert_unique"))`.
"""

from functools import cache
from importlib.resources import files

INCLUDE = "-- include: "


@cache
def load(name: str) -> str:
    """The text of `trainer/sql/<name>.sql`; a line `-- include: other` pulls in other.sql."""
    text = files("trainer").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")
    return "\n".join(
        load(line.removeprefix(INCLUDE).strip()) if line.startswith(INCLUDE) else line
        for line in text.splitlines()
    )


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration, in order."""
    folder = files("trainer").joinpath("sql", "migrations")
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            version, _, rest = entry.name.partition("_")
            found.append((int(version), rest.removesuffix(".sql"), entry.read_text("utf-8")))
    return sorted(found)

