"""A job's lifecycle, drawn: the eight states and the moves between them, as an SVG the
package makes itself (no network). Jobs given are counted in the states they are in now;
a unique worker's states (those its uniqueness looks at) are outlined.

    lifecycle()                          # the states and the moves
    lifecycle(jobs=oban.list_jobs())     # where these jobs are now
    lifecycle(worker=Refunder)           # which states Refunder's uniqueness covers
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable

from trainer.errors import ArgumentError
from trainer.jobs import Job, JobState, Worker

# Where each state sits (column, row), and the moves Oban makes between them.
PLACES = {
    JobState.SUSPENDED: (0, 0), JobState.SCHEDULED: (0, 1), JobState.AVAILABLE: (1, 1),
    JobState.EXECUTING: (2, 1), JobState.RETRYABLE: (1.5, 2.3), JobState.COMPLETED: (3, 0),
    JobState.DISCARDED: (3, 1), JobState.CANCELLED: (3, 2),
}
MOVES = [
    (JobState.SUSPENDED, JobState.AVAILABLE, "resumed"),
    (JobState.SCHEDULED, JobState.AVAILABLE, "due"),
    (JobState.AVAILABLE, JobState.EXECUTING, "fetched"),
    (JobState.EXECUTING, JobState.COMPLETED, "success"),
    (JobState.EXECUTING, JobState.DISCARDED, "no attempts left"),
    (JobState.EXECUTING, JobState.CANCELLED, "Cancel"),
    (JobState.EXECUTING, JobState.RETRYABLE, "failed, attempts left"),
    (JobState.RETRYABLE, JobState.AVAILABLE, "backoff over"),
]
WIDTH, HEIGHT, BOX_W, BOX_H, COLUMN = 760, 250, 110, 34, 205
CURRENT, UNIQUE = "#ddf4ff", "#8250df"


class Lifecycle:
    """The drawing; shows itself as SVG in a notebook and as a line of text elsewhere."""

    def __init__(self, jobs: Iterable[Job] = (), worker: type[Worker] | None = None) -> None:
        if isinstance(jobs, Job):
            jobs = [jobs]
        jobs = list(jobs)
        if not all(isinstance(job, Job) for job in jobs):
            raise ArgumentError("lifecycle(jobs=...) takes jobs, e.g. oban.list_jobs()")
        if worker is not None and not (isinstance(worker, type) and issubclass(worker, Worker)):
            raise ArgumentError(f"lifecycle(worker=...) takes a Worker class, got {worker!r}")
        self.counts = Counter(job.state for job in jobs)
        unique = worker.worker_unique if worker is not None else None
        self.unique_states = set(unique.states) if unique is not None else set()
        self.worker = worker

    def _center(self, state: JobState) -> tuple[float, float]:
        column, row = PLACES[state]
        return 70 + column * COLUMN, 30 + row * 70

    def _repr_svg_(self) -> str:
        parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
                 f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="system-ui, sans-serif" '
                 'font-size="12">',
                 '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" '
                 'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
                 '<path d="M 0 0 L 10 5 L 0 10 z" fill="#57606a"/></marker></defs>']
        for start, end, label in MOVES:
            (x1, y1), (x2, y2) = _edge(self._center(start), self._center(end))
            parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                         'stroke="#57606a" marker-end="url(#arrow)"/>')
            parts.append(f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2 - 5:.1f}" '
                         'fill="#57606a" font-size="10" text-anchor="middle">'
                         f"{html.escape(label)}</text>")
        for state in PLACES:
            x, y = self._center(state)
            count = self.counts.get(state, 0)
            covered = state in self.unique_states
            parts.append(
                f'<rect data-state="{state.value}" data-current="{int(bool(count))}" '
                f'data-unique="{int(covered)}" x="{x - BOX_W / 2}" y="{y - BOX_H / 2}" '
                f'width="{BOX_W}" height="{BOX_H}" rx="6" '
                f'fill="{CURRENT if count else "#ffffff"}" '
                f'stroke="{UNIQUE if covered else "#57606a"}" '
                f'stroke-width="{3 if covered else 1}"/>')
            name = state.value + (f" ×{count}" if count else "")
            parts.append(f'<text x="{x}" y="{y + 4}" text-anchor="middle">{name}</text>')
        if self.worker is not None:
            text = (f"outlined: the states {self.worker.__name__}'s uniqueness looks at"
                    if self.unique_states else f"{self.worker.__name__} is not unique")
            parts.append(f'<text x="10" y="{HEIGHT - 8}" fill="{UNIQUE}">'
                         f"{html.escape(text)}</text>")
        parts.append("</svg>")
        return "".join(parts)

    def __repr__(self) -> str:
        states = []
        for state in PLACES:
            name = state.value + (f" ×{self.counts[state]}" if self.counts.get(state) else "")
            states.append(f"[{name}]" if state in self.unique_states else name)
        note = "  ([...]: the states uniqueness looks at)" if self.unique_states else ""
        return "Job states: " + " · ".join(states) + note


def _edge(start: tuple[float, float], end: tuple[float, float]
          ) -> tuple[tuple[float, float], tuple[float, float]]:
    """The line between two boxes' centres, cut at their borders (so arrowheads show)."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    scale = min(BOX_W / 2 / abs(dx) if dx else float("inf"),
                BOX_H / 2 / abs(dy) if dy else float("inf"))
    return ((start[0] + dx * scale, start[1] + dy * scale),
            (end[0] - dx * scale, end[1] - dy * scale))


def lifecycle(jobs: Iterable[Job] = (), worker: type[Worker] | None = None) -> Lifecycle:
    """Draw the job lifecycle, with these jobs counted and this worker's unique states."""
    return Lifecycle(jobs, worker)
