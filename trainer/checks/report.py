"""A self-check's checklist: a tick or a cross per line, with hints that grow with misses."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

SOLUTIONS = "solutions/04_refunding_an_order.ipynb"
TICK, CROSS = "✓", "✗"

# How many times each line has been shown failing in this kernel: hints escalate with it.
_misses: Counter[tuple[str, str]] = Counter()


@dataclass(frozen=True)
class Line:
    """One checked fact. `hints` go from a nudge to the shape of the answer."""

    label: str
    ok: bool
    hints: tuple[str, ...] = ()
    detail: str = ""


@dataclass
class Report:
    step: str
    lines: list[Line] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.lines) and all(line.ok for line in self.lines)

    def render(self) -> str:
        out = [f"Self-check: {self.step}"]
        for line in self.lines:
            out.append(f"  {TICK if line.ok else CROSS} {line.label}")
            if line.ok:
                continue
            if line.detail:
                out.append(f"      What happened: {line.detail}")
            out.extend(f"      {text}" for text in self._hints_for(line))
        good = sum(line.ok for line in self.lines)
        if self.passed:
            out.append(f"All {good} checks pass. Well done!")
        else:
            out.append(f"{good} of {len(self.lines)} checks pass. Keep going: you are close.")
        return "\n".join(out)

    def _hints_for(self, line: Line) -> list[str]:
        if not line.hints:
            return []
        _misses[(self.step, line.label)] += 1
        misses = _misses[(self.step, line.label)]
        shown = line.hints[: min(misses, len(line.hints))]
        texts = [f"Hint {n}: {hint}" for n, hint in enumerate(shown, 1)]
        if misses > len(line.hints):
            texts.append(f"Still stuck? {SOLUTIONS} has a worked answer, when you want it.")
        elif misses < len(line.hints):
            texts.append("(Run the check again for a bigger hint.)")
        return texts

    def __repr__(self) -> str:
        return f"<check {self.step!r}: {sum(line.ok for line in self.lines)} of " \
               f"{len(self.lines)} passed>"

    def _ipython_display_(self) -> None:
        """Printed already by check(); show nothing more in a notebook."""
