"""The package's SQL, one statement per file under `trainer/sql/`, read once and cached.

Print any of them from a notebook: `print(trainer.sql("insert_unique"))`.
"""

from functools import cache
from importlib.resources import files


@cache
def load(name: str) -> str:
    """The text of `trainer/sql/<name>.sql`."""
    return files("trainer").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration, in order."""
    folder = files("trainer").joinpath("sql", "migrations")
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            version, _, rest = entry.name.partition("_")
            found.append((int(version), rest.removesuffix(".sql"), entry.read_text("utf-8")))
    return sorted(found)
