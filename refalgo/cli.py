r"""The ``refalgo`` command line: ``refalgo check`` verifies a hand derivation.

Usage::

    refalgo check "(x+1)**2" "x**2 + 2*x + 1"
    refalgo check --assume "x > 0" "sqrt(x**2)" "x"
    refalgo check --assume "\gamma = 0.9" --assume "p_i > 0" --steps derivation.txt
    refalgo check --explain "\frac{1}{2}x^{2}" "x^2/2"

Exit status:

* 0 — every step holds (proven, or checked at exact sample points);
* 1 — a step does not follow (a counterexample is printed);
* 2 — the input cannot be read, or is refused before anything is evaluated because
  evaluating it would cost too much (the problem is named, with a caret where it has
  a column);
* 3 — a step could not be decided (time budget, inconclusive evaluation);
* 4 — the notation is ambiguous (both readings are printed);
* 5 — internal error: one line on standard error, never a traceback.

Budgets: ``--timeout`` seconds per step (from 0.01 to 3600, default 20),
``--total-timeout`` seconds for the whole run (default 120; the steps not reached are
undecided) and ``--memory`` megabytes of address space the run may add to what it
uses at the start (default 2048; enforced with ``resource.setrlimit(RLIMIT_AS)`` where
the platform has it, and restored when `main` returns). A step that runs out of memory
is undecided.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import sympy as sp

from ._cost import refusal
from .assumptions import Assumptions
from ._prepare import conditions
from .check import MAX_TIMEOUT, MIN_TIMEOUT, StepsCheck, check_steps
from .equality import show
from .parsing import AmbiguousNotation, Notation, ParseError, Reading, read_chain, split_chain

__all__ = [
    "main",
    "EXIT_OK",
    "EXIT_FAILED",
    "EXIT_UNREADABLE",
    "EXIT_UNDECIDED",
    "EXIT_AMBIGUOUS",
    "EXIT_INTERNAL",
]

EXIT_OK, EXIT_FAILED, EXIT_UNREADABLE, EXIT_UNDECIDED, EXIT_AMBIGUOUS, EXIT_INTERNAL = 0, 1, 2, 3, 4, 5
_MAX_FILE_BYTES = 200_000
_MAX_STEPS = 200
_DEFAULT_TOTAL = 120.0
_DEFAULT_MEMORY_MB = 2048
_MAX_MEMORY_MB = 65536


class _InputError(Exception):
    """Input that cannot be read: a message for the user, with the caret picture if any."""

    def __init__(self, message: str, code: int = EXIT_UNREADABLE) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class _Step:
    expr: Any
    source: str
    where: str  # "argument 2" or "line 5"


@dataclass(frozen=True)
class _Text:
    text: str
    where: str


def _seconds(low: float, high: float) -> Callable[[str], float]:
    def convert(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number of seconds; got {text!r}") from None
        if not (math.isfinite(value) and low <= value <= high):
            raise argparse.ArgumentTypeError(f"expected a finite number of seconds from {low:g} to {high:g}; got {text!r}")
        return value

    return convert


def _count(low: int, high: int) -> Callable[[str], int]:
    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number; got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected a count from {low} to {high}; got {value}")
        return value

    return convert


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing and exiting on a usage error."""

    def error(self, message: str) -> Any:
        raise _InputError(f"{message}\n{self.format_usage().strip()}")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="refalgo", description="Verified mathematics of RL and deep learning.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    c = sub.add_parser(
        "check",
        help="check that each step of a derivation equals the one before",
        description="Check a derivation: each expression must equal the one before it. Expressions are "
        "Python syntax (x**2, sqrt(x)) or LaTeX (\\frac{1}{2}x^{2}); an argument may hold a chain a = b = c. "
        "Put -- before an expression that starts with a minus sign.",
        epilog="exit status: 0 every step holds, 1 a step fails, 2 unreadable or refused input, 3 undecided, "
        "4 ambiguous notation, 5 internal error",
    )
    c.add_argument("exprs", nargs="*", metavar="EXPR", help="the steps, in order (at least two)")
    c.add_argument("--steps", metavar="FILE", help="read the steps from FILE (one or more per line; - for stdin)")
    c.add_argument("-a", "--assume", action="append", default=[], metavar="COND",
                   help='a condition such as "x > 0", "0 < gamma < 1", "p_i > 0" (every p_1, p_2, ...) '
                   'or a value such as "gamma = 0.9" (repeatable)')
    c.add_argument("--distribution", action="append", default=[], metavar="NAME[:INDEX]",
                   help="NAME_1, NAME_2, ... are a probability vector; with :INDEX, the function NAME is a "
                   "distribution over the index set INDEX (repeatable)")
    c.add_argument("--function", action="append", default=[], metavar="NAMES",
                   help="comma-separated names always applied as functions when followed by ( (repeatable)")
    c.add_argument("--scalar", action="append", default=[], metavar="NAMES",
                   help="comma-separated names never applied as functions (repeatable)")
    c.add_argument("--matrix", action="append", default=[], metavar="NAMES",
                   help="comma-separated matrix names, n x n (repeatable)")
    c.add_argument("--vector", action="append", default=[], metavar="NAMES",
                   help="comma-separated column-vector names, n x 1 (repeatable)")
    c.add_argument("--symmetric", action="append", default=[], metavar="NAMES",
                   help="comma-separated matrices sampled symmetric (repeatable)")
    c.add_argument("--index", action="append", default=[], metavar="NAME=K",
                   help="a finite index set for \\sum_NAME, \\max_NAME and expectations: K values NAME_1..NAME_K")
    c.add_argument("--syntax", choices=("auto", "python", "latex"), default="auto", help="input syntax (default: auto)")
    c.add_argument("--samples", type=_count(1, 500), default=24, metavar="N",
                   help="distinct sample points per sampled check (default 24)")
    c.add_argument("--seed", type=_count(0, 2**32 - 1), default=0, help="seed of the sample points (default 0)")
    c.add_argument("--timeout", type=_seconds(MIN_TIMEOUT, MAX_TIMEOUT), default=20.0, metavar="SECONDS",
                   help=f"time budget per step, {MIN_TIMEOUT:g} to {MAX_TIMEOUT:g} (default 20)")
    c.add_argument("--total-timeout", type=_seconds(MIN_TIMEOUT, 24 * MAX_TIMEOUT),
                   default=_DEFAULT_TOTAL, metavar="SECONDS", help="time budget for the whole run (default 120)")
    c.add_argument("--memory", type=_count(64, _MAX_MEMORY_MB), default=_DEFAULT_MEMORY_MB, metavar="MB",
                   help="memory the run may add, in megabytes (default 2048)")
    c.add_argument("--explain", action="store_true", help="print how each piece was read before checking")
    return p


def _caret(where: str, exc: ParseError) -> str:
    return f"cannot read {where}: {exc.pretty()}"


def _names(values: list[str]) -> list[str]:
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def _notation(args: argparse.Namespace) -> Notation:
    index_sets: dict[str, int] = {}
    for item in args.index:
        name, sep, size = item.partition("=")
        if not sep or not size.strip().isdigit():
            raise _InputError(f"--index: expected NAME=K such as a=3; got {item!r}")
        index_sets[name.strip()] = int(size)
    over = {name: index for name, _, index in (d.partition(":") for d in args.distribution) if index}
    try:
        return Notation(
            functions=_names(args.function),
            scalars=_names(args.scalar),
            matrices=_names(args.matrix + args.symmetric),
            vectors=_names(args.vector),
            index_sets=index_sets or None,
            distributions=over or None,
        )
    except (TypeError, ValueError) as exc:
        raise _InputError(f"the declared notation: {exc}") from None


def _where(texts: list[_Text]) -> list[_Text]:
    """For each piece that `read_chain` reads from ``texts``, its text and place, in order."""
    return [_Text(piece, t.where) for t in texts for _, piece in split_chain(t.text) if piece]


def _read(texts: list[_Text], syntax: Any, notation: Notation) -> tuple[list[_Step], Reading]:
    try:
        reading = read_chain([t.text for t in texts], syntax=syntax, notation=notation)
    except ParseError as exc:
        where = next((t.where for t in texts if t.text == exc.text), "the input")
        if isinstance(exc, AmbiguousNotation):
            both = "; ".join(r for r in exc.readings if r)
            raise _InputError(f"ambiguous notation in {where}: {exc.pretty()}" + (f"\n  readings: {both}" if both else ""),
                              EXIT_AMBIGUOUS) from None
        raise _InputError(_caret(where, exc)) from None
    places = _where(texts)
    steps = [_Step(expr, place.text, place.where) for expr, place in zip(reading.exprs, places)]
    for step in steps:
        why = refusal(step.expr)
        if why is not None:
            raise _InputError(f"refused {step.where} before evaluating anything: {why}")
    return steps, reading


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


def _collect(args: argparse.Namespace, stdin: TextIO) -> tuple[list[_Step], Reading]:
    if args.steps is not None and args.exprs:
        raise _InputError("give the steps either as arguments or with --steps FILE, not both")
    texts: list[_Text] = []
    if args.steps is not None:
        text = _file_text(args.steps, stdin)
        if len(text) > _MAX_FILE_BYTES:
            raise _InputError(f"cannot read the steps: more than {_MAX_FILE_BYTES} bytes")
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith(("#", "%")):
                continue
            texts.append(_Text(line, f"line {number}"))
    else:
        texts = [_Text(expr, f"argument {k}") for k, expr in enumerate(args.exprs, start=1)]
    if not texts:
        raise _InputError("need at least two steps to compare; got 0")
    steps, reading = _read(texts, args.syntax, _notation(args))
    if len(steps) < 2:
        raise _InputError(f"need at least two steps to compare; got {len(steps)}")
    if len(steps) > _MAX_STEPS:
        raise _InputError(f"at most {_MAX_STEPS} steps are checked at once; got {len(steps)}")
    return steps, reading


def _assumptions(args: argparse.Namespace, reading: Reading) -> list[Any]:
    families = tuple(d for d in args.distribution if ":" not in d)
    matrices = {m.name: m for e in reading.exprs for m in e.atoms(sp.MatrixSymbol)}
    kinds = []
    for name in _names(args.symmetric):
        if name not in matrices:
            raise _InputError(f"--symmetric: no matrix {name!r} in the steps")
        kinds.append((matrices[name], "symmetric"))
    try:
        out: list[Any] = [Assumptions(matrices=tuple(kinds), samples=args.samples, seed=args.seed, distributions=families)]
    except ValueError as exc:
        raise _InputError(f"--distribution: {exc}") from None
    for cond in args.assume:
        try:
            out.extend(conditions(cond, args.syntax, reading)[1])  # read with the derivation's names
        except AmbiguousNotation as exc:
            raise _InputError(f"ambiguous notation in --assume {cond!r}: {exc.pretty()}", EXIT_AMBIGUOUS) from None
        except ParseError as exc:
            raise _InputError(_caret(f"--assume {cond!r}", exc)) from None
    return out


def _explain(reading: Reading, out: TextIO) -> None:
    """How each piece was read, in LaTeX (`refalgo.parsing.Reading.explain`)."""
    print("How the steps were read:", file=out)
    for line in reading.explain():
        print(f"  {line}", file=out)
    print(file=out)


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
    if broken is None and len(result.links) == len(steps) - 1:
        print(result.describe().replace("all", "All", 1) + ".", file=out)
        return EXIT_OK
    if broken is None:  # the total time budget stopped the run
        broken = len(result.links)
    link = result.links[broken - 1]
    if link.status == "failed":
        print(f"Step {broken + 1} ({steps[broken].where}) does not follow from step {broken}.", file=out)
    else:
        print(f"Step {broken + 1} ({steps[broken].where}) could not be decided against step {broken}.", file=out)
    ce = link.counterexample
    if link.status == "failed" and ce is not None:
        values = ", ".join(f"{k} = {v}" for k, v in ce.values.items()) or "(no symbols)"
        print(f"Counterexample: {values}", file=out)
        print(f"  step {broken} = {show(ce.lhs)}", file=out)
        print(f"  step {broken + 1} = {show(ce.rhs)}", file=out)
        return EXIT_FAILED
    if link.status == "failed":
        print(f"  {link.comparison.detail or link.describe()}", file=out)
        return EXIT_FAILED
    print(f"Undecided: {link.comparison.detail or link.describe()}", file=out)
    return EXIT_UNDECIDED


@contextmanager
def _memory_cap(megabytes: int) -> Iterator[None]:
    """Limit the address space to what is in use now plus ``megabytes``; restored on exit."""
    try:
        import resource
    except ImportError:  # not a POSIX platform: no cap
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            in_use = int(f.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        yield
        return
    cap = in_use + megabytes * 2**20
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY:
        cap = min(cap, soft)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _run(argv: Sequence[str] | None, out: TextIO, err: TextIO) -> int:
    try:
        args = _parser().parse_args(argv)
        steps, reading = _collect(args, sys.stdin)
        assumptions = _assumptions(args, reading)
    except _InputError as exc:
        print(f"refalgo check: {exc}", file=err)
        return exc.code
    if args.explain:
        _explain(reading, out)
    with _memory_cap(args.memory):
        try:
            result = check_steps(
                [s.expr for s in steps],
                assumptions,
                timeout=args.timeout,
                total_timeout=args.total_timeout,
                notation=reading.notation,
            )
        except AmbiguousNotation as exc:
            print(f"refalgo check: ambiguous notation in an assumption: {exc.pretty()}", file=err)
            return EXIT_AMBIGUOUS
        except ParseError as exc:
            print(f"refalgo check: cannot read an assumption: {exc.pretty()}", file=err)
            return EXIT_UNREADABLE
        except (ValueError, TypeError) as exc:
            print(f"refalgo check: {exc}", file=err)
            return EXIT_UNREADABLE
    return _report(steps, result, out)


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
        0 every step holds, 1 a step fails, 2 unreadable or refused input, 3 undecided,
        4 ambiguous notation, 5 internal error.

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
    if argv is not None and not all(isinstance(a, str) for a in argv):
        print("refalgo check: the arguments must be strings", file=err)
        return EXIT_UNREADABLE
    try:
        return _run(argv, out, err)
    except KeyboardInterrupt:
        print("refalgo check: interrupted", file=err)
        return 130
    except MemoryError:
        print("refalgo check: out of the memory budget (see --memory)", file=err)
        return EXIT_UNDECIDED
    except BaseException as exc:  # noqa: BLE001 - the promise is: never a traceback
        if isinstance(exc, SystemExit):
            return int(exc.code) if isinstance(exc.code, int) else EXIT_INTERNAL
        message = str(exc).splitlines()[0][:200] if str(exc) else ""
        print(f"refalgo check: internal error: {type(exc).__name__}{': ' + message if message else ''}", file=err)
        return EXIT_INTERNAL
