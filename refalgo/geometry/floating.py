r"""Floating-point comparison with a tolerance (the EPS idiom), and the error-free transformations.

The notes compare doubles with a tolerance: two numbers are equal when
:math:`|a - b| < \mathrm{EPS}`, and the sign of :math:`x` is 0 when :math:`|x| < \mathrm{EPS}`,
with EPS "a small value such as :math:`10^{-8}`":

.. math::

    \operatorname{sgn}_\mathrm{EPS}(x) = \begin{cases} 0 & |x| < \mathrm{EPS} \\
    -1 & x < 0 \\ 1 & x > 0 \end{cases} \qquad (1)

    \operatorname{eq}_\mathrm{EPS}(a, b) = \big[\,|a - b| < \mathrm{EPS}\,\big] \qquad (2)

The idiom is cheap and often good enough, but it answers a different question from the
one asked: equality within EPS is not transitive, a fixed EPS means different things at
different scales, and a tolerance on a determinant can call a real turn "collinear" or
leave a rounding error as a "turn". The page shows each failure on concrete doubles.

The exact alternative starts from two **error-free transformations**: for doubles
:math:`a, b` (rounding to nearest, no overflow or underflow) the rounding error of a sum
and of a product is itself a double, and can be computed with a few more operations:

.. math::

    a + b = s + e, \quad s = \mathrm{fl}(a + b) \qquad (3)

    a \times b = x + y, \quad x = \mathrm{fl}(a \times b) \qquad (4)

(3) is Knuth's two-sum (six operations, no branch); (4) is Dekker's two-product, which
splits each factor into two 26-bit halves so that every partial product is exact. Python
3.11 has no ``math.fma`` (3.13 does) and NumPy has none, so the split is the portable way.

**Conventions**: ``eps`` is ``1e-8`` unless given, as in the notes; the symbolic twins
take doubles at their exact binary value (``0.1`` is :math:`3602879701896397/2^{55}`) and
round with Python's correctly rounded ``int / int`` division.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._exact import ExactNumber, exact
from .._validate import as_array, as_positive, as_real
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "EPS",
    "derivations",
    "eq",
    "eq_symbolic",
    "sgn",
    "sgn_symbolic",
    "two_product",
    "two_product_symbolic",
    "two_sum",
    "two_sum_symbolic",
]

EPS = 1e-8  # the notes' tolerance
SPLITTER = 2.0**27 + 1.0  # Dekker: multiplying by 2^27 + 1 splits a double into two 26-bit halves
PRODUCT_MAX = 2.0**995  # beyond this a factor's split overflows
PRODUCT_MIN = 2.0**-969  # below this a nonzero product's rounding error can underflow

REFERENCES = (
    "D. E. Knuth, The Art of Computer Programming, vol. 2, 3rd ed. (1997), section 4.2.2, Theorem B (two-sum).",
    "T. J. Dekker, A floating-point technique for extending the available precision, Numer. Math. 18 (1971) 224-242.",
    "J. R. Shewchuk, Adaptive precision floating-point arithmetic and fast robust geometric predicates, "
    "Discrete Comput. Geom. 18 (1997) 305-363, Theorems 7 and 18.",
)


def _nearest_double(q: Fraction) -> float:
    """The double nearest ``q`` (ties to even): Python's ``int / int`` is correctly rounded."""
    return q.numerator / q.denominator


def sgn_symbolic(x: ExactNumber, eps: ExactNumber = EPS) -> int:
    r"""The notes' sign with tolerance (1), decided on exact numbers.

    Parameters
    ----------
    x
        An exact number (a double enters at its binary value).
    eps
        EPS > 0.

    Returns
    -------
    int
        0 when :math:`|x| < \mathrm{EPS}`, else the sign of ``x``.

    Examples
    --------
    >>> sgn_symbolic("1/1000000000"), sgn_symbolic("-0.5")
    (0, -1)
    """
    v, e = exact(x, "x"), exact(eps, "eps")
    if not e > 0:
        raise ValueError(f"eps: expected a positive number; got {e}")
    return 0 if abs(v) < e else (1 if v > 0 else -1)  # (1)


def eq_symbolic(a: ExactNumber, b: ExactNumber, eps: ExactNumber = EPS) -> bool:
    r"""The notes' equality with tolerance (2), with :math:`|a - b|` computed exactly.

    Examples
    --------
    >>> eq_symbolic(0.3, 0.1 + 0.2), eq_symbolic(0, 1e-8)
    (True, False)
    """
    e = exact(eps, "eps")
    if not e > 0:
        raise ValueError(f"eps: expected a positive number; got {e}")
    return bool(abs(exact(a, "a") - exact(b, "b")) < e)  # (2)


def two_sum_symbolic(a: ExactNumber, b: ExactNumber) -> tuple[sp.Rational, sp.Rational]:
    """The pair (3) from exact arithmetic: ``s`` the double nearest ``a + b``, ``e = a + b - s``.

    Examples
    --------
    >>> two_sum_symbolic(1.0, 2.0**-60)
    (1, 1/1152921504606846976)
    """
    total = Fraction(str(exact(a, "a"))) + Fraction(str(exact(b, "b")))
    s = _nearest_double(total)
    return sp.Rational(Fraction(s)), sp.Rational(total - Fraction(s))


def two_product_symbolic(a: ExactNumber, b: ExactNumber) -> tuple[sp.Rational, sp.Rational]:
    """The pair (4) from exact arithmetic: ``x`` the double nearest ``a b``, ``y = a b - x``.

    Examples
    --------
    >>> two_product_symbolic(1.0 + 2.0**-30, 1.0 + 2.0**-30)[1]
    1/1152921504606846976
    """
    product = Fraction(str(exact(a, "a"))) * Fraction(str(exact(b, "b")))
    x = _nearest_double(product)
    return sp.Rational(Fraction(x)), sp.Rational(product - Fraction(x))


def sgn(x: ArrayLike, eps: float = EPS) -> NDArray[np.int8] | int:
    """The notes' ``sgn(x)`` with tolerance (1), on doubles (elementwise on arrays).

    Parameters
    ----------
    x
        A double or an array of doubles.
    eps
        EPS > 0.

    Returns
    -------
    int or numpy.ndarray
        −1, 0 or 1 (int8 for an array).

    Examples
    --------
    >>> sgn(1e-9), sgn(-0.5)
    (0, -1)
    """
    v = as_array(x, "x", nonempty=False)
    e = as_positive(eps, "eps")
    out = np.where(np.abs(v) < e, 0, np.where(v < 0, -1, 1)).astype(np.int8)  # (1)
    return int(out) if out.ndim == 0 else out


def eq(a: ArrayLike, b: ArrayLike, eps: float = EPS) -> NDArray[np.bool_] | bool:
    """The notes' ``eq(a, b)`` with tolerance (2): ``|a - b| < eps``, with the difference rounded.

    Examples
    --------
    >>> eq(0.1 + 0.2, 0.3), 0.1 + 0.2 == 0.3
    (True, False)
    """
    x, y = as_array(a, "a", nonempty=False), as_array(b, "b", nonempty=False)
    out = np.abs(x - y) < as_positive(eps, "eps")  # (2)
    return bool(out) if out.ndim == 0 else out


def two_sum(a: float, b: float) -> tuple[float, float]:
    """Knuth's two-sum (3): ``s = fl(a + b)`` and its rounding error ``e``, with ``a + b = s + e`` exactly.

    Parameters
    ----------
    a, b
        Finite doubles whose sum does not overflow.

    Returns
    -------
    tuple of float
        ``(s, e)``.

    Raises
    ------
    TypeError, ValueError
        If ``a`` or ``b`` is not a finite real number, or the sum overflows.

    Examples
    --------
    >>> two_sum(0.1, 0.2)
    (0.30000000000000004, -2.7755575615628914e-17)
    """
    a, b = as_real(a, "a"), as_real(b, "b")
    s = a + b
    if not np.isfinite(s):
        raise ValueError(f"a, b: expected a sum below the largest double; got a + b = {s}")
    b_virtual = s - a  # the part of b that made it into s
    a_virtual = s - b_virtual  # the part of a that made it into s
    return s, (a - a_virtual) + (b - b_virtual)  # e = what each lost, (3)


def _split(a: float) -> tuple[float, float]:
    """Dekker's split: ``a = hi + lo`` exactly, each with at most 26 significant bits."""
    c = SPLITTER * a
    hi = c - (c - a)
    return hi, a - hi


def two_product(a: float, b: float) -> tuple[float, float]:
    """Dekker's two-product (4): ``x = fl(a b)`` and its rounding error ``y``, with ``a b = x + y`` exactly.

    Parameters
    ----------
    a, b
        Finite doubles of magnitude at most :math:`2^{995}`, whose product is 0 or at least
        :math:`2^{-969}` in magnitude (the range in which ``y`` is a double).

    Returns
    -------
    tuple of float
        ``(x, y)``.

    Raises
    ------
    TypeError, ValueError
        If ``a`` or ``b`` is not a finite real number or leaves the range above.

    Examples
    --------
    >>> two_product(0.1, 0.1)
    (0.010000000000000002, -8.326672684688674e-19)
    """
    a, b = as_real(a, "a"), as_real(b, "b")
    for name, v in (("a", a), ("b", b)):
        if abs(v) > PRODUCT_MAX:
            raise ValueError(f"{name}: expected |{name}| <= 2**995 (the split overflows beyond); got {v!r}")
    x = a * b
    if x != 0 and abs(x) < PRODUCT_MIN:
        raise ValueError(f"a, b: expected |a b| >= 2**-969 or a b = 0 (the error underflows below); got a b = {x!r}")
    a_hi, a_lo = _split(a)
    b_hi, b_lo = _split(b)
    err = x - a_hi * b_hi  # each partial product has at most 52 bits: exact
    err -= a_lo * b_hi
    err -= a_hi * b_lo
    return x, a_lo * b_lo - err  # y = a b - x, (4)


def derivations() -> tuple[Derivation, ...]:
    """The verified derivations the page renders: why two-sum's error term is exact, and Dekker's split.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven', 'proven']
    """
    a, b, s, bv, av = sp.symbols("a b s b_v a_v", real=True)
    a_hi, a_lo, b_hi, b_lo = sp.symbols("a_hi a_lo b_hi b_lo", real=True)
    return (
        Derivation(
            "Two-sum: $s + e = a + b$ once $b_v = s - a$ and $a_v = s - b_v$ are exact",
            [
                Step(s + ((a - av) + (b - bv)), "$s + e$, with $e$ as two-sum computes it"),
                Step(s + a - (s - bv) + b - bv, "$a_v = s - b_v$ (exact, Knuth's Theorem B)"),
                Step(a + b, "$b_v$ and $s$ cancel"),
            ],
            where={av: s - bv},
            symbols={"s": r"$\mathrm{fl}(a + b)$", "b_v, a_v": "the parts of $b$ and $a$ that made it into $s$"},
            names={bv: "b_v", av: "a_v"},
        ),
        Derivation(
            "Dekker's product: four exact partial products make $a b$",
            [
                Step(a * b, "the product"),
                Step((a_hi + a_lo) * (b_hi + b_lo), "split: $a = a_{hi} + a_{lo}$, $b = b_{hi} + b_{lo}$"),
                Step(a_hi * b_hi + a_lo * b_hi + a_hi * b_lo + a_lo * b_lo, "expand: each term has at most 52 bits"),
            ],
            where={a: a_hi + a_lo, b: b_hi + b_lo},
            names={a_hi: "a_{hi}", a_lo: "a_{lo}", b_hi: "b_{hi}", b_lo: "b_{lo}"},
        ),
    )


def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    magnitudes = st.floats(min_value=2.0**-400, max_value=2.0**60)  # products stay in two-product's range
    doubles = st.one_of(st.just(0.0), st.builds(lambda m, s: m * s, magnitudes, st.sampled_from([1.0, -1.0])))
    return st.fixed_dictionaries({"a": doubles, "b": doubles})


def _exact_pair(pair: tuple[Any, Any]) -> tuple[Fraction, Fraction]:
    return Fraction(str(pair[0])), Fraction(str(pair[1]))


def _compare(exact_pair: Any, numeric_pair: Any, tolerance: Tolerance) -> None:
    got = tuple(Fraction(v) for v in numeric_pair)
    if got != _exact_pair(exact_pair):
        raise AssertionError(f"error-free transformation: numeric {numeric_pair} is not the exact pair {exact_pair}")


CONCEPTS = (
    Concept(
        name="two-sum",
        area="geometry",
        symbolic=lambda ex: two_sum_symbolic(ex["a"], ex["b"]),
        numeric=lambda ex: two_sum(ex["a"], ex["b"]),
        inputs=_inputs,
        tolerance=Tolerance(rtol=0.0, atol=0.0, why="error-free: the rounded sum and its error are exact"),
        references=REFERENCES,
        page="geometry/floating-point.md",
        compare=_compare,
    ),
    Concept(
        name="two-product",
        area="geometry",
        symbolic=lambda ex: two_product_symbolic(ex["a"], ex["b"]),
        numeric=lambda ex: two_product(ex["a"], ex["b"]),
        inputs=_inputs,
        tolerance=Tolerance(rtol=0.0, atol=0.0, why="error-free: the rounded product and its error are exact"),
        references=REFERENCES,
        page="geometry/floating-point.md",
        compare=_compare,
    ),
)
