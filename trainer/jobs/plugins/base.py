"""What every plugin is: a name, how often it runs, and what one run does."""

from __future__ import annotations

import time
from typing import Any

from trainer import telemetry
from trainer.errors import ArgumentError


class Plugin:
    """Subclass it and implement `run(oban)`: one run, on the leader, returning facts
    for the telemetry events (None: nothing was done, no event)."""

    name = "Plugin"
    interval: float = 60.0  # seconds between two runs

    def run(self, oban: Any) -> dict[str, Any] | None:
        raise NotImplementedError(f"{type(self).__name__}.run(oban) is not written")

    def follow(self, oban: Any) -> None:
        """Called instead of `run` on an instance that does not lead (to keep track)."""

    def __repr__(self) -> str:
        return f"{self.name}(interval={self.interval:g})"


def check_plugins(value: Any) -> tuple[Plugin, ...]:
    if value is None:
        return ()
    if isinstance(value, Plugin) or not isinstance(value, list | tuple):
        raise ArgumentError(f"plugins must be a list of plugins, e.g. [Pruner(), "
                            f"Lifeline()], got {value!r}")
    for plugin in value:
        if not isinstance(plugin, Plugin):
            hint = " (call it: Pruner(), not Pruner)" if isinstance(plugin, type) else ""
            raise ArgumentError(f"{plugin!r} is not a plugin: use Cron(...), Pruner(...), "
                                f"Lifeline(...) or a Plugin subclass{hint}")
    names = [plugin.name for plugin in value]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ArgumentError(f"plugins {twice} are given twice: give each plugin once")
    return tuple(value)


def run_plugin(plugin: Plugin, oban: Any) -> dict[str, Any] | None:
    """One run; a run that did something is reported by `oban.plugin.start` and
    `oban.plugin.stop` (with its facts), a failed one by `oban.plugin.exception`."""
    meta: dict[str, Any] = {"name": oban.name, "plugin": plugin.name}
    began = time.perf_counter()
    try:
        facts = plugin.run(oban)
    except Exception as error:
        telemetry.execute("oban.plugin.exception", {"duration": time.perf_counter() - began},
                          {**meta, "error": repr(error), "reason": error})
        raise
    if facts is not None:
        telemetry.execute("oban.plugin.start", {"system_time": time.time()}, meta)
        telemetry.execute("oban.plugin.stop", {"duration": time.perf_counter() - began},
                          {**meta, **facts})
    return facts
