"""A self-check's checklist: a tick or a cross per line, with hints that grow with misses.

A Report is made once, with the hints chosen for this run, and only displayed after:
showing it twice shows the same thing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

TICK, CROSS = "✓", "✗"


@dataclass(frozen=True)
class Line:
    """One checked fact. `hints` go from a nudge to the shape of the answer."""

    label: str
    ok: bool
    hints: tuple[str, ...] = ()
    detail: str = ""


class HintLedger:
    """How many times each line has been shown failing in this kernel: hints escalate."""

    def __init__(self) -> None:
        self._misses: Counter[Hashable] = Counter()

    def hints_for(self, key: Hashable, line: Line, solutions: str) -> tuple[str, ...]:
        """The hint texts to show for a failing line this time, and count the miss."""
        if not line.hints:
            return ()
        self._misses[key] += 1
        misses = self._misses[key]
        shown = line.hints[: min(misses, len(line.hints))]
        texts = [f"Hint {n}: {hint}" for n, hint in enumerate(shown, 1)]
        if misses > len(line.hints):
            texts.append(f"Still stuck? {solutions} has a worked answer, when you want it.")
        elif misses < len(line.hints):
            texts.append("(Run the check again for a bigger hint.)")
        return tuple(texts)


@dataclass(frozen=True)
class Report:
    step: str
    lines: tuple[Line, ...]
    hints: tuple[tuple[str, ...], ...]  # per line: the hints shown this time

    @classmethod
    def of(cls, step: str, lines: Sequence[Line], ledger: HintLedger, lesson: Hashable,
           solutions: str) -> Report:
        hints = tuple(() if line.ok else ledger.hints_for((lesson, step, line.label), line,
                                                          solutions)
                      for line in lines)
        return cls(step, tuple(lines), hints)

    @property
    def passed(self) -> bool:
        return bool(self.lines) and all(line.ok for line in self.lines)

    def render(self) -> str:
        out = [f"Self-check: {self.step}"]
        for line, hints in zip(self.lines, self.hints, strict=True):
            out.append(f"  {TICK if line.ok else CROSS} {line.label}")
            if line.ok:
                continue
            if line.detail:
                out.append(f"      What happened: {line.detail}")
            out.extend(f"      {text}" for text in hints)
        good = sum(line.ok for line in self.lines)
        if self.passed:
            out.append(f"All {good} checks pass. Well done!")
        elif good == 0:
            out.append(f"0 of {len(self.lines)} checks pass yet: start with the first cross.")
        else:
            out.append(f"{good} of {len(self.lines)} checks pass. Keep going: you are close.")
        return "\n".join(out)

    def __repr__(self) -> str:
        return self.render()
