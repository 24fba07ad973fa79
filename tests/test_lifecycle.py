"""The lifecycle drawing: eight states, the jobs counted where they are, and a unique
worker's states outlined; an SVG made by the package, with a plain-text form too."""

from __future__ import annotations

import pytest

from trainer.errors import ArgumentError
from trainer.jobs import INFINITY, Job, JobState, Worker
from trainer.notebook.lifecycle import lifecycle


class Plain(Worker):
    def perform(self, job):
        return None


class UniqueEverywhere(Worker, unique={"period": INFINITY, "states": Job.states()}):
    def perform(self, job):
        return None


class UniqueByDefault(Worker, unique=True):
    def perform(self, job):
        return None


def _attribute(svg: str, state: str, name: str) -> str:
    start = svg.index(f'data-state="{state}"')
    rect = svg[start:svg.index("/>", start)]
    return rect.split(f'{name}="', 1)[1].split('"', 1)[0]


def test_every_state_is_drawn_and_the_jobs_are_counted_where_they_are():
    jobs = [Plain.new({}).evolve(state=JobState.DISCARDED, id=n) for n in (1, 2)]
    jobs.append(Plain.new({}).evolve(id=3))
    svg = lifecycle(jobs=jobs)._repr_svg_()
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<rect") == 8
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")  # no network
    assert _attribute(svg, "discarded", "data-current") == "1" and "discarded ×2" in svg
    assert _attribute(svg, "available", "data-current") == "1"
    assert _attribute(svg, "completed", "data-current") == "0"


def test_a_unique_workers_states_are_outlined():
    everywhere = lifecycle(worker=UniqueEverywhere)._repr_svg_()
    assert all(_attribute(everywhere, state.value, "data-unique") == "1" for state in JobState)
    default = lifecycle(worker=UniqueByDefault)
    svg = default._repr_svg_()
    assert _attribute(svg, "discarded", "data-unique") == "0"
    assert _attribute(svg, "cancelled", "data-unique") == "0"
    assert _attribute(svg, "completed", "data-unique") == "1"
    assert "[completed]" in repr(default) and "[discarded]" not in repr(default)
    assert "Plain is not unique" in lifecycle(worker=Plain)._repr_svg_()


def test_bad_arguments_are_named():
    with pytest.raises(ArgumentError, match="takes jobs"):
        lifecycle(jobs=[1, 2])
    with pytest.raises(ArgumentError, match="takes a Worker class"):
        lifecycle(worker="Refunder")  # type: ignore[arg-type]
