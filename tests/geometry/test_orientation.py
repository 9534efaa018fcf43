"""The orientation predicate: the exact one is never wrong, the naive and EPS ones are where Kettner et al. say."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from refalgo.geometry import orient2d, orient2d_eps, orient2d_naive, orient2d_symbolic
from tests.geometry._helpers import exact_orientation, kettner_grid

coords = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
points = st.tuples(coords, coords)
wild = st.floats(allow_nan=False, allow_infinity=False, min_value=-(2.0**600), max_value=2.0**600)
tiny_offsets = st.sampled_from([0.0, 2.0**-50, -(2.0**-50), 2.0**-52, 2.0**-1074, -(2.0**-1060)])

# Kettner, Mehlhorn, Pion, Schirra, Yap (2008), Figure 2: the three configurations.
FIGURE_2 = {
    "a": ((0.5, 0.5), (12.0, 12.0), (24.0, 24.0)),
    "b": ((0.50000000000002531, 0.5000000000000171), (17.300000000000001, 17.300000000000001), (24.00000000000005, 24.0000000000000517765)),
    "c": ((0.5, 0.5), (8.8000000000000007, 8.8000000000000007), (12.1, 12.1)),
}


@st.composite
def near_collinear(draw: st.DrawFn) -> tuple[tuple[float, float], ...]:
    """p, q and r = p + t (q - p) rounded, then nudged by a few ulps or a subnormal."""
    p, q = draw(points), draw(points)
    t = draw(st.floats(min_value=-2, max_value=3))
    r = (p[0] + t * (q[0] - p[0]) + draw(tiny_offsets), p[1] + t * (q[1] - p[1]) + draw(tiny_offsets))
    return p, q, r


@given(st.one_of(st.tuples(points, points, points), near_collinear(), st.tuples(*(st.tuples(wild, wild),) * 3)))
def test_exact_sign_matches_rational_arithmetic(triple: tuple[tuple[float, float], ...]) -> None:
    """orient2d is the sign of the exact determinant of the doubles as given, on ordinary, near-collinear and huge inputs, in both backends."""
    want = exact_orientation(*triple)
    assert orient2d(*triple, backend="numpy") == want
    assert orient2d(*triple, backend="numba") == want
    assert int(sp.sign(orient2d_symbolic(*triple))) == want


@given(st.tuples(points, points, points))
def test_cyclic_invariance_and_transposition(triple: tuple[tuple[float, float], ...]) -> None:
    """The exact predicate is invariant under a cyclic permutation of p, q, r and flips sign under a transposition."""
    p, q, r = triple
    s = orient2d(p, q, r)
    assert orient2d(q, r, p) == s and orient2d(r, p, q) == s
    assert orient2d(q, p, r) == -s and orient2d(p, r, q) == -s


@given(st.tuples(points, points, points))
def test_the_three_agree_on_well_conditioned_input(triple: tuple[tuple[float, float], ...]) -> None:
    """Where |D| is far above both the rounding error and EPS, the naive, EPS and exact predicates give the same sign."""
    p, q, r = triple
    det = float(orient2d_symbolic(p, q, r))
    scale = (abs(q[0] - p[0]) + abs(q[1] - p[1])) * (abs(r[0] - p[0]) + abs(r[1] - p[1]))
    if abs(det) > max(1e-6, 1e-12 * scale):
        assert orient2d_naive(p, q, r) == orient2d_eps(p, q, r) == orient2d(p, q, r)


def test_vectorised_equals_one_at_a_time() -> None:
    """On (n, 2) arrays the predicate returns n signs, each the sign of its own triple; a single point broadcasts."""
    rng = np.random.default_rng(0)
    p, q, r = (rng.integers(-3, 4, (200, 2)).astype(float) for _ in range(3))
    signs = orient2d(p, q, r)
    assert signs.shape == (200,)
    assert [exact_orientation(*t) for t in zip(p, q, r)] == signs.tolist()
    assert orient2d(p[0], q, r).tolist() == [exact_orientation(p[0], b, c) for b, c in zip(q, r)]


@pytest.mark.parametrize("name", ["a", "c"])
def test_kettner_figure_2_exact_sign_map(name: str) -> None:
    """Kettner et al. (2008), Fig. 2 (a) and (c): with q, r on y = x the exact sign at grid point (i, j) is sign(j - i); orient2d draws exactly that."""
    p, q, r = FIGURE_2[name]
    grid = kettner_grid(p)
    i, j = np.meshgrid(np.arange(256), np.arange(256))
    assert np.array_equal(orient2d(grid, q, r), np.sign(j - i).reshape(-1))


@pytest.mark.parametrize("name", ["a", "b", "c"])
def test_kettner_figure_2_naive_and_eps_are_wrong(name: str) -> None:
    """Fig. 2: the naive float sign is wrong on part of every 256 x 256 grid (the striped picture); with EPS = 1e-8 every point is "collinear"."""
    p, q, r = FIGURE_2[name]
    grid = kettner_grid(p)
    exact = orient2d(grid, q, r)
    naive = orient2d_naive(grid, q, r)
    assert np.count_nonzero(naive != exact) > 0
    assert np.count_nonzero((naive == -exact) & (exact != 0)) > 0  # outright flipped signs, not only false zeros
    assert np.all(orient2d_eps(grid, q, r) == 0)  # |D| < 256 * 2^-53 * 24 < 1e-8 on the whole grid
    sample = np.random.default_rng(1).choice(len(grid), 300, replace=False)
    assert [exact_orientation(grid[k], q, r) for k in sample] == exact[sample].tolist()


def test_kettner_failure_a1_signs() -> None:
    """Kettner et al. (2008), section 4.2, failure A1: float orientation puts p4 left of all three edges of p1p2p3; exactly it is right of p3p1."""
    p1, p2 = (7.3000000000000194, 7.3000000000000167), (24.000000000000068, 24.000000000000071)
    p3, p4 = (24.00000000000005, 24.000000000000053), (0.50000000000001621, 0.50000000000001243)
    triples = [(p1, p2, p3), (p1, p2, p4), (p2, p3, p4), (p3, p1, p4)]
    assert [orient2d_naive(*t) for t in triples] == [1, 1, 1, 1]
    assert [orient2d(*t) for t in triples] == [1, 1, 1, -1]


def test_kettner_failure_a2_signs() -> None:
    """Failure A2: float orientation puts p4 right of p1p2 (outside) though it is exactly left of all three edges (inside)."""
    p1, p2 = (27.643564356435643, -21.881188118811881), (83.366336633663366, 15.544554455445542)
    p3, p4 = (4.0, 4.0), (73.415841584158414, 8.8613861386138595)
    triples = [(p1, p2, p3), (p1, p2, p4), (p2, p3, p4), (p3, p1, p4)]
    assert [orient2d_naive(*t) for t in triples] == [1, -1, 1, 1]
    assert [orient2d(*t) for t in triples] == [1, 1, 1, 1]


def test_subnormal_and_huge_coordinates() -> None:
    """Products that underflow or overflow never fool the filter: the answers match rational arithmetic."""
    cases = [
        ((0.0, 0.0), (2.0**-1074, 0.0), (0.0, 2.0**-1074)),
        ((0.0, 0.0), (2.0**-600, 2.0**-600), (2.0**-599, 2.0**-599 + 2.0**-1074)),
        ((0.0, 0.0), (2.0**1000, 2.0**1000), (2.0**1001, 2.0**1001)),
        ((-(2.0**1000), 0.0), (2.0**1000, 2.0**-1074), (0.0, 2.0**1000)),
        ((1e308, 1e308), (-1e308, -1e308), (1e308, -1e308)),
    ]
    for p, q, r in cases:
        want = exact_orientation(p, q, r)
        assert orient2d(p, q, r, backend="numpy") == want
        assert orient2d(p, q, r, backend="numba") == want


def test_symbolic_is_the_determinant() -> None:
    """orient2d_symbolic is (q_x - p_x)(r_y - p_y) - (q_y - p_y)(r_x - p_x), with symbols or exact numbers."""
    px, py, qx, qy, rx, ry = sp.symbols("p_x p_y q_x q_y r_x r_y", real=True)
    d = orient2d_symbolic((px, py), (qx, qy), (rx, ry))
    assert sp.expand(d - ((qx - px) * (ry - py) - (qy - py) * (rx - px))) == 0
    assert orient2d_symbolic((0, 0), (1, 0), ("1/3", "1/2")) == sp.Rational(1, 2)
