r"""Checking a hand derivation: is each step equal to the one before it?

`equivalent` decides one equality; `check_steps` walks a chain
$e_1 = e_2 = \dots = e_n$ and stops at the first step that does not follow.
Both take strings (Python syntax or LaTeX, read safely by `refalgo.parsing`) or
SymPy objects, and assumptions as an `refalgo.assumptions.Assumptions` object
or as strings such as ``"x > 0"`` and ``"0 < gamma < 1"``.

The verdict comes from `refalgo.equality.compare`:

* **proven** — a SymPy rewrite (expansion, cancellation, simplification…) turned the
  difference of the two sides into exactly 0;
* **checked** — no rewrite did, but the two sides agree at every one of the sampled
  exact points that satisfy the assumptions: evidence, not a proof;
* **failed** — a counterexample: exact values for every symbol (and a concrete function
  for every unspecified one) at which the two sides differ, with both sides' values;
* **undecided** — neither, e.g. no sample point could be evaluated, or the time budget
  ran out.

Each comparison runs under a time budget (``timeout`` seconds, from ``MIN_TIMEOUT`` to
``MAX_TIMEOUT``, enforced with a timer signal when called from the main thread);
`check_steps` also takes a ``total_timeout`` for the whole chain. Expressions larger than
``MAX_OPERATIONS`` operations are not attempted, and a claim whose evaluation would build
enormous numbers, degrees or sums is refused before anything is evaluated (see
`refalgo._cost`); all of these give *undecided* with a message.

Assumptions may also give a symbol a value (``"gamma = 0.9"``: it is substituted
everywhere) and state a condition for a whole indexed family: ``"p_i > 0"``, where the
letter index ``i`` occurs nowhere in the steps, applies to every ``p_1``, ``p_2``, … that
does.
"""

from __future__ import annotations

import gc
import math
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sympy as sp

from ._prepare import as_expr, prepared, read, steps_of
from .assumptions import Assumptions
from .equality import Comparison, Counterexample, compare, show
from .parsing import Notation, Syntax

__all__ = ["Equivalence", "StepsCheck", "check_steps", "equivalent", "MAX_OPERATIONS", "MAX_TIMEOUT", "MIN_TIMEOUT"]

MAX_OPERATIONS = 4000
MIN_TIMEOUT = 0.01  # seconds; a shorter budget could not even start a comparison
MAX_TIMEOUT = 3600.0


@dataclass(frozen=True)
class Equivalence:
    """The verdict on ``lhs == rhs``; truthy when proven or checked.

    Attributes
    ----------
    lhs, rhs
        The two sides as SymPy objects (parsed, when strings were given).
    comparison
        The engine's `refalgo.equality.Comparison`.
    """

    lhs: Any
    rhs: Any
    comparison: Comparison

    def __bool__(self) -> bool:
        return bool(self.comparison)

    @property
    def status(self) -> str:
        """``"proven"``, ``"checked"``, ``"failed"`` or ``"undecided"``."""
        return self.comparison.status

    @property
    def counterexample(self) -> Counterexample | None:
        """Where the sides differ: ``.values`` (name → exact value), ``.lhs``, ``.rhs``."""
        return self.comparison.counterexample

    @property
    def points(self) -> int:
        """How many sample points were evaluated."""
        return self.comparison.points

    def describe(self) -> str:
        """One readable sentence, e.g. ``"proven (expansion)"``."""
        return self.comparison.describe()


@dataclass(frozen=True)
class StepsCheck:
    """The verdict on a chain of steps; truthy when every step follows from the one before.

    Attributes
    ----------
    steps
        The steps as SymPy objects.
    links
        ``links[i]`` compares ``steps[i]`` (left) with ``steps[i + 1]`` (right); the list
        stops at the first link that is not proven or checked.
    """

    steps: tuple[Any, ...]
    links: tuple[Equivalence, ...]

    def __bool__(self) -> bool:
        return len(self.links) == len(self.steps) - 1 and all(self.links)

    @property
    def first_broken(self) -> int | None:
        """0-based index of the first step that does not follow from the previous one."""
        return next((i + 1 for i, link in enumerate(self.links) if not link), None)

    @property
    def status(self) -> str:
        """``"proven"`` if every link is proven, ``"checked"`` if some were only sampled,
        else the status of the first broken link (``"failed"`` or ``"undecided"``)."""
        broken = self.first_broken
        if broken is not None:
            return self.links[broken - 1].status
        return "proven" if all(link.status == "proven" for link in self.links) else "checked"

    def describe(self) -> str:
        """A readable paragraph: which step breaks and why, or how every step was verified."""
        broken = self.first_broken
        if broken is not None:
            link = self.links[broken - 1]
            ce = link.counterexample
            if link.status == "failed" and ce is not None:
                at = ", ".join(f"{k} = {v}" for k, v in ce.values.items()) or "every point"
                return (
                    f"step {broken + 1} does not follow from step {broken}: at {at}, "
                    f"step {broken} = {show(ce.lhs)} but step {broken + 1} = {show(ce.rhs)}"
                )
            return f"step {broken + 1} against step {broken}: {link.describe()}"
        if self.status == "proven":
            return f"all {len(self.steps)} steps hold: proven"
        points = min(link.points for link in self.links if link.status == "checked")
        return f"all {len(self.steps)} steps hold: checked at {points} distinct exact points (not a proof)"


class _OutOfTime(BaseException):
    """Raised inside a comparison when its time budget is spent.

    A BaseException, so that no ``except Exception`` inside SymPy can swallow it.
    """


@contextmanager
def _budget(seconds: float | None) -> Iterator[None]:
    """Interrupt the body after ``seconds`` (main thread, POSIX); restores any outer timer.

    The timer repeats every 50 ms until the body ends, so an interrupt that lands in a
    bare ``except:`` is raised again.
    """
    usable = seconds is not None and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return
    assert seconds is not None
    active = [True]

    def interrupt(signum: int, frame: Any) -> None:
        # Never inside a garbage-collector callback: an exception raised there cannot
        # propagate (Python reports it as unraisable and drops it); the next tick, 50 ms
        # on, lands back in the body.
        if active[0] and not _in_gc_callback(frame):
            raise _OutOfTime

    start = time.monotonic()
    old_handler = signal.signal(signal.SIGALRM, interrupt)
    old_delay, old_interval = signal.getitimer(signal.ITIMER_REAL)
    try:
        # armed inside the try, so that an early interrupt still disarms the timer below
        signal.setitimer(signal.ITIMER_REAL, min(seconds, old_delay) if old_delay else seconds, 0.05)
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        active[0] = False
        signal.signal(signal.SIGALRM, old_handler)
        if old_delay:
            remaining = max(old_delay - (time.monotonic() - start), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, remaining, old_interval)


def _in_gc_callback(frame: Any) -> bool:
    """Whether ``frame`` runs inside one of the garbage collector's callbacks."""
    codes = {getattr(cb, "__code__", None) for cb in gc.callbacks} - {None}
    while codes and frame is not None:
        if frame.f_code in codes:
            return True
        frame = frame.f_back
    return False


def _operations(expr: Any) -> int:
    return sum(1 for _ in sp.preorder_traversal(expr))


def _checked_timeout(timeout: Any, name: str = "timeout") -> float | None:
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"{name}: expected a number of seconds or None; got {type(timeout).__name__}")
    if not (math.isfinite(timeout) and MIN_TIMEOUT <= timeout <= MAX_TIMEOUT):
        raise ValueError(
            f"{name}: expected a positive, finite number of seconds from {MIN_TIMEOUT:g} to {MAX_TIMEOUT:g}, or None; "
            f"got {timeout!r}"
        )
    return float(timeout)


def _decide(lhs: Any, rhs: Any, assumptions: Assumptions, timeout: float | None) -> Equivalence:
    size = max(_operations(lhs), _operations(rhs))
    if size > MAX_OPERATIONS:
        msg = f"the expressions are too large to check ({size} nodes; at most {MAX_OPERATIONS})"
        return Equivalence(lhs, rhs, Comparison("undecided", "size", detail=msg))
    try:
        with _budget(timeout):
            comparison = compare(lhs, rhs, assumptions)
    except _OutOfTime:
        comparison = Comparison("undecided", "time budget", detail=f"no decision within the time budget of {timeout:g} s")
    except RecursionError:
        comparison = Comparison("undecided", "recursion", detail="the expressions are nested too deeply to check")
    except MemoryError:
        comparison = Comparison("undecided", "memory budget", detail="the check ran out of its memory budget")
    return Equivalence(lhs, rhs, comparison)


def equivalent(
    lhs: str | sp.Basic,
    rhs: str | sp.Basic,
    assumptions: Any = None,
    *,
    syntax: Syntax = "auto",
    timeout: float | None = 20.0,
    notation: Notation | None = None,
) -> Equivalence:
    r"""Decide whether ``lhs`` equals ``rhs`` for every value the assumptions allow.

    Parameters
    ----------
    lhs, rhs
        Strings in Python syntax or LaTeX, or SymPy expressions.
    assumptions
        ``None``; an `refalgo.assumptions.Assumptions`; a condition string such
        as ``"x > 0"`` or ``"0 < gamma < 1"``; a SymPy relation; or a list of these.
    syntax
        ``"auto"``, ``"python"`` or ``"latex"`` for string inputs.
    timeout
        Time budget in seconds (``None``: no budget); when it runs out the result is
        *undecided*.
    notation
        As for `check_steps`.

    Returns
    -------
    Equivalence
        Truthy when proven or checked; ``.status``; ``.counterexample`` when failed.

    Raises
    ------
    refalgo.parsing.ParseError
        A string cannot be read.
    TypeError
        An input is neither a string nor a SymPy expression.

    Examples
    --------
    >>> equivalent("(x + 1)**2", "x**2 + 2*x + 1").status
    'proven'
    >>> r = equivalent("sqrt(x**2)", "x")
    >>> bool(r), r.counterexample.values
    (False, {'x': '-1'})
    >>> bool(equivalent("sqrt(x**2)", "x", "x > 0"))
    True
    """
    timeout = _checked_timeout(timeout)
    for side, name in ((lhs, "lhs"), (rhs, "rhs")):
        if not isinstance(side, str):
            as_expr(side, name, syntax)  # a clear TypeError for anything else, before reading
    sides, used = read([lhs, rhs], ["lhs", "rhs"], syntax, notation)
    if len(sides) != 2:
        raise ValueError(f"lhs, rhs: expected one expression on each side; got a chain of {len(sides)}")
    sides = [as_expr(v, n, syntax) for v, n in zip(sides, ("lhs", "rhs"))]
    (a, b), assume = prepared(sides, assumptions, syntax, used)
    return _decide(a, b, assume, timeout)


def check_steps(
    steps: Iterable[str | sp.Basic],
    assumptions: Any = None,
    *,
    syntax: Syntax = "auto",
    timeout: float | None = 20.0,
    total_timeout: float | None = None,
    notation: Notation | None = None,
) -> StepsCheck:
    r"""Check that each step of a derivation equals the one before it.

    Parameters
    ----------
    steps
        Strings or SymPy expressions; a string may hold a chain ``"a = b = c"``, which
        counts as several steps.
    assumptions
        As for `equivalent`.
    syntax
        As for `equivalent`.
    timeout
        Time budget in seconds for each step.
    total_timeout
        Time budget in seconds for the whole chain (``None``: none); the steps not
        reached in time are *undecided*.
    notation
        A `refalgo.parsing.Notation` declaring functions, matrices, index sets and
        distributions; string steps are read together with it (`refalgo.parsing.read_chain`),
        and a declared distribution is sampled as one over its index set.

    Returns
    -------
    StepsCheck
        Truthy when every step follows; ``.first_broken`` is the 0-based index of the
        first step that does not, ``.describe()`` says why.

    Raises
    ------
    refalgo.parsing.ParseError
        A step cannot be read.
    ValueError
        Fewer than two steps.

    Examples
    --------
    >>> r = check_steps(["(x + 1)**2 - 1", "x**2 + 2*x", "x*(x + 1)"])
    >>> r.first_broken, r.describe()
    (2, 'step 3 does not follow from step 2: at x = 1, step 2 = 3 but step 3 = 2')
    """
    timeout = _checked_timeout(timeout)
    total_timeout = _checked_timeout(total_timeout, "total_timeout")
    deadline = None if total_timeout is None else time.monotonic() + total_timeout
    read, used = steps_of(steps, syntax, notation)
    exprs, assume = prepared(read, assumptions, syntax, used)
    links: list[Equivalence] = []
    for before, after in zip(exprs, exprs[1:]):
        budget = timeout
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining < MIN_TIMEOUT:
                detail = f"not checked: the total time budget of {total_timeout:g} s ran out"
                links.append(Equivalence(before, after, Comparison("undecided", "total time budget", detail=detail)))
                break
            budget = remaining if budget is None else min(budget, remaining)
        link = _decide(before, after, assume, budget)
        links.append(link)
        if not link:
            break
    return StepsCheck(tuple(exprs), tuple(links))
