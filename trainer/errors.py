"""The package's exceptions: one base class, so a learner can catch everything we raise."""


class TrainerError(Exception):
    """Base class of every error the trainer raises on purpose."""


class ConfigurationError(TrainerError, ValueError):
    """An environment variable or setting has a value the trainer does not accept."""


class DatabaseUnavailable(TrainerError):
    """No PostgreSQL server could be reached or started."""


class DatabaseConnectionLost(TrainerError):
    """The server went away in the middle of an operation; the next one reconnects."""


class OptionError(TrainerError, ValueError):
    """A job or worker option has a value that is not allowed."""


class ArgumentError(TrainerError, TypeError):
    """A public function was given a value of the wrong type or shape."""
