"""Print the corpus metrics: ``python -m tests.check.corpus.report [--timeout S] [--list] [--write]``.

Runs the checker on every corpus item (from the repository root) and prints, per source
and in total: items, parsed, right steps proven or checked, wrong steps failed,
false-proven (a wrong step reported proven or checked: must be 0), false alarms (a right
step reported failed), undecided, refused, ambiguous, errors and the slowest step.
``--list`` also prints every item that did not get the verdict its label calls for;
``--write`` records the table in ``results.md`` next to this file, which the page "How
to check a derivation" shows.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

from .run import HOLDS, Outcome, check, summary
from .steps import SOURCES

RESULTS = Path(__file__).with_name("results.md")


def _table(rows: dict[str, dict[str, float]]) -> str:
    keys = list(next(iter(rows.values())))
    width = max(len(k) for k in keys)
    head = f"{'':<{width}}  " + "  ".join(f"{name[:16]:>16}" for name in rows)
    lines = [head]
    for key in keys:
        cells = "  ".join(f"{v[key]:>16.2f}" if key == "max seconds" else f"{int(v[key]):>16d}" for v in rows.values())
        lines.append(f"{key:<{width}}  {cells}")
    return "\n".join(lines)


def _markdown(rows: dict[str, dict[str, float]], timeout: float, seconds: float) -> str:
    names = list(rows)
    lines = ["| | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for key in next(iter(rows.values())):
        cells = " | ".join(f"{v[key]:.2f}" if key == "max seconds" else f"{int(v[key])}" for v in rows.values())
        lines.append(f"| {key} | {cells} |")
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"Run of {when}: {int(rows['total']['items'])} steps, a budget of {timeout:g} s per step, "
            f"{seconds:.0f} s in all (`python -m tests.check.corpus.report --write`).\n\n" + "\n".join(lines) + "\n")


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
    parser.add_argument("--write", action="store_true", help=f"record the table in {RESULTS.name}")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    by_source = {name: [check(item, args.timeout) for item in items] for name, items in SOURCES.items()}
    everything = [o for outcomes in by_source.values() for o in outcomes]
    rows = {name: summary(outcomes) for name, outcomes in by_source.items()} | {"total": summary(everything)}
    seconds = time.perf_counter() - start
    print(f"Checker corpus: {len(everything)} steps, {args.timeout:g} s budget per step, {seconds:.0f} s in all\n")
    print(_table(rows))
    if args.list:
        print("\nNot the verdict the label calls for (right: proven or checked; wrong: failed):")
        print("\n".join(_misses(everything)) or "  none")
    if args.write:
        RESULTS.write_text(_markdown(rows, args.timeout, seconds), encoding="utf-8")
    return 1 if rows["total"]["false-proven (must be 0)"] else 0


if __name__ == "__main__":
    sys.exit(main())
