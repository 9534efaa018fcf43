"""Input checks, evaluation helpers and example inputs shared by the calculus modules.

:mod:`refalgo.calculus.directional` and :mod:`refalgo.calculus.gradient_vector` take
the same kinds of input (a SymPy expression with its variables and an exact point; a
callable and a float point) and are checked against the same random functions, so the
checks, the guarded evaluation of ``f`` and the Hypothesis strategies live here once.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import sympy as sp
from numpy.typing import NDArray

from .._exact import exact
from ..registry import Tolerance

Method = Literal["central", "complex"]
EPS = float(np.finfo(np.float64).eps)
CENTRAL_SCALE = EPS ** (1 / 3)  # balances truncation h^2 against rounding eps/h
COMPLEX_STEP = 1e-20
NOT_FINITE = (sp.nan, sp.zoo, sp.oo, -sp.oo)


# ---------------------------------------------------------------------- exact inputs
def exact_vector(values: Any, name: str, n: int) -> list[sp.Expr]:
    """``values`` as ``n`` exact numbers, or an error naming ``name``."""
    if isinstance(values, (str, bytes, sp.Basic)) and not isinstance(values, sp.MatrixBase):
        raise TypeError(f"{name}: expected a sequence of {n} numbers; got {values!r}")
    try:
        entries = list(values)
    except TypeError:
        raise TypeError(f"{name}: expected a sequence of {n} numbers; got {values!r}") from None
    if len(entries) != n:
        raise ValueError(f"{name}: expected {n} entries, one per variable; got {len(entries)}")
    return [exact(v, f"{name}[{i}]") for i, v in enumerate(entries)]


def check_expression(f: Any, variables: Any) -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
    """Validate a scalar SymPy expression and its distinct variables."""
    if not isinstance(f, sp.Expr):
        raise TypeError(f"f: expected a scalar SymPy expression; got {type(f).__name__} {f!r}"[:160])
    if isinstance(variables, (str, sp.Basic)) or not isinstance(variables, Sequence):
        raise TypeError(f"variables: expected a list or tuple of SymPy symbols; got {variables!r}")
    xs = tuple(variables)
    bad = [v for v in xs if not isinstance(v, sp.Symbol)]
    if not xs or bad:
        raise TypeError(f"variables: expected a non-empty list of SymPy symbols; got {xs!r}")
    if len(set(xs)) != len(xs):
        raise ValueError(f"variables: expected distinct symbols; got {xs!r}")
    extra = f.free_symbols - set(xs)
    if extra:
        raise ValueError(f"f: has free symbols {sorted(map(str, extra))} that are not among variables {xs}")
    return f, xs


def exact_at(expr: sp.Expr, what: str, where: str) -> sp.Expr:
    """``expr`` (already at a point) evaluated, or a ValueError if it is not a finite real number."""
    value = expr.doit()
    if value.has(*NOT_FINITE) or value.is_finite is False or value.is_extended_real is False or not value.is_number:
        raise ValueError(f"f: {what} is {value} at {where}; expected a finite real number")
    return value


# ---------------------------------------------------------------------- numeric evaluation
def check_callable(f: Any) -> None:
    if not callable(f):
        raise TypeError(f"f: expected a callable taking a 1-D array and returning a number; got {type(f).__name__} {f!r}"[:160])


def check_method(method: Any) -> None:
    if method not in ("central", "complex"):
        raise ValueError(f"method: expected 'central' or 'complex'; got {method!r}")


def value_at(f: Callable[..., Any], x: NDArray[Any], where: str, *, complex_input: bool = False) -> Any:
    """``f(x)`` as a scalar, or an error saying what ``f`` returned at ``where``."""
    out = np.asarray(f(x))
    if out.dtype == object or not np.issubdtype(out.dtype, np.number):
        raise TypeError(f"f: expected f({where}) to return a number; got {out!r}"[:160])
    if out.shape != ():
        raise ValueError(f"f: expected a scalar value; f({where}) returned an array of shape {out.shape}")
    if np.iscomplexobj(out) and not complex_input:
        raise TypeError(f"f: expected a real value for real input; f({where}) returned {out}")
    if not np.isfinite(out):
        raise ValueError(f"f: f({where}) = {out}; f must be finite at and near the point")
    return out[()]


def complex_value(f: Callable[..., Any], z: NDArray[np.complex128], where: str) -> float:
    """``Im f(z)`` for a complex-step point, or a TypeError when ``f`` is not complex-safe."""
    why = "complex-step differentiation needs f to accept complex input and compute in complex arithmetic"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            out = value_at(f, z, where, complex_input=True)
    except (TypeError, np.exceptions.ComplexWarning) as exc:
        if str(exc).startswith("f: expected a scalar"):
            raise
        raise TypeError(f"f: {why}; f({where}) failed with {type(exc).__name__}: {exc}"[:300]) from exc
    if not np.iscomplexobj(out):
        raise TypeError(
            f"f: {why}; f({where}) returned the real value {out}, so f drops the imaginary part "
            "(abs, float(), np.real, a real-valued buffer); use method='central'"
        )
    return float(out.imag)


# ---------------------------------------------------------------------- example inputs for the registry and the tests
VARIABLES = sp.symbols("x y z", real=True)
TOLERANCE = Tolerance(
    rtol=1e-6,
    atol=1e-6,
    why=(
        "central differences with h = eps^(1/3) max(1, |x|): truncation h²/6·|f'''| plus rounding "
        "about eps·|f|/h; for the drawn functions (|x| <= 2, |f| and |f'''| below about 1e4) that is "
        "below 1e-6 in total, a thousand times the typical 1e-10"
    ),
)


def random_functions(n: int, *, max_terms: int = 3, transcendental: bool = True) -> Any:
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


def example_inputs() -> Any:
    """Hypothesis strategy of ``{"f", "variables", "point", "direction"}`` for the registry."""
    from hypothesis import strategies as st

    def draw_for(n: int) -> Any:
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


def as_callable(example: Any) -> Callable[[NDArray[Any]], Any]:
    """The example's expression as a function of one array (``0·p[0]`` keeps a constant in p's dtype)."""
    unpacked = sp.lambdify(example["variables"], example["f"], modules="numpy")
    return lambda p: unpacked(*p) + 0 * p[0]


def as_floats(values: Sequence[Any]) -> NDArray[np.float64]:
    """Exact entries (rationals) as a float64 array, for the numeric twins."""
    return np.array([float(v) for v in values], dtype=np.float64)
