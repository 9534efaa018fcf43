"""Print the corpus metrics: ``python -m tests.check.corpus.report [--timeout SECONDS] [--list]``.

Runs the checker on every corpus item (from the repository root) and prints, per source
and in total: items, parsed, right steps proven or checked, wrong steps failed,
false-proven (a wrong step reported proven or checked: must be 0), false alarms (a right
step reported failed), undecided, refused, ambiguous, errors and the slowest step.
``--list`` also prints every item that did not get the verdict its label calls for.
"""

from __future__ import annotations

import argparse
import sys
import time

from .run import HOLDS, Outcome, check, summary
from .steps import SOURCES


def _table(rows: dict[str, dict[str, float]]) -> str:
    keys = list(next(iter(rows.values())))
    width = max(len(k) for k in keys)
    head = f"{'':<{width}}  " + "  ".join(f"{name[:16]:>16}" for name in rows)
    lines = [head]
    for key in keys:
        cells = "  ".join(f"{v[key]:>16.2f}" if key == "max seconds" else f"{int(v[key]):>16d}" for v in rows.values())
        lines.append(f"{key:<{width}}  {cells}")
    return "\n".join(lines)


def _misses(outcomes: list[Outcome]) -> list[str]:
    out = []
    for o in outcomes:
        wanted = o.status in HOLDS if o.item.label == "right" else o.status == "failed"
        if not wanted:
            out.append(f"  {o.item.label:5}  {o.status:9}  {o.seconds:5.2f}s  {o.item.id}: {o.detail.splitlines()[0][:110]}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.check.corpus.report", description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=5.0, help="time budget per step in seconds (default 5)")
    parser.add_argument("--list", action="store_true", help="list the items whose verdict is not the one their label calls for")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    by_source = {name: [check(item, args.timeout) for item in items] for name, items in SOURCES.items()}
    everything = [o for outcomes in by_source.values() for o in outcomes]
    rows = {name: summary(outcomes) for name, outcomes in by_source.items()} | {"total": summary(everything)}
    print(f"Checker corpus: {len(everything)} steps, {args.timeout:g} s budget per step, "
          f"{time.perf_counter() - start:.0f} s in all\n")
    print(_table(rows))
    if args.list:
        print("\nNot the verdict the label calls for (right: proven or checked; wrong: failed):")
        print("\n".join(_misses(everything)) or "  none")
    return 1 if rows["total"]["false-proven (must be 0)"] else 0


if __name__ == "__main__":
    sys.exit(main())
