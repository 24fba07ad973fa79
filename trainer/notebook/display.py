"""What the lesson's objects look like in a notebook: HTML views, registered with IPython
by the lesson's set-up (the engine and the checks never import this). Everywhere else,
consoles and logs, the same objects print as plain text.

- a self-check's Report: a checklist with green ticks and red crosses, hints set apart,
  and the progress ("4 of 7");
- a Job, a list of jobs: a table, with times relative to now ("due in 10 min", "3 s ago")
  beside the absolute ones;
- a DrainResult: its counts.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from trainer.clock import relative, utcnow
from trainer.grading.report import Report
from trainer.jobs import DrainResult, Job

GREEN, RED, HINT = "#1a7f37", "#cf222e", "#fff8c5"
BOX = ("font-family: system-ui, sans-serif; font-size: 14px; line-height: 1.45; "
       "white-space: normal; overflow-wrap: normal; word-break: normal;")


def _text(value: str) -> str:
    """Escaped, with `code` in backticks shown as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(value))


def report_html(report: Report) -> str:
    good = sum(line.ok for line in report.lines)
    items = []
    for line, hints in zip(report.lines, report.hints, strict=True):
        mark = (f'<span style="color:{GREEN};font-weight:bold">✓</span>' if line.ok
                else f'<span style="color:{RED};font-weight:bold">✗</span>')
        extra = ""
        if not line.ok and line.detail:
            extra += f'<div style="margin-left:1.6em;color:#57606a">What happened: ' \
                     f'{_text(line.detail)}</div>'
        if hints:
            extra += "".join(f'<div style="margin:2px 0 2px 1.6em;padding:2px 8px;'
                             f'background:{HINT};border-radius:4px">{_text(hint)}</div>'
                             for hint in hints)
        items.append(f"<li>{mark} {_text(line.label)}{extra}</li>")
    if report.passed:
        verdict = f'<strong style="color:{GREEN}">All {good} checks pass. Well done!</strong>'
    else:
        verdict = html.escape(report.render().splitlines()[-1])
    return (f'<div class="trainer-check" style="{BOX}">'
            f"<div><strong>Self-check: {html.escape(report.step)}</strong> "
            f'<span style="color:#57606a">· {good} of {len(report.lines)}</span></div>'
            f'<ul style="list-style:none;padding-left:0.4em;margin:4px 0">{"".join(items)}</ul>'
            f"<div>{verdict}</div></div>")


JOB_COLUMNS = ("id", "worker", "state", "queue", "args", "attempt", "scheduled", "inserted")
CELL = "padding:2px 8px;vertical-align:top;text-align:left"


def _when(value: datetime | None, now: datetime) -> str:
    """"3 s ago (23:51:03)": relative, then absolute (with the date when not today's)."""
    if value is None:
        return ""
    absolute = value.strftime("%H:%M:%S" if value.date() == now.date() else "%Y-%m-%d %H:%M:%S")
    return (f"{html.escape(relative(value, now))} "
            f'<span style="color:#57606a;white-space:nowrap">({absolute})</span>')


def jobs_html(jobs: list[Job]) -> str:
    now = utcnow()
    head = "".join(f'<th style="text-align:left;padding:2px 8px">{name}</th>'
                   for name in JOB_COLUMNS)
    rows = []
    for job in jobs:
        scheduled = _when(job.scheduled_at, now)
        if job.state in ("scheduled", "retryable") and job.scheduled_at:
            scheduled = f"due {scheduled}"
        cells = [str(job.id if job.id is not None else "(not stored)"), html.escape(job.worker),
                 html.escape(job.state.value), html.escape(job.queue),
                 f"<code>{html.escape(repr(job.args))}</code>",
                 f"{job.attempt} of {job.max_attempts}", scheduled, _when(job.inserted_at, now)]
        # JupyterLab right-aligns table cells unless told otherwise.
        rows.append("<tr>" + "".join(f'<td style="{CELL}">{cell}</td>' for cell in cells)
                    + "</tr>")
    return (f'<table class="trainer-jobs" style="{BOX}border-collapse:collapse">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def drain_html(result: DrainResult) -> str:
    cells = "".join(f'<td style="padding:2px 10px"><strong>{count}</strong> {name}</td>'
                    for name, count in result.as_dict().items())
    return f'<table class="trainer-drain" style="{BOX}"><tr>{cells}</tr></table>'


def _jobs_or_nothing(value: list[Any]) -> str | None:
    """HTML for a non-empty list of jobs; None (plain text) for any other list."""
    if value and all(isinstance(item, Job) for item in value):
        return jobs_html(value)
    return None


def register(shell: Any) -> None:
    """Teach this IPython shell the HTML views."""
    formatter = shell.display_formatter.formatters["text/html"]
    formatter.for_type(Report, report_html)
    formatter.for_type(Job, lambda job: jobs_html([job]))
    formatter.for_type(list, _jobs_or_nothing)
    formatter.for_type(DrainResult, drain_html)
