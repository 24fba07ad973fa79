"""`python -m trainer.grade SUBMISSIONS --out grades.csv --html grades.html`

Runs every learner's lesson notebooks (SUBMISSIONS/<learner>/.../<lesson>.ipynb; on a
JupyterHub with local users, SUBMISSIONS is /home) headless, each in a fresh kernel with
a database of its own, a few at a time (--jobs), each within --timeout seconds a cell.
Writes one CSV row per learner and lesson: the score (steps whose every check passes),
the steps passed, the crosses' names, and a status that says when a notebook was
malformed, crashed or hung; and an HTML page of the class, a coloured cell per step.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from trainer.grade import report, submissions
from trainer.grade.run import grade
from trainer.lessons import all_lessons


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trainer.grade", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", type=Path)
    parser.add_argument("--out", type=Path, default=Path("grades.csv"))
    parser.add_argument("--html", type=Path)
    parser.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1),
                        help="notebooks graded at once (default: up to 4)")
    parser.add_argument("--lesson", type=int, action="append", dest="lessons",
                        metavar="N", help="grade only this lesson (repeat for more)")
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds a cell may run before its notebook counts as hung")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder of learners' folders")
    if not 1 <= args.jobs <= 64:
        parser.error(f"--jobs {args.jobs}: from 1 to 64 notebooks at once")
    if not 1 <= args.timeout <= 3600:
        parser.error(f"--timeout {args.timeout:g}: from 1 to 3600 seconds")
    known = [lesson.number for lesson in all_lessons()]
    for number in args.lessons or ():
        if number not in known:
            parser.error(f"--lesson {number}: the lessons are {', '.join(map(str, known))}")
    found = [found for found in submissions.find(args.submissions)
             if not args.lessons or found.lesson.number in args.lessons]
    if not found:
        print(f"no lesson notebooks under {args.submissions}/<learner>/", file=sys.stderr)
        return 1
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        rows = list(pool.map(lambda s: grade(s, args.timeout), found))
    report.write_csv(rows, args.out)
    if args.html:
        report.write_html(rows, args.html)
    spent = time.perf_counter() - began
    failed = sum(row.status != "ok" for row in rows)
    print(f"graded {len(rows)} notebooks of {len({r.submission.learner for r in rows})} "
          f"learners in {spent:.0f} s ({spent / len(rows):.1f} s a notebook, {args.jobs} at "
          f"once); {failed} could not run to the end; wrote {args.out}"
          + (f" and {args.html}" if args.html else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
