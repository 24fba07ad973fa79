"""Benchmarks: `make bench` (= `python -m benchmarks`) runs them all and prints one table.

Scripts, never timed assertions. Every figure is a median; where a ratio is quoted, both
sides are measured in the same run, interleaved, on the same server. `--smoke` runs each
benchmark once on a tiny size (the test suite does that to keep them working).

This package must stay importable without the trainer: the peer runners under
`benchmarks/peers/` run in their own virtual environments.
"""
