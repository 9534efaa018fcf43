r"""Drawing sample points for `refalgo.assumptions.Assumptions`: the engine of ``points``.

A `Plan` is made once per claim: which symbols to draw and from which domain, which
symbols form probability families, which functions become random rational functions or
probability tables, which matrices become explicit exact matrices, and which numbers the
claim writes (thresholds to straddle). `Plan.draw` then makes one `Point` per attempt:
simple values first, then in turn points next to the claim's numbers, domain
boundaries, large magnitudes and random rationals. See `refalgo.assumptions` for the
conventions.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import sympy as sp

__all__ = ["Declared", "Plan", "Point", "domain", "probabilities"]


class Declared(Protocol):
    """What a plan reads off the assumptions (``refalgo.assumptions.Assumptions`` has it all)."""

    @property
    def conditions(self) -> tuple[Any, ...]: ...
    @property
    def matrices(self) -> tuple[tuple[Any, str], ...]: ...
    @property
    def functions(self) -> tuple[Any, ...]: ...
    @property
    def distributions(self) -> tuple[str, ...]: ...
    @property
    def supports(self) -> tuple[tuple[str, tuple[Any, ...]], ...]: ...

_SIMPLE = [sp.Integer(v) for v in (1, 2, -1, 3, 0, -2)] + [
    sp.Rational(1, 2),
    sp.Rational(-1, 3),
    sp.Rational(3, 2),
]
_RANDOM_SPAN = 1000  # half-width of the box for random draws on an unbounded side
_OPEN_GAPS = (sp.Rational(1, 10), sp.Rational(1, 1000), sp.Rational(1, 10**6))
_DIMENSIONS = (2, 3)


@dataclass(frozen=True)
class Point:
    """One sample: exact values for symbols, concrete replacements for functions and matrices.

    Attributes
    ----------
    values
        Symbol → exact rational value.
    functions
        Undefined function → ``sp.Lambda`` standing in for it.
    matrices
        ``MatrixSymbol`` (with its concrete shape) → explicit exact matrix.
    dimensions
        Symbolic dimension (``n`` in ``MatrixSymbol("A", n, n)``) → its size here.
    """

    values: Mapping[sp.Symbol, sp.Expr]
    functions: Mapping[Any, sp.Lambda] = field(default_factory=dict)
    matrices: Mapping[Any, sp.ImmutableMatrix] = field(default_factory=dict)
    dimensions: Mapping[sp.Symbol, int] = field(default_factory=dict)
    tables: Mapping[Any, tuple[tuple[Any, ...], int, bool]] = field(default_factory=dict)
    _drawn: dict[Any, sp.Expr] = field(default_factory=dict, compare=False, repr=False)

    def _weight(self, app: Any) -> sp.Expr:
        """The probability of ``app = p(a_i, *given)`` in this point's table for ``p``."""
        if app not in self._drawn:
            support, seed, positive = self.tables[app.func]
            rng = random.Random(f"{seed}:{app.func}:{sp.srepr(app.args[1:])}")
            weights = probabilities(len(support), rng, positive)
            for value, w in zip(support, weights):
                self._drawn[app.func(value, *app.args[1:])] = w
        return self._drawn[app]

    def concrete(self, expr: Any) -> Any:
        """``expr`` with the dimensions fixed, so its matrix symbols have concrete shapes."""
        return expr.xreplace({k: sp.Integer(v) for k, v in self.dimensions.items()}) if self.dimensions else expr

    def apply(self, expr: Any) -> Any:
        """Substitute this point into ``expr`` and evaluate what can be evaluated."""
        out = self.concrete(expr)
        for fn, (support, _, _) in self.tables.items():
            out = out.replace(
                lambda e, fn=fn, support=support: isinstance(e, sp.core.function.AppliedUndef)
                and e.func == fn
                and bool(e.args)
                and e.args[0] in support,
                self._weight,
            )
        if self.functions:
            out = _written_out(out, self.values)  # so that stand-ins meet numbers, not a symbolic index
        for fn, lam in self.functions.items():
            # replace() reaches inside Sum and other containers, where subs() of a
            # function class fails.
            out = out.replace(fn, lam)
        if self.matrices:
            out = out.xreplace(dict(self.matrices))
        out = out.subs(dict(self.values), simultaneous=True)
        out = out.doit()
        if isinstance(out, sp.MatrixExpr) and not isinstance(out, sp.MatrixBase) and not out.free_symbols:
            out = out.as_explicit()
        return out

    def describe(self) -> dict[str, str]:
        """Readable ``{name: value}`` for messages."""
        desc = {str(k): str(v) for k, v in self.values.items()}
        for m, val in self.matrices.items():
            desc[str(m.name if hasattr(m, "name") else m)] = str(val.tolist())
        for d, size in self.dimensions.items():
            desc[str(d)] = str(size)
        for fn, lam in self.functions.items():
            desc[str(fn)] = str(lam)
        for app, w in sorted(self._drawn.items(), key=lambda kv: sp.default_sort_key(kv[0])):
            desc[str(app)] = str(w)
        return desc

    def key(self) -> tuple[Any, ...]:
        """What makes two points the same point."""
        return (
            tuple(sorted((str(k), v) for k, v in self.values.items())),
            tuple(sorted((str(k), str(v)) for k, v in self.functions.items())),
            tuple(sorted((str(k), tuple(v)) for k, v in self.matrices.items())),
            tuple(sorted((str(k), v) for k, v in self.dimensions.items())),
            tuple(sorted((str(k), v[1]) for k, v in self.tables.items())),
        )


_MAX_WRITTEN_OUT = 1000  # terms of one finite sum or product written out before the stand-ins


def _written_out(expr: Any, values: Mapping[sp.Symbol, sp.Expr]) -> Any:
    """``expr`` with each one-index sum or product over a numeric range written out term by term.

    The range may depend on symbols that ``values`` fixes. Other sums (infinite, reversed,
    too long, several indices) are left to SymPy.
    """

    def finite(e: Any) -> bool:
        if not isinstance(e, (sp.Sum, sp.Product)) or len(e.limits) != 1 or len(e.limits[0]) != 3:
            return False
        _, lo, hi = e.limits[0]
        lo, hi = lo.xreplace(dict(values)), hi.xreplace(dict(values))
        return bool(lo.is_Integer and hi.is_Integer and lo - 1 <= hi <= lo + _MAX_WRITTEN_OUT)

    def write(e: Any) -> Any:
        i, lo, hi = e.limits[0]
        lo, hi = int(lo.xreplace(dict(values))), int(hi.xreplace(dict(values)))
        terms = [e.function.xreplace({i: sp.Integer(k)}) for k in range(lo, hi + 1)]
        return sp.Add(*terms) if isinstance(e, sp.Sum) else sp.Mul(*terms)

    return expr.replace(finite, write) if expr.has(sp.Sum, sp.Product) else expr


def domain(s: sp.Symbol, conditions: Sequence[Any]) -> sp.Set:
    """The values of ``s`` that its own assumptions and the one-symbol ``conditions`` allow."""
    dom: sp.Set = sp.Reals
    if s.is_positive:
        dom = sp.Interval.open(0, sp.oo)
    elif s.is_nonnegative:
        dom = sp.Interval(0, sp.oo)
    elif s.is_negative:
        dom = sp.Interval.open(-sp.oo, 0)
    elif s.is_nonpositive:
        dom = sp.Interval(-sp.oo, 0)
    for c in conditions:
        if c.free_symbols == {s} and c.is_Relational and not c.atoms(sp.core.function.AppliedUndef):
            try:
                sol = sp.solve_univariate_inequality(c, s, relational=False)
            except (NotImplementedError, ValueError, TypeError):
                continue
            dom = dom.intersect(sol)
    return dom


@dataclass(frozen=True)
class Plan:
    """What to draw at each point: symbols with their domains, families, functions, matrices."""

    symbols: tuple[tuple[sp.Symbol, sp.Set], ...]
    families: tuple[tuple[sp.Symbol, ...], ...]
    functions: tuple[tuple[Any, int, str], ...]  # (function, arity, "any" | "positive" | "probability")
    matrices: tuple[tuple[Any, str], ...]
    dimensions: tuple[sp.Symbol, ...]
    tables: tuple[tuple[Any, tuple[Any, ...], bool], ...]  # (function, support, strictly positive)
    landmarks: tuple[sp.Rational, ...] = ()  # the numbers written in the claim: thresholds to straddle

    @classmethod
    def of(cls, assumptions: Declared, exprs: Sequence[Any]) -> Plan:
        explicit_syms = {s for m, _ in assumptions.matrices if isinstance(m, sp.MatrixBase) for s in m.free_symbols}
        free: set[Any] = set()
        arity: dict[Any, int] = {f: 1 for f in assumptions.functions}
        msyms: dict[Any, str] = {m: kind for m, kind in assumptions.matrices if isinstance(m, sp.MatrixSymbol)}
        for e in [*exprs, *assumptions.conditions]:
            free |= getattr(e, "free_symbols", set())
            for a in getattr(e, "atoms", lambda *_: set())(sp.core.function.AppliedUndef):
                arity[a.func] = len(a.args)
            for m in getattr(e, "atoms", lambda *_: set())(sp.MatrixSymbol):
                msyms.setdefault(m, "any")
            for inv in getattr(e, "atoms", lambda *_: set())(sp.Inverse, sp.MatPow):
                if isinstance(inv, sp.MatPow) and not (inv.exp.is_number and inv.exp.is_negative):
                    continue
                for m in inv.args[0].atoms(sp.MatrixSymbol) if not isinstance(inv.args[0], sp.MatrixSymbol) else {inv.args[0]}:
                    kind = msyms.get(m, "any")
                    msyms[m] = {"any": "invertible", "symmetric": "symmetric invertible"}.get(kind, kind)
        dims = {d for m in msyms for d in m.shape if isinstance(d, sp.Symbol)}
        scalars = sorted((s for s in free if isinstance(s, sp.Symbol)) , key=str)
        scalars = [s for s in scalars if s not in explicit_syms and s not in dims and not isinstance(s, sp.MatrixSymbol)]
        families = _families(scalars, assumptions.distributions)
        in_family = {s for fam in families for s in fam}
        symbols = tuple((s, domain(s, assumptions.conditions)) for s in scalars if s not in in_family)
        positive = _positive_functions(assumptions.conditions)
        supports = dict(assumptions.supports)
        tables = tuple(
            (f, tuple(supports[str(f)]), f in positive) for f in sorted(arity, key=str) if str(f) in supports
        )
        funcs = tuple(
            (f, arity[f], "probability" if str(f) in assumptions.distributions or str(f) in supports
             else "positive" if f in positive else "any")
            for f in sorted(arity, key=str)
        )
        mats = tuple(sorted(((m, k) for m, k in msyms.items()), key=lambda p: str(p[0])))
        explicit = tuple((m, k) for m, k in assumptions.matrices if isinstance(m, sp.MatrixBase))
        return cls(symbols, tuple(families), funcs, explicit + mats, tuple(sorted(dims, key=str)), tables, _landmarks(exprs))

    def draw(self, rng: random.Random, attempt: int, count: int) -> Point:
        first = min(2 * count // 3, 12)
        simple = attempt < first
        phase = -1 if simple else (4, 0, 1, 2, 3)[(attempt - first) % 5]
        values: dict[sp.Symbol, sp.Expr] = {
            s: _draw(dom, s, rng, phase, attempt + 3 * k, self.landmarks) for k, (s, dom) in enumerate(self.symbols)
        }
        for fam in self.families:
            values.update(_draw_family(fam, rng, simple and attempt % 2 == 1))
        dims = {d: _DIMENSIONS[(attempt + i) % len(_DIMENSIONS)] for i, d in enumerate(self.dimensions)}
        mats: dict[Any, sp.ImmutableMatrix] = {}
        for m, kind in self.matrices:
            if isinstance(m, sp.MatrixBase):
                values.update(_entries(m, _draw_matrix(m.shape, kind, rng)))
            else:
                rows, cols = (int(dims.get(d, d)) for d in m.shape)
                shape = (rows, cols)
                concrete = sp.MatrixSymbol(m.name, rows, cols)
                mats[concrete] = sp.ImmutableMatrix(_draw_matrix(shape, kind, rng))
        fmap = {f: _random_function(n, rng, kind) for f, n, kind in self.functions}
        tables = {f: (support, rng.randrange(2**32), positive) for f, support, positive in self.tables}
        return Point(values, fmap, mats, dims, tables)


def _landmarks(exprs: Sequence[Any]) -> tuple[sp.Rational, ...]:
    """The numbers written in ``exprs`` beyond the simple ones (|c| > 3), at most 8, largest first.

    A claim such as ``min(x, 10**12) = x`` differs only beyond its threshold: points are
    also drawn next to each such number and beyond the largest.
    """
    found: set[sp.Rational] = set()
    for e in exprs:
        for a in getattr(e, "atoms", lambda *_: set())(sp.Rational):
            if abs(a) > 3 and abs(a) < sp.Integer(10) ** 60:
                found.add(abs(a))
    return tuple(sorted(found, reverse=True)[:8])


def _families(symbols: Sequence[sp.Symbol], names: Sequence[str]) -> list[tuple[sp.Symbol, ...]]:
    """Groups of family symbols that sum to 1: ``p_1, p_2`` or the rows ``p_{1,1}, p_{1,2}``."""
    groups: dict[tuple[str, str], list[sp.Symbol]] = {}
    for s in symbols:
        for name in names:
            m = re.fullmatch(re.escape(name) + r"_\{?([^{}]+)\}?", s.name)
            if m:
                index = m.group(1)
                row = index.rsplit(",", 1)[0] if "," in index else ""
                groups.setdefault((name, row), []).append(s)
                break
    return [tuple(g) for _, g in sorted(groups.items())]


def _positive_functions(conditions: Sequence[Any]) -> set[Any]:
    """Undefined functions that a condition ``f(…) > 0`` or ``f(…) >= 0`` declares positive."""
    out = set()
    for c in conditions:
        if not getattr(c, "is_Relational", False) or c.rel_op not in (">", ">=", "<", "<="):
            continue
        big, small = (c.lhs, c.rhs) if c.rel_op in (">", ">=") else (c.rhs, c.lhs)
        if isinstance(big, sp.core.function.AppliedUndef) and small == 0:
            out.add(big.func)
    return out


def _interval_parts(dom: sp.Set) -> list[sp.Interval]:
    parts = list(dom.args) if isinstance(dom, sp.Union) else [dom]
    out = []
    for p in parts:
        if p == sp.Reals:
            out.append(sp.Interval(-sp.oo, sp.oo))
        elif isinstance(p, sp.Interval):
            out.append(p)
        elif isinstance(p, sp.FiniteSet):
            out.extend(sp.Interval(v, v) for v in p.args if v.is_real)
    return out


def _draw(
    dom: sp.Set, s: sp.Symbol, rng: random.Random, phase: int, attempt: int, landmarks: Sequence[sp.Rational] = ()
) -> sp.Expr:
    """An exact value of symbol ``s`` in ``dom``.

    ``phase``: -1 simple, 0 a boundary of ``dom``, 1 large, 2-3 random, 4 next to a number
    written in the claim (in turn just beyond it, beyond its negative, inside, inside).
    """
    integer = bool(s.is_integer)
    if phase == -1:
        cands = [v for v in _SIMPLE if dom.contains(v) is sp.true and (not integer or v.is_integer)]
        if cands:
            return cands[attempt % len(cands)]
        phase = 0
    if phase == 4 and landmarks:
        turn = attempt // 5
        c = landmarks[turn % len(landmarks)]
        outward, sign = [(1, 1), (1, -1), (-1, 1), (-1, -1)][(turn // len(landmarks)) % 4]
        gap = sp.Integer(1) if integer else rng.choice(_OPEN_GAPS[:2])
        v = sign * (c + outward * gap)
        if dom.contains(v) is sp.true:
            return v
    if phase == 4:
        phase = 0
    parts = _interval_parts(dom)
    if not parts:
        return sp.Integer(1)
    iv = rng.choice(parts)
    top = max(6 if integer else 9, min(int(math.log10(float(landmarks[0]))) + 2, 60) if landmarks else 0)
    for _ in range(20):
        v = _candidate(iv, rng, phase, integer, top)
        if v is not None and dom.contains(v) is sp.true:
            return v
        phase = 2
    return _midpoint(iv, integer)


def _candidate(iv: sp.Interval, rng: random.Random, phase: int, integer: bool, top: int) -> sp.Expr | None:
    lo, hi = iv.start, iv.end
    if phase == 0:  # a boundary, or a point near an open end
        ends = [(e, d) for e, d in ((lo, 1), (hi, -1)) if e.is_finite]
        if not ends:
            phase = 1
        else:
            end, direction = rng.choice(ends)
            closed = (end == lo and not iv.left_open) or (end == hi and not iv.right_open)
            if closed and (rng.random() < 0.5 or integer):
                return sp.Integer(sp.ceiling(end)) if integer and direction > 0 else (sp.Integer(sp.floor(end)) if integer else end)
            gap = rng.choice(_OPEN_GAPS) if not integer else sp.Integer(1)
            v = end + direction * gap
            return sp.Integer(sp.ceiling(v) if direction > 0 else sp.floor(v)) if integer else v
    if phase == 1:  # a large magnitude
        k = rng.randint(2, top)
        magnitude = sp.Integer(rng.randint(10 ** (k - 1), 10**k))
        sign = rng.choice((-1, 1))
        if not integer:
            magnitude += sp.Rational(rng.randint(1, 7), rng.randint(2, 9))
        v = sign * magnitude
        if (lo.is_finite and v < lo) or (hi.is_finite and v > hi):
            v = -v
        return v
    # random: across the interval, unbounded sides cut at ±_RANDOM_SPAN around the other end
    span = 30 if integer else _RANDOM_SPAN
    a = lo if lo.is_finite else (hi - 2 * span if hi.is_finite else -span)
    b = hi if hi.is_finite else (lo + 2 * span if lo.is_finite else span)
    if integer:
        a_i, b_i = int(sp.ceiling(a)), int(sp.floor(b))
        return sp.Integer(rng.randint(a_i, b_i)) if a_i <= b_i else None
    if rng.random() < 0.5:  # log-uniform magnitude, from 10^-3 to 10^3
        v = rng.choice((-1, 1)) * sp.Rational(rng.randint(1, 1000), 10 ** rng.randint(0, 3)) / rng.randint(1, 9)
        if a <= v <= b:
            return v
    q = rng.randint(1, 12)
    return a + (b - a) * sp.Rational(rng.randint(0, 4 * q), 4 * q)


def _midpoint(iv: sp.Interval, integer: bool) -> sp.Expr:
    lo = iv.start if iv.start.is_finite else (iv.end - 1 if iv.end.is_finite else sp.Integer(0))
    hi = iv.end if iv.end.is_finite else lo + 2
    mid = (lo + hi) / 2
    return sp.Integer(sp.floor(mid)) if integer else mid


def probabilities(k: int, rng: random.Random, positive: bool = False, one_hot: bool = False) -> list[sp.Expr]:
    """``k`` exact nonnegative rationals that sum to 1 (positive ones if ``positive``)."""
    if one_hot and not positive:
        hot = rng.randrange(k)
        return [sp.Integer(1 if i == hot else 0) for i in range(k)]
    weights = [rng.randint(1 if positive else 0, 9) for _ in range(k)]
    if not any(weights):
        weights[rng.randrange(k)] = 1
    total = sum(weights)
    return [sp.Rational(w, total) for w in weights]


def _draw_family(fam: Sequence[sp.Symbol], rng: random.Random, one_hot: bool) -> dict[sp.Symbol, sp.Expr]:
    """A probability vector over a family: exact nonnegative rationals that sum to 1."""
    if len(fam) == 1:
        return {fam[0]: sp.Rational(rng.randint(0, 12), 12)}
    return dict(zip(fam, probabilities(len(fam), rng, one_hot=one_hot)))


def _entries(m: sp.MatrixBase, val: sp.Matrix) -> dict[sp.Symbol, sp.Expr]:
    out: dict[sp.Symbol, sp.Expr] = {}
    for i in range(m.rows):
        for j in range(m.cols):
            if isinstance(m[i, j], sp.Symbol):
                out[m[i, j]] = val[i, j]
    return out


def _draw_matrix(shape: tuple[int, int], kind: str, rng: random.Random) -> sp.Matrix:
    """An exact rational matrix of ``shape`` and ``kind``."""
    rows, cols = shape
    while True:
        b = sp.Matrix(rows, cols, lambda i, j: sp.Rational(rng.randint(-4, 4), rng.randint(1, 3)))
        if kind.startswith("symmetric"):
            val = (b + b.T) / 2
        elif kind == "spd":
            val = b * b.T + sp.eye(rows) / 2
        elif kind == "snd":
            val = -(b * b.T + sp.eye(rows) / 2)
        else:
            val = b
        if kind.endswith("invertible") and val.det() == 0:
            continue
        return val


def _random_function(n: int, rng: random.Random, kind: str = "any") -> sp.Lambda:
    """A concrete rational function of ``n`` arguments standing in for an undefined one.

    ``kind`` ``"positive"`` gives a positive function, ``"probability"`` one with values
    in (0, 1].
    """
    xs = sp.symbols(f"_u0:{n}", real=True)
    poly = sp.Integer(rng.randint(-3, 3))
    for i, x in enumerate(xs):
        poly += rng.randint(-3, 3) * x + rng.randint(-2, 2) * x**2 + sp.Rational(rng.randint(-2, 2), 3) * x**3
        for y in xs[i + 1 :]:
            poly += rng.randint(-2, 2) * x * y
    lin = sum((rng.randint(1, 3) * x for x in xs), sp.Integer(rng.randint(-2, 2)))
    bump = sp.Integer(rng.randint(1, 3)) / (1 + lin**2)
    if kind == "probability":
        body = 1 / (1 + poly**2 + bump)
    elif kind == "positive":
        body = poly**2 + bump + sp.Rational(rng.randint(1, 4), 4)
    else:
        body = poly + bump
    return sp.Lambda(xs, body)
