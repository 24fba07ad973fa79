"""Behaviour lines of lesson 7's first two steps: the learner's production configuration,
validated by Oban, with its Pruner, its Lifeline and a stop's grace period."""

from __future__ import annotations

from typing import Any

from trainer.grading.manifest import Namespace
from trainer.grading.report import Line
from trainer.grading.runner import describe
from trainer.jobs import Oban
from trainer.jobs.plugins import Lifeline, Pruner
from trainer.notebook.stubs import YourTurn

WEEK = 7 * 24 * 3600
RESCUE_AFTER = 30 * 60
GRACE = 30


# -- the production configuration ---------------------------------------------------------

def learner_config(ns: Namespace) -> tuple[dict[str, Any] | None, list[Line]]:
    """The learner's production_config(), and the lines saying whether it is usable."""
    function = ns.get("production_config")
    exists = Line("A function production_config() exists", callable(function), (
        "Define it in the code cell of this step and run that cell.",
        "`def production_config():` returning a dict of Oban options, "
        "e.g. `{'queues': {'default': 10}, 'plugins': [...]}`.",
    ))
    if not callable(function):
        return None, [exists]
    try:
        config = function()
    except YourTurn:
        raise
    except Exception as error:  # noqa: BLE001 - the learner's code may fail in any way
        return None, [exists, Line("production_config() runs", False, (
            "Call it in a cell of its own and read the error.",
        ), describe(error))]
    if not isinstance(config, dict):
        return None, [exists, Line("production_config() returns a dict of Oban options", False, (
            "Return a dict: its keys are Oban's options, `Oban(**production_config())`.",
            "`return {'queues': {'default': 10}, 'plugins': [Pruner(...)]}`.",
        ), f"it returned {config!r}")]
    try:
        Oban.validate(**config)
        problem = ""
    except Exception as error:  # noqa: BLE001 - what validate says is the answer
        problem = describe(error)
    return (config if not problem else None), [exists, Line(
        "Oban.validate(**production_config()) accepts it", not problem, (
            "Read the error: it names the option that is wrong.",
            "Plugins are instances in a list: `'plugins': [Pruner(max_age=...)]`.",
        ), problem)]


def _one(config: dict[str, Any], kind: type) -> tuple[Any, str]:
    found = [plugin for plugin in config.get("plugins") or [] if isinstance(plugin, kind)]
    return (found[0], "") if len(found) == 1 else (None, f"{len(found)} found")


def pruner_lines(config: dict[str, Any]) -> list[Line]:
    pruner, problem = _one(config, Pruner)
    lines = [Line("The configuration has a Pruner", pruner is not None, (
        "Oban deletes old finished jobs only when its plugins include a Pruner.",
        "`'plugins': [Pruner(max_age=...)]`.",
    ), problem)]
    if pruner is not None:
        lines.append(Line("The Pruner keeps finished jobs for 7 days", pruner.max_age == WEEK, (
            "max_age is in seconds (or a timedelta).",
            "`Pruner(max_age=7 * 24 * 3600)`, or `Pruner(max_age=timedelta(days=7))`.",
        ), f"its max_age is {pruner.max_age:g} s"))
    return lines


def lifeline_lines(config: dict[str, Any]) -> list[Line]:
    lifeline, problem = _one(config, Lifeline)
    lines = [Line("The configuration has a Lifeline", lifeline is not None, (
        "Orphaned jobs are rescued only when the plugins include a Lifeline.",
        "`'plugins': [Pruner(...), Lifeline(rescue_after=...)]`.",
    ), problem)]
    if lifeline is not None:
        lines.append(Line("The Lifeline rescues orphans after 30 minutes",
                          lifeline.rescue_after == RESCUE_AFTER, (
                              "rescue_after is in seconds here (Oban counts milliseconds).",
                              "`Lifeline(rescue_after=timedelta(minutes=30))`.",
                          ), f"its rescue_after is {lifeline.rescue_after:g} s"))
    grace = Oban(**config).shutdown_grace_period  # in seconds, however it was given
    lines.append(Line("A stopping instance waits 30 s for its running jobs", grace == GRACE, (
        "That is an option of Oban itself, not of a plugin.",
        "`'shutdown_grace_period': 30` in the dict.",
    ), f"it waits {grace:g} s"))
    return lines
