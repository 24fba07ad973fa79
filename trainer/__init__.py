"""ChowMojo trainer: learn Oban-style background jobs on a real PostgreSQL.

Start a lesson with `from trainer.lesson import *`. Read any of the package's SQL with
`trainer.sql("insert_unique")` or `trainer.sql("migrations/0003_oban_insert_unique")`.
"""

from importlib.metadata import version

from trainer._sql import load as sql

__version__ = version("chowmojo-trainer")
__all__ = ["__version__", "sql"]
