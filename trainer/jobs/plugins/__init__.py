"""Oban's plugins, run by a started instance on the leader only:

    Oban(queues={"default": 10}, plugins=[
        Cron(crontab=[("0 9 * * *", DailyDigest)], timezone="Europe/Paris"),
        Pruner(max_age=7 * 24 * 3600),
        Lifeline(rescue_after=30 * 60),
    ])
"""

from trainer.jobs.plugins.base import Plugin
from trainer.jobs.plugins.cron import Cron
from trainer.jobs.plugins.lifeline import Lifeline
from trainer.jobs.plugins.pruner import Pruner

__all__ = ["Cron", "Lifeline", "Plugin", "Pruner"]
