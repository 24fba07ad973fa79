"""Oban running in this process: a producer per queue that fetches and runs jobs by
itself, woken by insert notifications (LISTEN/NOTIFY) and by a stager that makes due
jobs available; queue control; a graceful stop.

`trainer.jobs.oban.Oban` is the facade: `Oban(queues={"default": 10}).start()`.
"""
