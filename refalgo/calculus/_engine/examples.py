"""The registry's example inputs for the calculus concepts, and their tolerances.

Hypothesis is a test dependency, so the strategies import it only when called.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp
from numpy.typing import NDArray

from ...registry import Tolerance

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

VARIABLES = sp.symbols("x y z", real=True)
DIFFERENCE_TOLERANCE = Tolerance(
    rtol=1e-6,
    atol=1e-6,
    why=(
        "central differences with h = eps^(1/3) max(1, |x|): truncation h²/6·|f'''| plus rounding "
        "about eps·|f|/h; for the drawn functions (|x| <= 2, |f| and |f'''| below about 1e4) that is "
        "below 1e-6 in total, a thousand times the typical 1e-10"
    ),
)
FORM_TOLERANCE = Tolerance(
    rtol=1e-12,
    atol=1e-12,
    why=(
        "the drawn polynomials have integer coefficients below 300 in size, so every value the numeric "
        "twin reads (at 0, ±e_i and e_i + e_j) is a small integer, exact in float64, and halving it is exact: "
        "the twins agree to the last bit, and the bound only absorbs the conversion of the exact answer"
    ),
)
QUADRATIC_TOLERANCE = Tolerance(
    rtol=1e-9,
    atol=1e-9,
    why=(
        "applied to vectors scaled by max(1, largest exact entry): the drawn symmetric parts have integer "
        "entries of size <= 27 and n <= 3, so ‖A‖₂ <= 81 and a nonzero eigenvalue is >= 81⁻² (the product "
        "of the nonzero eigenvalues is a nonzero integer); κ <= 81³ bounds the solve's relative error by "
        "κ·eps ≈ 1.2e-10 (observed: below 1e-13)"
    ),
)


def random_functions(n: int, *, max_terms: int = 3, transcendental: bool = True) -> SearchStrategy[sp.Expr]:
    """Hypothesis strategy of smooth expressions in the first ``n`` of x, y, z.

    Each is a sum of one to ``max_terms`` terms ``c · monomial · atom``: a monomial of
    degree at most 3, an atom 1 or (if ``transcendental``) sin L, cos L, exp(L/4),
    log(1 + L²), atan L or sqrt(1 + L²) of a small-integer linear form L. On |x_i| <= 2
    the values stay below about 1e4.
    """
    from hypothesis import strategies as st

    xs = VARIABLES[:n]
    small = st.integers(-2, 2)
    linear = st.tuples(st.lists(small, min_size=n, max_size=n), small).map(
        lambda t: sum((c * x for c, x in zip(t[0], xs)), sp.Integer(t[1]))
    )
    shapes = [lambda L: sp.Integer(1)]
    if transcendental:
        shapes += [sp.sin, sp.cos, lambda L: sp.exp(L / 4), lambda L: sp.log(1 + L**2), sp.atan, lambda L: sp.sqrt(1 + L**2)]
    atom = st.tuples(st.sampled_from(shapes), linear).map(lambda t: t[0](t[1]))
    monomial = st.lists(st.sampled_from(xs), max_size=3).map(lambda m: sp.Mul(*m))
    coef = st.integers(1, 3).flatmap(lambda k: st.sampled_from([k, -k]))
    term = st.builds(lambda c, m, a: c * m * a, coef, monomial, atom)
    return st.lists(term, min_size=1, max_size=max_terms).map(lambda ts: sp.Add(*ts))


def example_inputs() -> SearchStrategy[dict[str, Any]]:
    """Hypothesis strategy of ``{"f", "variables", "point", "direction"}`` for the registry."""
    from hypothesis import strategies as st

    def draw_for(n: int) -> SearchStrategy[dict[str, Any]]:
        coordinate = st.fractions(-2, 2, max_denominator=4).map(lambda q: sp.Rational(q.numerator, q.denominator))
        nonzero = st.tuples(st.lists(st.integers(-4, 4), min_size=n, max_size=n), st.integers(0, n - 1), st.integers(1, 4)).map(
            lambda t: [t[2] if i == t[1] and not any(t[0]) else c for i, c in enumerate(t[0])]
        )  # an all-zero draw gets one entry set, so every direction is nonzero by construction
        return st.fixed_dictionaries(
            {
                "f": random_functions(n, max_terms=2),
                "variables": st.just(list(VARIABLES[:n])),
                "point": st.lists(coordinate, min_size=n, max_size=n),
                "direction": nonzero,
            }
        )

    return st.integers(2, 3).flatmap(draw_for)


def as_callable(example: dict[str, Any]) -> Callable[[NDArray[Any]], Any]:
    """The example's expression as a function of one array (``0·p[0]`` keeps a constant in p's dtype)."""
    unpacked = sp.lambdify(example["variables"], example["f"], modules="numpy")
    return lambda p: unpacked(*p) + 0 * p[0]


def quadratic_examples() -> SearchStrategy[dict[str, Any]]:
    """Hypothesis strategy of ``{"A", "b", "c"}``: every row of the classification table.

    ``A = Bᵀ D B + K − Kᵀ`` with ``B`` an ``r × n`` integer matrix, ``D`` a diagonal of
    signs (inertia and rank controlled directly) and ``K − Kᵀ`` an antisymmetric part the
    twins must ignore; ``b`` is either ``A y`` (in the range) or any integer vector.
    """
    from hypothesis import strategies as st

    from ...testing import int_matrices, int_vectors, nonzero_int_vectors

    def build(n: int, r: int) -> SearchStrategy[dict[str, Any]]:
        rows = st.lists(nonzero_int_vectors(n, -3, 3), min_size=r, max_size=r)
        signs = st.lists(st.sampled_from([1, -1]), min_size=r, max_size=r)
        return st.builds(_quadratic, rows, signs, int_matrices(n, n, -2, 2), int_vectors(n, -3, 3), st.booleans(), st.integers(-5, 5))

    return st.integers(1, 3).flatmap(lambda n: st.integers(1, n).flatmap(lambda r: build(n, r)))


def _quadratic(rows: list[list[int]], signs: list[int], k: list[list[int]], y: list[int], in_range: bool, c: int) -> dict[str, Any]:
    B, K = np.array(rows, dtype=np.int64), np.array(k, dtype=np.int64)
    sym = B.T @ np.diag(signs) @ B
    if not np.any(sym):
        sym = B.T @ B  # opposite signs cancelled; with all signs + the rows cannot
    b = sym @ np.array(y) if in_range else np.array(y)
    return {"A": (sym + K - K.T).tolist(), "b": b.tolist(), "c": c}


def quadratic_polynomials() -> SearchStrategy[dict[str, Any]]:
    """Hypothesis strategy of ``{"f", "variables"}``: ``x^T A x + b^T x + c`` expanded, from :func:`quadratic_examples`."""

    def expand(ex: dict[str, Any]) -> dict[str, Any]:
        xs = list(VARIABLES[: len(ex["b"])])
        x = sp.Matrix(xs)
        f = (x.T * sp.Matrix(ex["A"]) * x)[0, 0] + (sp.Matrix(ex["b"]).T * x)[0, 0] + ex["c"]
        return {"f": sp.expand(f), "variables": xs}

    return quadratic_examples().map(expand)
