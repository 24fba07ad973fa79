"""Runners for the peer job queues. Each runs in the peer's own virtual environment
(`python -m benchmarks.peers.<runner> URL` from the repository root): they import the
peer and the standard library only, never the trainer."""
