r"""The orientation predicate: does r lie left of, right of, or on the line through p and q?

The answer is the sign of the 2-D cross product of :math:`q - p` and :math:`r - p`:

.. math::

    D = \det\begin{pmatrix} q_x - p_x & r_x - p_x \\ q_y - p_y & r_y - p_y \end{pmatrix}
      = (q_x - p_x)(r_y - p_y) - (q_y - p_y)(r_x - p_x) \qquad (5)

:math:`D > 0` when :math:`p, q, r` turn counter-clockwise (:math:`r` left of
:math:`\vec{pq}`), :math:`D < 0` clockwise, :math:`D = 0` collinear; :math:`D/2` is the
signed area of the triangle.

Three implementations are held against each other. :func:`orient2d_naive` takes the sign
of (5) evaluated in doubles; :func:`orient2d_eps` applies the notes' ``sgn`` with a
tolerance to the same number; both can be wrong when :math:`|D|` is near the rounding
error. :func:`orient2d` is never wrong: it returns the sign of the exact determinant of
the doubles as given. It evaluates (5) in doubles, keeps the sign when

.. math::

    |\hat D| > \mathrm{fl}\big(\mathrm{fl}(C\,\mathrm{fl}(|\hat L| + |\hat R|)) + U\big) \qquad (6)

(:math:`\hat L, \hat R` the two computed products, :math:`C = 3\varepsilon + 32\varepsilon^2`,
:math:`U = 2^{-1000}`, :math:`\varepsilon = 2^{-53}`: a bound on the rounding error of
:math:`\hat D`, derived on the page), and otherwise decides exactly (7): with rational
arithmetic in the readable path, with Shewchuk's expansion arithmetic in the compiled one.

**Conventions**: points are ``(x, y)`` pairs, or ``(n, 2)`` arrays for ``n`` triples at once
(a single point broadcasts against an array); counter-clockwise is positive, as in
Shewchuk's ``orient2d`` and CGAL's ``orientation`` (which returns ``LEFT_TURN``). Shewchuk
computes :math:`\det[p - r, q - r]`, which is the same number.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._backend import compiled
from .._exact import ExactNumbers, exact_vector
from .._validate import as_array
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance
from ._engine.bounds import FILTER_COEFFICIENT, FILTER_FLOOR, INCIRCLE_COEFFICIENT, INCIRCLE_MAX, INCIRCLE_MIN
from .floating import EPS, sgn

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["derivations", "incircle", "incircle_symbolic", "orient2d", "orient2d_eps", "orient2d_naive", "orient2d_symbolic"]

REFERENCES = (
    "J. R. Shewchuk, Adaptive precision floating-point arithmetic and fast robust geometric predicates, "
    "Discrete Comput. Geom. 18 (1997) 305-363, section 4.",
    "L. Kettner, K. Mehlhorn, S. Pion, S. Schirra, C. Yap, Classroom examples of robustness problems in "
    "geometric computations, Comput. Geom. 40 (2008) 61-78, section 3 and Figure 2.",
)


def orient2d_symbolic(p: ExactNumbers, q: ExactNumbers, r: ExactNumbers) -> sp.Expr:
    r"""The determinant (5), exactly: doubles at their binary value, or symbols.

    Parameters
    ----------
    p, q, r
        Points ``(x, y)`` of exact numbers (or SymPy symbols).

    Returns
    -------
    sympy.Expr
        :math:`D`; its sign is the orientation.

    Examples
    --------
    >>> orient2d_symbolic((0, 0), (1, 0), (0, 1))
    1
    >>> orient2d_symbolic((0.5, 0.5), (12, 12), (24, 24))
    0
    """
    px, py = exact_vector(p, "p", length=2, symbolic=True)
    qx, qy = exact_vector(q, "q", length=2, symbolic=True)
    rx, ry = exact_vector(r, "r", length=2, symbolic=True)
    return sp.expand((qx - px) * (ry - py) - (qy - py) * (rx - px))



def incircle_symbolic(a: ExactNumbers, b: ExactNumbers, c: ExactNumbers, d: ExactNumbers) -> sp.Expr:
    r"""The in-circle determinant (15), exactly: positive when ``d`` is inside the circle through ``a, b, c`` (counter-clockwise).

    .. math::

        I = \det\begin{pmatrix} a_x - d_x & a_y - d_y & |a - d|^2 \\ b_x - d_x & b_y - d_y & |b - d|^2 \\
            c_x - d_x & c_y - d_y & |c - d|^2 \end{pmatrix} \qquad (15)

    Examples
    --------
    >>> incircle_symbolic((0, 0), (2, 0), (0, 2), (1, 1)), incircle_symbolic((0, 0), (2, 0), (0, 2), (2, 2))
    (8, 0)
    """
    rows = [exact_vector(x, n, length=2, symbolic=True) for x, n in ((a, "a"), (b, "b"), (c, "c"))]
    dx, dy = exact_vector(d, "d", length=2, symbolic=True)
    m = sp.Matrix([[x - dx, y - dy, (x - dx) ** 2 + (y - dy) ** 2] for x, y in rows])
    return sp.expand(m.det())

def _triples(p: ArrayLike, q: ArrayLike, r: ArrayLike, *, finite: bool = True) -> tuple[NDArray[np.float64], ...]:
    """``p, q, r`` as (n, 2) float arrays of one length (finiteness checked only with ``finite``)."""
    arrays = []
    for name, x in (("p", p), ("q", q), ("r", r)):
        a = as_array(x, name, ndim=(1, 2), finite=False)
        arrays.append(as_array(a, name, shape=(2,) if a.ndim == 1 else (None, 2), finite=finite))
    sizes = {a.shape[0] for a in arrays if a.ndim == 2}
    if len(sizes) > 1:
        got = ", ".join(str(a.shape) for a in arrays)
        raise ValueError(f"p, q, r: expected single points or arrays of the same number of points; got shapes {got}")
    n = sizes.pop() if sizes else 1
    return tuple(np.broadcast_to(np.atleast_2d(a), (n, 2)) for a in arrays)


def _shaped(signs: NDArray[np.int8], p: ArrayLike, q: ArrayLike, r: ArrayLike) -> NDArray[np.int8] | int:
    single = all(np.ndim(x) == 1 for x in (p, q, r))
    return int(signs[0]) if single else signs


def _rational_sign(p: NDArray[np.float64], q: NDArray[np.float64], r: NDArray[np.float64]) -> int:
    """The sign of (5) in exact rational arithmetic: the doubles at their binary value (7)."""
    px, py, qx, qy, rx, ry = (Fraction(float(v)) for v in (*p, *q, *r))
    det = (qx - px) * (ry - py) - (qy - py) * (rx - px)
    return (det > 0) - (det < 0)


def orient2d(p: ArrayLike, q: ArrayLike, r: ArrayLike, *, backend: str = "auto") -> NDArray[np.int8] | int:
    """The exact orientation of ``p, q, r``: the sign of (5) for the doubles as given, never wrong.

    Parameters
    ----------
    p, q, r
        Points ``(x, y)``, or ``(n, 2)`` arrays of finite doubles (a single point broadcasts).
    backend
        ``"auto"``, ``"numba"`` (compiled filter and expansion arithmetic) or ``"numpy"``
        (the readable path: the filter (6) in NumPy, then rational arithmetic).

    Returns
    -------
    int or numpy.ndarray
        +1 counter-clockwise, −1 clockwise, 0 collinear; an int8 array of ``n`` signs for arrays.

    Raises
    ------
    TypeError, ValueError
        If a point is not a pair (or an array of pairs) of finite numbers, or the arrays differ in length.

    Examples
    --------
    >>> orient2d((0.5, 0.5), (12.0, 12.0), (24.0, 24.0))
    0
    >>> orient2d((0.5 + 2.0**-53, 0.5), (12.0, 12.0), (24.0, 24.0))
    -1
    """
    P, Q, R = _triples(p, q, r, finite=False)  # NaN and inf fail the filter (6); checked below
    kernels = compiled("refalgo.geometry._engine.kernels", backend)
    if kernels is not None:
        signs = np.empty(P.shape[0], dtype=np.int8)
        count = kernels.orient_many(np.ascontiguousarray(P), np.ascontiguousarray(Q), np.ascontiguousarray(R), signs)
        undecided = signs == kernels.UNDECIDED if count else np.zeros(0, dtype=bool)
    else:
        with np.errstate(over="ignore", invalid="ignore"):  # inf and nan fail the test (6) and go to (7)
            left = (Q[:, 0] - P[:, 0]) * (R[:, 1] - P[:, 1])  # (5)
            right = (Q[:, 1] - P[:, 1]) * (R[:, 0] - P[:, 0])
            det = left - right  # (5), rounded
            bound = FILTER_COEFFICIENT * (np.abs(left) + np.abs(right)) + FILTER_FLOOR  # (6)
            undecided = ~(np.abs(det) > bound)
            signs = np.where(undecided, 0, np.sign(det)).astype(np.int8)  # right wherever (6) holds
    if undecided.any():
        _triples(p, q, r)  # a NaN or infinite coordinate raises here, naming its argument
    for i in np.flatnonzero(undecided):
        signs[i] = _rational_sign(P[i], Q[i], R[i])  # (7)
    return _shaped(signs, p, q, r)


def orient2d_naive(p: ArrayLike, q: ArrayLike, r: ArrayLike) -> NDArray[np.int8] | int:
    """The sign of (5) evaluated in doubles, as most code does: wrong when rounding flips or zeroes it.

    Examples
    --------
    >>> orient2d_naive((0.5 + 2.0**-53, 0.5), (12.0, 12.0), (24.0, 24.0))
    0
    """
    P, Q, R = _triples(p, q, r)
    det = (Q[:, 0] - P[:, 0]) * (R[:, 1] - P[:, 1]) - (Q[:, 1] - P[:, 1]) * (R[:, 0] - P[:, 0])
    return _shaped(np.sign(det).astype(np.int8), p, q, r)


def orient2d_eps(p: ArrayLike, q: ArrayLike, r: ArrayLike, eps: float = EPS) -> NDArray[np.int8] | int:
    """The notes' orientation: ``sgn`` with tolerance (1) of (5) evaluated in doubles.

    Examples
    --------
    >>> orient2d_eps((0.0, 0.0), (1e-5, 0.0), (0.0, 1e-5))
    0
    """
    P, Q, R = _triples(p, q, r)
    det = (Q[:, 0] - P[:, 0]) * (R[:, 1] - P[:, 1]) - (Q[:, 1] - P[:, 1]) * (R[:, 0] - P[:, 0])
    signs = sgn(det, eps)
    return _shaped(np.asarray(signs, dtype=np.int8).reshape(-1), p, q, r)



def _rational_incircle(a: Any, b: Any, c: Any, d: Any) -> int:
    """The sign of (15) in exact rational arithmetic (the doubles at their binary value)."""
    dx, dy = Fraction(float(d[0])), Fraction(float(d[1]))
    rows = [(Fraction(float(p[0])) - dx, Fraction(float(p[1])) - dy) for p in (a, b, c)]
    (ax, ay), (bx, by), (cx, cy) = rows
    det = (ax * ax + ay * ay) * (bx * cy - cx * by) + (bx * bx + by * by) * (cx * ay - ax * cy) + (cx * cx + cy * cy) * (ax * by - bx * ay)
    return (det > 0) - (det < 0)


def incircle(a: ArrayLike, b: ArrayLike, c: ArrayLike, d: ArrayLike) -> int:
    """The exact sign of the in-circle determinant (15) of the doubles as given: +1 inside, 0 on, −1 outside.

    For ``a, b, c`` counter-clockwise (clockwise flips the sign). The determinant is
    evaluated in doubles and its sign kept when it exceeds :math:`16\\varepsilon` times the
    permanent (Shewchuk's first-stage bound is :math:`(10 + 96\\varepsilon)\\varepsilon`), provided
    every nonzero coordinate difference lies in :math:`[2^{-200}, 2^{200}]`, so that nothing
    underflows or overflows; otherwise the sign is computed in rational arithmetic.

    Parameters
    ----------
    a, b, c, d
        Points ``(x, y)`` of finite doubles.

    Returns
    -------
    int
        +1, 0 or −1.

    Raises
    ------
    TypeError, ValueError
        If a point is not a pair of finite numbers.

    Examples
    --------
    >>> incircle((0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (0.5, 0.5)), incircle((0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0))
    (1, 0)
    """
    pts = [as_array(x, n, shape=(2,)) for x, n in ((a, "a"), (b, "b"), (c, "c"), (d, "d"))]
    (adx, ady), (bdx, bdy), (cdx, cdy) = (p - pts[3] for p in pts[:3])
    diffs = np.abs(np.array([adx, ady, bdx, bdy, cdx, cdy]))
    nonzero = diffs[diffs != 0]
    if nonzero.size and INCIRCLE_MIN <= nonzero.min() and nonzero.max() <= INCIRCLE_MAX:
        alift, blift, clift = adx * adx + ady * ady, bdx * bdx + bdy * bdy, cdx * cdx + cdy * cdy
        det = alift * (bdx * cdy - cdx * bdy) + blift * (cdx * ady - adx * cdy) + clift * (adx * bdy - bdx * ady)  # (15)
        permanent = (
            (abs(bdx * cdy) + abs(cdx * bdy)) * alift
            + (abs(cdx * ady) + abs(adx * cdy)) * blift
            + (abs(adx * bdy) + abs(bdx * ady)) * clift
        )
        if abs(det) > INCIRCLE_COEFFICIENT * permanent:
            return 1 if det > 0 else -1
    return _rational_incircle(*pts)

def derivations() -> tuple[Derivation, ...]:
    """The verified derivations the page renders.

    The cross product is twice the signed area (the shoelace formula of a triangle); the
    determinant is invariant under a cyclic permutation; the filter's coefficient ``C``
    covers the exact error coefficient with a positive margin.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven', 'proven', 'proven']
    """
    px, py, qx, qy, rx, ry = sp.symbols("p_x p_y q_x q_y r_x r_y", real=True)
    e = sp.Symbol("varepsilon", positive=True)
    c1, bracket = sp.symbols("c_1 P", positive=True)
    cross = (qx - px) * (ry - py) - (qy - py) * (rx - px)
    c1_value = (1 + e) * ((1 + e) ** 3 - 1) / (1 - e) ** 4
    bracket_value = 32 * e**6 - 189 * e**5 + 462 * e**4 - 595 * e**3 + 419 * e**2 - 151 * e + 8
    return (
        Derivation(
            "The cross product is twice the signed area of the triangle $pqr$",
            [
                Step((px * qy - qx * py) + (qx * ry - rx * qy) + (rx * py - px * ry), "shoelace: $2A$ over the edges $pq, qr, rp$"),
                Step(cross, "regroup around $p$: the cross product of $q - p$ and $r - p$"),
            ],
        ),
        Derivation(
            "Orientation is invariant under a cyclic permutation of $p, q, r$",
            [
                Step(cross, "$\\det[q - p, r - p]$"),
                Step((rx - qx) * (py - qy) - (ry - qy) * (px - qx), "$\\det[r - q, p - q]$"),
            ],
        ),
        Derivation(
            "The filter's coefficient $C = 3\\varepsilon + 32\\varepsilon^2$ covers the error coefficient $c_1$",
            [
                Step((3 * e + 32 * e**2) * (1 - e) ** 2 - c1, "$C(1 - \\varepsilon)^2 - c_1$: the margin left after rounding $C\\hat T$"),
                Step(e**2 * bracket / (1 - e) ** 4, "one fraction: positive for $0 < \\varepsilon \\le 2^{-53}$, where $P$ is near 8"),
            ],
            where={c1: c1_value, bracket: bracket_value},
            symbols={"\\varepsilon": "$2^{-53}$, the unit roundoff", "c_1": "$(1 + \\varepsilon)((1 + \\varepsilon)^3 - 1)/(1 - \\varepsilon)^4$", "P": "$8 - 151\\varepsilon + 419\\varepsilon^2 - 595\\varepsilon^3 + 462\\varepsilon^4 - 189\\varepsilon^5 + 32\\varepsilon^6$"},
        ),
    )


def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    coords = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)
    points = st.tuples(coords, coords)
    # near-degenerate triples: r on the line through p and q, nudged by a few ulps
    on_line = st.builds(
        lambda p, q, t, dx, dy: {"p": p, "q": q, "r": (p[0] + t * (q[0] - p[0]) + dx, p[1] + t * (q[1] - p[1]) + dy)},
        points,
        points,
        st.floats(min_value=-2, max_value=3),
        st.sampled_from([0.0, 2.0**-50, -(2.0**-50), 2.0**-40]),
        st.sampled_from([0.0, 2.0**-50, -(2.0**-52)]),
    )
    return st.one_of(st.fixed_dictionaries({"p": points, "q": points, "r": points}), on_line)


def _symbolic(example: dict[str, Any]) -> int:
    d = orient2d_symbolic(example["p"], example["q"], example["r"])
    return int(sp.sign(d))


def _numeric(example: dict[str, Any]) -> int:
    return int(orient2d(example["p"], example["q"], example["r"]))


CONCEPTS = (
    Concept(
        name="orientation",
        area="geometry",
        symbolic=_symbolic,
        numeric=_numeric,
        inputs=_inputs,
        tolerance=Tolerance(rtol=0.0, atol=0.0, why="exact: the sign of the exact determinant"),
        references=REFERENCES,
        page="geometry/predicates.md",
    ),
)
