r"""Assumptions under which an identity is claimed, and exact random points that satisfy them.

An identity such as :math:`\sqrt{x^2} = x` holds for some values of its symbols and
not for others. :class:`Assumptions` says which values are meant:

* the SymPy assumptions carried by each symbol (``real``, ``positive``, ``integer``…);
* extra ``conditions``: SymPy relations such as ``0 < gamma`` and ``gamma < 1``;
* ``matrices``: pairs ``(M, kind)`` where ``M`` is an explicit SymPy matrix whose entries
  are symbols or a ``sympy.MatrixSymbol``, and the kind is ``"any"``, ``"symmetric"``,
  ``"spd"`` (symmetric positive definite), ``"snd"`` (symmetric negative definite),
  ``"invertible"`` or ``"symmetric invertible"``;
* ``functions``: undefined SymPy functions (``f = sp.Function("f")``) that stand for
  *any* smooth function;
* ``distributions``: names of probability families. The symbols ``p_1, p_2, …`` (any
  symbol named ``p_<index>``) of a family named ``p`` are sampled as one probability
  vector: exact nonnegative rationals that sum to 1, one-hot vectors included. A family
  with indices written ``p_{i,j}`` is a conditional table: the entries that share the
  indices before the last comma sum to 1. An undefined function of that name (``p(a)``)
  is replaced by a function with values in (0, 1];
* ``supports``: pairs ``(name, values)`` making the undefined function ``name`` a
  distribution over a finite index set, e.g. ``("pi", (a_1, a_2, a_3))``: at each point
  ``pi(a_1, s), pi(a_2, s), pi(a_3, s)`` are a probability vector (exact, nonnegative,
  sum 1) for every value of the conditioning arguments ``s``; strictly positive when a
  condition ``pi(…) > 0`` says so.

Sampling
--------
:meth:`Assumptions.points` yields exact rational points that satisfy all of these,
drawn from the whole domain the assumptions allow, each point at most once:

1. simple values (0, 1, −1, 2, 1/2, …), so that a counterexample is easy to read;
2. the boundaries: a closed end of a domain itself, an open end approached to within
   1/10, 1/1000 and 10⁻⁶;
3. large magnitudes, ±10² to ±10⁹ with a fractional part (and beyond, up to 100 times
   the largest number written in the claim); next to each number written in the claim
   (|c| > 3), so that a threshold such as ``min(x, 10**12)`` is straddled;
4. random rationals with small denominators across the domain.

Integer symbols get integers (small ones mostly, and some up to ±10⁶). Every undefined
function is replaced, at each point, by a concrete random *rational* function of its
arguments (a polynomial of degree 3 plus a bounded rational bump, with exact rational
coefficients), so values stay exact; a function that a condition ``f(…) > 0`` (or
``>= 0``) declares positive is replaced by a positive one. Explicit matrices and
``MatrixSymbol``\ s get small exact rational matrices of their kind; a symbolic
dimension ``n`` takes the sizes 2 and 3 in turn.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from ._sampling import Plan, Point

__all__ = ["Assumptions", "Point", "MATRIX_KINDS"]

MATRIX_KINDS = ("any", "symmetric", "spd", "snd", "invertible", "symmetric invertible")



@dataclass(frozen=True)
class Assumptions:
    """What an identity assumes about its symbols; see the module docstring.

    Parameters
    ----------
    conditions
        SymPy relations or boolean combinations of them, e.g. ``(0 < gamma, gamma < 1)``.
    matrices
        Pairs ``(M, kind)``: an explicit symbol-entry matrix or a ``MatrixSymbol``, and
        its kind, one of ``MATRIX_KINDS``. (:meth:`of` also takes a mapping.)
    functions
        Undefined SymPy functions (``sp.Function("f")``) that stand for any smooth
        function.
    samples
        How many distinct random points a sampled check uses.
    seed
        Seed of the point generator, so that every check is reproducible.
    distributions
        Names of probability families (see the module docstring).
    """

    conditions: tuple[Any, ...] = ()
    matrices: tuple[tuple[Any, str], ...] = ()
    functions: tuple[Any, ...] = ()
    samples: int = 24
    seed: int = 0
    distributions: tuple[str, ...] = ()
    supports: tuple[tuple[str, tuple[Any, ...]], ...] = ()

    def __post_init__(self) -> None:
        conds = tuple((sp.true if c else sp.false) if isinstance(c, bool) else c for c in self.conditions)
        for c in conds:
            if not isinstance(c, sp.Basic) or not (c.is_Relational or isinstance(c, sp.logic.boolalg.Boolean)):
                raise TypeError(f"conditions: expected SymPy relations such as `0 < gamma`; got {c!r}")
        object.__setattr__(self, "conditions", conds)
        for pair in self.matrices:
            ok = len(pair) == 2 and isinstance(pair[0], (sp.MatrixBase, sp.MatrixSymbol)) and pair[1] in MATRIX_KINDS
            if not ok:
                raise TypeError(f"matrices: expected (sympy.Matrix or MatrixSymbol, kind) with kind in {MATRIX_KINDS}; got {pair!r}")
            if pair[1] != "any" and isinstance(pair[0], sp.MatrixBase) and not pair[0].is_square:
                raise ValueError(f"matrices: a {pair[1]} matrix must be square; got shape {pair[0].shape}")
        if isinstance(self.samples, bool) or not isinstance(self.samples, int) or self.samples < 1:
            raise ValueError(f"samples: expected a positive count; got {self.samples!r}")
        for name in self.distributions:
            if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name):
                raise ValueError(f"distributions: expected names such as 'p' or 'pi'; got {name!r}")
        for support in self.supports:
            if len(support) != 2 or not isinstance(support[0], str) or not isinstance(support[1], tuple) or not support[1]:
                raise TypeError(f"supports: expected (function name, non-empty tuple of values); got {support!r}")

    @classmethod
    def of(
        cls,
        *conditions: Any,
        matrices: Mapping[Any, str] | Sequence[tuple[Any, str]] = (),
        functions: Sequence[Any] = (),
        samples: int = 24,
        seed: int = 0,
        distributions: Sequence[str] = (),
        supports: Mapping[str, Sequence[Any]] | None = None,
    ) -> Assumptions:
        """Build assumptions from positional conditions; ``matrices`` and ``supports`` may be mappings."""
        pairs = tuple(matrices.items()) if isinstance(matrices, Mapping) else tuple(matrices)
        pairs = tuple((m if isinstance(m, sp.MatrixSymbol) else sp.ImmutableMatrix(m), kind) for m, kind in pairs)
        flat: list[Any] = []
        for c in conditions:
            flat.extend(c.args if isinstance(c, sp.And) else (c,))
        tables = tuple((name, tuple(values)) for name, values in (supports or {}).items())
        return cls(tuple(flat), pairs, tuple(functions), samples, seed, tuple(distributions), tables)

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
            tuple(dict.fromkeys(self.distributions + other.distributions)),
            self.supports + other.supports,
        )

    # ------------------------------------------------------------------ sampling
    def points(self, exprs: Sequence[Any], count: int | None = None) -> Iterator[Point]:
        """Yield up to ``count`` distinct exact points satisfying the assumptions for ``exprs``.

        Simple values come first, then boundaries, large magnitudes and random rationals
        (see the module docstring). Points that violate a condition are skipped;
        generation stops after a bounded number of tries.
        """
        count = self.samples if count is None else count
        rng = random.Random(self.seed)
        plan = Plan.of(self, exprs)
        seen: set[tuple[Any, ...]] = set()
        yielded = 0
        for attempt in range(count * 40):
            if yielded >= count:
                return
            point = plan.draw(rng, attempt, count)
            key = point.key()
            if key in seen or not self._satisfied(point):
                continue
            seen.add(key)
            yielded += 1
            yield point

    def _satisfied(self, point: Point) -> bool:
        tabled = {fn for fn in point.tables}
        for c in self.conditions:
            if any(a.func in tabled for a in c.atoms(sp.core.function.AppliedUndef)):
                continue  # a condition on a distribution's values: the table is drawn to meet it
            try:
                ok = point.apply(c)
            except (TypeError, ValueError, ZeroDivisionError):
                return False
            if ok is not sp.true and ok is not True:
                return False
        return True
