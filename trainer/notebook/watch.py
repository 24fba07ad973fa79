"""A table of jobs below a cell that keeps itself up to date, for watching a running
queue do its work:

    watch_jobs()                          # every job, newest first, for 30 s
    watch_jobs(queue="email", seconds=60)

It reads committed rows (what a running queue sees), twice a second by default, from a
thread of its own, and stops by itself: after `seconds`, at the first error (saying
which), or with the kernel.
"""

from __future__ import annotations

import html
import threading
import time
from typing import Any

from trainer.clock import utcnow
from trainer.jobs import Oban
from trainer.jobs.validate import bad
from trainer.notebook.display import jobs_html

MAX_SECONDS = 3600


def _page(jobs: list[Any], caption: str) -> str:
    table = jobs_html(jobs) if jobs else "<p>No jobs yet.</p>"
    return (f'<div class="trainer-watch">{table}'
            f'<div style="color:#57606a;font-size:12px">{html.escape(caption)}</div></div>')


def watch_jobs(*, seconds: float = 30, every: float = 0.5, limit: int = 20,
               repo: Any = None, **filters: Any) -> None:
    """Show the jobs matching `filters` (as `oban.list_jobs` takes them), newest first,
    and keep the table current for `seconds`."""
    from IPython.display import HTML, display

    for name, value, most in (("seconds", seconds, MAX_SECONDS), ("every", every, 60)):
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not 0 < value <= most:
            raise bad(name, value, f"a number of seconds more than 0, at most {most}")
    oban = Oban(repo=repo) if repo is not None else Oban()
    oban.list_jobs(limit=1, **filters)  # bad filters fail here, in the cell
    handle = display(HTML(_page([], "starting…")), display_id=True)
    ends = time.monotonic() + seconds

    def show(caption: str) -> None:
        handle.update(HTML(_page(oban.list_jobs(limit=limit, **filters), caption)))

    def follow() -> None:
        try:
            while (left := ends - time.monotonic()) > 0:
                show(f"updated {utcnow():%H:%M:%S}, watching {left:.0f} s more")
                time.sleep(min(every, max(left, 0.01)))
            show(f"stopped watching at {utcnow():%H:%M:%S}: run the cell again to watch more")
        except Exception as error:  # noqa: BLE001 - said in the table, never a stray traceback
            handle.update(HTML(_page([], f"stopped watching: {error}")))

    threading.Thread(target=follow, name="watch_jobs", daemon=True).start()
