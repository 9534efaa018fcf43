"""Run every benchmark module (or the ones named on the command line)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    wanted = [a for a in argv if not a.startswith("-")]
    unknown = [w for w in wanted if f"bench_{w}" not in names and w not in names]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; available: {[n[6:] for n in names]}", file=sys.stderr)
        return 2
    for name in names:
        if wanted and name not in wanted and name[6:] not in wanted:
            continue
        print(f"== {name[6:]} ==", flush=True)
        importlib.import_module(f"benchmarks.{name}").main([a for a in argv if a.startswith("-")])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
