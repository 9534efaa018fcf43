r"""The ``refalgo`` command line: ``refalgo check`` verifies a hand derivation.

Usage::

    refalgo check "(x+1)**2" "x**2 + 2*x + 1"
    refalgo check --assume "x > 0" "sqrt(x**2)" "x"
    refalgo check --steps derivation.txt

Exit status: 0 when every step holds (proven, or checked at sample points), 1 when a
step does not follow (a counterexample is printed), 2 when the input cannot be read
(the problem is marked with a caret), 3 when a step could not be decided.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .assumptions import Assumptions
from .check import StepsCheck, check_steps
from .parsing import ParseError, parse, parse_condition, split_chain

__all__ = ["main", "EXIT_OK", "EXIT_FAILED", "EXIT_UNREADABLE", "EXIT_UNDECIDED"]

EXIT_OK, EXIT_FAILED, EXIT_UNREADABLE, EXIT_UNDECIDED = 0, 1, 2, 3
_MAX_FILE_BYTES = 200_000
_MAX_STEPS = 200


class _InputError(Exception):
    """Input that cannot be read: a message for the user, with the caret picture if any."""


@dataclass(frozen=True)
class _Step:
    expr: Any
    source: str
    where: str  # "argument 2" or "line 5"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="refalgo", description="Verified mathematics of RL and deep learning.")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser(
        "check",
        help="check that each step of a derivation equals the one before",
        description="Check a derivation: each expression must equal the one before it. Expressions are "
        "Python syntax (x**2, sqrt(x)) or LaTeX (\\frac{1}{2}x^{2}); an argument may hold a chain a = b = c. "
        "Put -- before an expression that starts with a minus sign.",
        epilog="exit status: 0 every step holds, 1 a step fails, 2 unreadable input, 3 undecided",
    )
    c.add_argument("exprs", nargs="*", metavar="EXPR", help="the steps, in order (at least two)")
    c.add_argument("--steps", metavar="FILE", help="read the steps from FILE (one or more per line; - for stdin)")
    c.add_argument("-a", "--assume", action="append", default=[], metavar="COND",
                   help='a condition such as "x > 0" or "0 < gamma < 1" (repeatable)')
    c.add_argument("--syntax", choices=("auto", "python", "latex"), default="auto", help="input syntax (default: auto)")
    c.add_argument("--samples", type=int, default=24, metavar="N", help="sample points per sampled check (default 24)")
    c.add_argument("--seed", type=int, default=0, help="seed of the sample points (default 0)")
    c.add_argument("--timeout", type=float, default=20.0, metavar="SECONDS", help="time budget per step (default 20)")
    return p


def _caret(where: str, exc: ParseError) -> str:
    return f"cannot read {where}: {exc.pretty()}"


def _read_pieces(text: str, where: str, syntax: Any, continuation: bool) -> list[_Step]:
    pieces = split_chain(text)
    if continuation and len(pieces) > 1 and not pieces[0][1]:
        pieces = pieces[1:]  # a line "= b" continues the chain above it
    steps = []
    for offset, piece in pieces:
        if not piece:
            raise _InputError(_caret(where, ParseError("empty expression (check the = signs)", text, offset)))
        try:
            steps.append(_Step(parse(piece, syntax=syntax), piece, where))
        except ParseError as exc:
            raise _InputError(_caret(where, exc.shifted(text, offset))) from None
    return steps


def _file_text(name: str, stdin: TextIO) -> str:
    if name == "-":
        return stdin.read(_MAX_FILE_BYTES + 1)
    path = Path(name)
    if not path.is_file():
        raise _InputError(f"cannot read --steps {name}: no such file")
    if path.stat().st_size > _MAX_FILE_BYTES:
        raise _InputError(f"cannot read --steps {name}: larger than {_MAX_FILE_BYTES} bytes")
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError) as exc:
        raise _InputError(f"cannot read --steps {name}: {exc}") from None


def _collect(args: argparse.Namespace, stdin: TextIO) -> list[_Step]:
    if args.steps is not None and args.exprs:
        raise _InputError("give the steps either as arguments or with --steps FILE, not both")
    steps: list[_Step] = []
    if args.steps is not None:
        text = _file_text(args.steps, stdin)
        if len(text) > _MAX_FILE_BYTES:
            raise _InputError(f"cannot read the steps: more than {_MAX_FILE_BYTES} bytes")
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith(("#", "%")):
                continue
            steps.extend(_read_pieces(line, f"line {number}", args.syntax, continuation=bool(steps)))
    else:
        for k, expr in enumerate(args.exprs, start=1):
            steps.extend(_read_pieces(expr, f"argument {k}", args.syntax, continuation=False))
    if len(steps) < 2:
        raise _InputError(f"need at least two steps to compare; got {len(steps)}")
    if len(steps) > _MAX_STEPS:
        raise _InputError(f"at most {_MAX_STEPS} steps are checked at once; got {len(steps)}")
    return steps


def _assumptions(args: argparse.Namespace) -> list[Any]:
    if args.samples < 1 or args.samples > 500:
        raise _InputError(f"--samples: expected a count from 1 to 500; got {args.samples}")
    if not args.timeout > 0:
        raise _InputError(f"--timeout: expected a positive number of seconds; got {args.timeout}")
    out: list[Any] = [Assumptions(samples=args.samples, seed=args.seed)]
    for cond in args.assume:
        try:
            out.extend(parse_condition(cond, syntax=args.syntax))
        except ParseError as exc:
            raise _InputError(_caret(f"--assume {cond!r}", exc)) from None
    return out


def _report(steps: list[_Step], result: StepsCheck, out: TextIO) -> int:
    width = min(max(len(s.source) for s in steps), 48)
    for i, step in enumerate(steps):
        verdict = ""
        if i >= 1 and i <= len(result.links):
            link = result.links[i - 1]
            verdict = {"proven": "proven", "checked": "checked", "failed": "FAILS", "undecided": "UNDECIDED"}[link.status]
            if link.status == "proven":
                verdict += f" ({link.comparison.method})"
        where = f"  [{step.where}]" if step.where.startswith("line") else ""
        print(f"  step {i + 1}  {step.source:<{width}}  {verdict}{where}".rstrip(), file=out)
    print(file=out)
    broken = result.first_broken
    if broken is None:
        print(result.describe().replace("all", "All", 1) + ".", file=out)
        return EXIT_OK
    link = result.links[broken - 1]
    print(f"Step {broken + 1} ({steps[broken].where}) does not follow from step {broken}.", file=out)
    ce = link.counterexample
    if link.status == "failed" and ce is not None:
        values = ", ".join(f"{k} = {v}" for k, v in ce.values.items()) or "(no symbols)"
        print(f"Counterexample: {values}", file=out)
        print(f"  step {broken} = {_value(ce.lhs)}", file=out)
        print(f"  step {broken + 1} = {_value(ce.rhs)}", file=out)
        return EXIT_FAILED
    if link.status == "failed":
        print(f"  {link.comparison.detail or link.describe()}", file=out)
        return EXIT_FAILED
    print(f"Undecided: {link.comparison.detail or link.describe()}", file=out)
    return EXIT_UNDECIDED


def _value(v: Any) -> str:
    text = str(v)
    if getattr(v, "is_Rational", False) or not getattr(v, "is_number", False):
        return text
    approx = str(v.evalf(12))
    return text if approx == text else f"{text} (≈ {approx})"


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``) and return the exit status.

    Parameters
    ----------
    argv
        The arguments, e.g. ``["check", "(x+1)**2", "x**2+2*x+1"]``.
    stdout, stderr
        Where the report and the error messages go (default: the process streams).

    Returns
    -------
    int
        0 every step holds, 1 a step fails, 2 unreadable input, 3 undecided.

    Examples
    --------
    >>> main(["check", "(x+1)**2", "x**2 + 2*x + 1"])
      step 1  (x+1)**2
      step 2  x**2 + 2*x + 1  proven (expansion)
    <BLANKLINE>
    All 2 steps hold: proven.
    0
    """
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage message
        return int(exc.code or 0)
    try:
        steps = _collect(args, sys.stdin)
        assumptions = _assumptions(args)
    except _InputError as exc:
        print(f"refalgo check: {exc}", file=err)
        return EXIT_UNREADABLE
    result = check_steps([s.expr for s in steps], assumptions, timeout=args.timeout)
    return _report(steps, result, out)
