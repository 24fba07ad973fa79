"""ChowMojo trainer: learn Oban-style background jobs on a real PostgreSQL.

Start a lesson with `from trainer.lesson import *`. Read any of the job engine's SQL with
`trainer.sql("insert_unique")` or `trainer.sql("migrations/0002_oban_insert_unique")`.
"""

from importlib.metadata import version

__version__ = version("chowmojo-trainer")
__all__ = ["__version__", "sql"]


def sql(name: str) -> str:
    """The text of one of the job engine's SQL files, e.g. `sql("ack_and_fetch")`."""
    from trainer.jobs.queries import load  # here: `import trainer` stays light

    return load(name)
