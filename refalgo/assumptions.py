r"""Assumptions under which an identity is claimed, and exact random points that satisfy them.

An identity such as :math:`\sqrt{x^2} = x` holds for some values of its symbols and
not for others. :class:`Assumptions` says which values are meant:

* the SymPy assumptions carried by each symbol (``real``, ``positive``, ``integer``…);
* extra ``conditions``: SymPy relations such as ``0 < gamma`` and ``gamma < 1``;
* ``matrices``: explicit SymPy matrices whose entries are symbols, with a kind
  (``"symmetric"``, ``"spd"`` for symmetric positive definite, ``"snd"`` for
  symmetric negative definite, ``"invertible"``, ``"any"``);
* ``functions``: undefined SymPy functions (``f = sp.Function("f")``) that stand for
  *any* smooth function; each sample replaces them with a concrete random smooth
  function (a polynomial plus a sine and an exponential term).

:meth:`Assumptions.points` yields exact rational points that satisfy all of these.
Points start with simple values (0, 1, -1, 2, 1/2…) so that a counterexample, when one
exists, is as readable as possible.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

__all__ = ["Assumptions", "Point", "MATRIX_KINDS"]

MATRIX_KINDS = ("any", "symmetric", "spd", "snd", "invertible")

_SIMPLE = [sp.Integer(v) for v in (1, 2, -1, 3, 0, -2)] + [
    sp.Rational(1, 2),
    sp.Rational(-1, 3),
    sp.Rational(3, 2),
]
_SPAN = 5  # half-width of the default sampling box


@dataclass(frozen=True)
class Point:
    """One sample: exact values for symbols and concrete replacements for functions."""

    values: Mapping[sp.Symbol, sp.Expr]
    functions: Mapping[Any, sp.Lambda] = field(default_factory=dict)

    def apply(self, expr: Any) -> Any:
        """Substitute this point into ``expr`` and evaluate what can be evaluated."""
        out = expr
        for fn, lam in self.functions.items():
            # replace() reaches inside Sum and other containers, where subs() of a
            # function class fails.
            out = out.replace(fn, lam)
        out = out.subs(dict(self.values), simultaneous=True)
        return out.doit()

    def describe(self) -> dict[str, str]:
        """Readable ``{name: value}`` for messages."""
        desc = {str(k): str(v) for k, v in self.values.items()}
        for fn, lam in self.functions.items():
            desc[str(fn)] = str(lam)
        return desc


@dataclass(frozen=True)
class Assumptions:
    """What an identity assumes about its symbols; see the module docstring.

    Parameters
    ----------
    conditions
        SymPy relations or boolean combinations of them, e.g. ``(0 < gamma, gamma < 1)``.
    matrices
        Pairs ``(M, kind)`` of explicit symbol-entry matrices and their kind, one of
        ``MATRIX_KINDS``. (:meth:`of` also takes a mapping; its keys must then be
        hashable, i.e. ``sp.ImmutableMatrix``.)
    functions
        Undefined SymPy functions (``sp.Function("f")``) that stand for any smooth
        function.
    samples
        How many random points a sampled check uses.
    seed
        Seed of the point generator, so that every check is reproducible.
    """

    conditions: tuple[Any, ...] = ()
    matrices: tuple[tuple[sp.Matrix, str], ...] = ()
    functions: tuple[Any, ...] = ()
    samples: int = 24
    seed: int = 0

    def __post_init__(self) -> None:
        conds = tuple((sp.true if c else sp.false) if isinstance(c, bool) else c for c in self.conditions)
        for c in conds:
            if not isinstance(c, sp.Basic) or not (c.is_Relational or isinstance(c, sp.logic.boolalg.Boolean)):
                raise TypeError(f"conditions: expected SymPy relations such as `0 < gamma`; got {c!r}")
        object.__setattr__(self, "conditions", conds)
        for pair in self.matrices:
            if len(pair) != 2 or not isinstance(pair[0], sp.MatrixBase) or pair[1] not in MATRIX_KINDS:
                raise TypeError(f"matrices: expected (sympy.Matrix, kind) with kind in {MATRIX_KINDS}; got {pair!r}")
            if pair[1] != "any" and not pair[0].is_square:
                raise ValueError(f"matrices: a {pair[1]} matrix must be square; got shape {pair[0].shape}")
        if self.samples < 1:
            raise ValueError(f"samples: expected a positive count; got {self.samples}")

    @classmethod
    def of(
        cls,
        *conditions: Any,
        matrices: Mapping[sp.Matrix, str] | Sequence[tuple[sp.Matrix, str]] = (),
        functions: Sequence[Any] = (),
        samples: int = 24,
        seed: int = 0,
    ) -> Assumptions:
        """Build assumptions from positional conditions; ``matrices`` may be a mapping."""
        pairs = tuple(matrices.items()) if isinstance(matrices, Mapping) else tuple(matrices)
        pairs = tuple((sp.ImmutableMatrix(m), kind) for m, kind in pairs)
        flat: list[Any] = []
        for c in conditions:
            flat.extend(c.args if isinstance(c, sp.And) else (c,))
        return cls(tuple(flat), pairs, tuple(functions), samples, seed)

    def merged(self, other: Assumptions | None) -> Assumptions:
        """These assumptions together with ``other``'s."""
        if other is None:
            return self
        return Assumptions(
            self.conditions + other.conditions,
            self.matrices + other.matrices,
            self.functions + other.functions,
            max(self.samples, other.samples),
            self.seed,
        )

    # ------------------------------------------------------------------ sampling
    def points(self, exprs: Sequence[Any], count: int | None = None) -> Iterator[Point]:
        """Yield up to ``count`` exact points satisfying the assumptions for ``exprs``.

        Simple values come first, then random rationals. Points that violate a
        condition are skipped; generation stops after a bounded number of tries.
        """
        count = self.samples if count is None else count
        rng = random.Random(self.seed)
        matrix_syms = {s for m, _ in self.matrices for s in m.free_symbols}
        free: set[sp.Symbol] = set()
        arity: dict[Any, int] = {f: 1 for f in self.functions}
        for e in exprs:
            free |= getattr(e, "free_symbols", set())
            for a in getattr(e, "atoms", lambda *_: set())(sp.core.function.AppliedUndef):
                arity[a.func] = len(a.args)
        for c in self.conditions:
            free |= c.free_symbols
        symbols = sorted(free - matrix_syms, key=str)
        domains = {s: self._domain(s) for s in symbols}
        ordered_funcs = sorted(arity, key=str)
        yielded = 0
        for attempt in range(count * 40):
            if yielded >= count:
                return
            simple = attempt < 2 * count // 3 and attempt < 12
            values: dict[sp.Symbol, sp.Expr] = {
                s: _draw(domains[s], s, rng, simple, attempt + 3 * k) for k, s in enumerate(symbols)
            }
            for m, kind in self.matrices:
                values.update(_draw_matrix(m, kind, rng))
            fmap = {f: _random_function(arity[f], rng) for f in ordered_funcs}
            point = Point(values, fmap)
            if self._satisfied(point):
                yielded += 1
                yield point

    def _domain(self, s: sp.Symbol) -> sp.Set:
        dom: sp.Set = sp.Interval(-_SPAN, _SPAN)
        if s.is_positive:
            dom = sp.Interval.Lopen(0, _SPAN)
        elif s.is_nonnegative:
            dom = sp.Interval(0, _SPAN)
        elif s.is_negative:
            dom = sp.Interval.Ropen(-_SPAN, 0)
        elif s.is_nonpositive:
            dom = sp.Interval(-_SPAN, 0)
        for c in self.conditions:
            if c.free_symbols == {s} and c.is_Relational:
                try:
                    sol = sp.solve_univariate_inequality(c, s, relational=False)
                except (NotImplementedError, ValueError, TypeError):
                    continue
                dom = dom.intersect(sol)
        return dom

    def _satisfied(self, point: Point) -> bool:
        for c in self.conditions:
            try:
                ok = point.apply(c)
            except (TypeError, ValueError, ZeroDivisionError):
                return False
            if ok is not sp.true and ok is not True:
                return False
        return True


def _draw(dom: sp.Set, s: sp.Symbol, rng: random.Random, simple: bool, attempt: int) -> sp.Expr:
    """An exact value of symbol ``s`` in ``dom`` (an interval or union of intervals)."""
    if simple:
        cands = [v for v in _SIMPLE if dom.contains(v) is sp.true and (not s.is_integer or v.is_integer)]
        if cands:
            return cands[attempt % len(cands)]
    intervals = list(dom.args) if isinstance(dom, sp.Union) else [dom]
    intervals = [iv for iv in intervals if isinstance(iv, sp.Interval)]
    if not intervals:
        return sp.Integer(1)
    iv = rng.choice(intervals)
    lo = iv.start if iv.start.is_finite else iv.end - 2 * _SPAN
    hi = iv.end if iv.end.is_finite else iv.start + 2 * _SPAN
    if s.is_integer:
        ints = [k for k in range(int(sp.ceiling(lo)), int(sp.floor(hi)) + 1) if dom.contains(k) is sp.true]
        return sp.Integer(rng.choice(ints)) if ints else sp.Integer(int(sp.ceiling(lo)))
    for _ in range(50):
        q = rng.randint(1, 12)
        frac = sp.Rational(rng.randint(0, 4 * q), 4 * q)
        v = lo + (hi - lo) * frac
        if dom.contains(v) is sp.true:
            return sp.Rational(v)
    return sp.Rational(lo + hi, 2)


def _draw_matrix(m: sp.Matrix, kind: str, rng: random.Random) -> dict[sp.Symbol, sp.Expr]:
    """Exact rational values for the symbol entries of ``m`` so that it is of ``kind``."""
    rows, cols = m.shape
    while True:
        b = sp.Matrix(rows, cols, lambda i, j: sp.Rational(rng.randint(-4, 4), rng.randint(1, 3)))
        if kind == "symmetric":
            val = (b + b.T) / 2
        elif kind == "spd":
            val = b * b.T + sp.eye(rows) / 2
        elif kind == "snd":
            val = -(b * b.T + sp.eye(rows) / 2)
        else:
            val = b
        if kind == "invertible" and val.det() == 0:
            continue
        break
    out: dict[sp.Symbol, sp.Expr] = {}
    for i in range(rows):
        for j in range(cols):
            entry = m[i, j]
            if isinstance(entry, sp.Symbol):
                out[entry] = val[i, j]
    return out


def _random_function(n: int, rng: random.Random) -> sp.Lambda:
    """A concrete smooth function of ``n`` arguments standing in for an undefined one."""
    xs = sp.symbols(f"_u0:{n}", real=True)
    poly = sp.Integer(rng.randint(-3, 3))
    for i, x in enumerate(xs):
        poly += rng.randint(-3, 3) * x + rng.randint(-2, 2) * x**2
        for y in xs[i + 1 :]:
            poly += rng.randint(-2, 2) * x * y
    lin = sum((rng.randint(-2, 2) * x for x in xs), sp.Integer(0))
    body = poly + rng.randint(1, 2) * sp.sin(lin + 1) + sp.Rational(rng.randint(1, 3), 2) * sp.exp(lin / 3)
    return sp.Lambda(xs, body)
