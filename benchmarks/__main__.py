"""`python -m benchmarks [--smoke] [--only SECTION ...]`: run the benchmarks, print one table.

The benchmark starts one embedded PostgreSQL of its own, listening on 127.0.0.1 (the
URL backend, the job-queue figures and the peers all use it), and stops it at the end,
as it stops every kernel and process it starts.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from benchmarks import (
    classroom,
    course,
    feedback,
    gradebook,
    queue_latency,
    ready,
    running_queues,
    throughput,
    unique_growth,
)
from benchmarks.settings import Settings
from benchmarks.table import Row, render
from trainer.bootstrap import embedded_server

SECTIONS: dict[str, Callable[[Settings, Any], list[Row]]] = {
    ready.SECTION: ready.run,
    feedback.SECTION: feedback.run,
    course.SECTION: course.run,
    queue_latency.SECTION: queue_latency.run,
    unique_growth.SECTION: unique_growth.run,
    throughput.SECTION: throughput.run,
    running_queues.SECTION: running_queues.run,
    classroom.SECTION: classroom.run,
    gradebook.SECTION: gradebook.run,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--smoke", action="store_true",
                        help="each benchmark once, on a tiny size, peers skipped")
    parser.add_argument("--only", nargs="+", choices=list(SECTIONS), metavar="SECTION",
                        help=f"run only these sections ({', '.join(SECTIONS)})")
    args = parser.parse_args(argv)
    settings = Settings.tiny() if args.smoke else Settings.full()
    began = time.perf_counter()
    rows: list[Row] = []
    failed = False
    server = embedded_server(tcp=True)
    try:
        for name, section in SECTIONS.items():
            if args.only and name not in args.only:
                continue
            print(f"bench: {name}...", file=sys.stderr, flush=True)
            started = time.perf_counter()
            try:
                rows += section(settings, server)
            except Exception as error:  # noqa: BLE001 - shown in the table, exit code 1
                failed = True
                rows.append(Row(name, "section failed", None, "",
                                f"FAILED: {type(error).__name__}: {error}"))
            print(f"bench: {name} took {time.perf_counter() - started:.0f} s",
                  file=sys.stderr, flush=True)
    finally:
        server.stop()
    print(render(rows))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{'smoke run' if settings.smoke else 'full run'}: "
          f"{time.perf_counter() - began:.0f} s wall time, `python -m benchmarks"
          f"{' --smoke' if settings.smoke else ''}`, {time.strftime('%Y-%m-%d %H:%M')}, "
          f"{os.cpu_count()} cores, load average at the end {load} (1, 5, 15 min)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
