"""Vectors: the identities the vectors page derives, as properties of both twins."""

from __future__ import annotations

import math

import numpy as np
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from refalgo.geometry import (
    angle,
    angle_symbolic,
    cross,
    cross_symbolic,
    dot,
    dot_symbolic,
    project,
    project_symbolic,
    rotate,
    rotate_symbolic,
)

ints = st.tuples(st.integers(-1000, 1000), st.integers(-1000, 1000))


@given(ints, ints)
def test_lagrange_identity_holds_exactly(u: tuple[int, int], v: tuple[int, int]) -> None:
    """(u · v)² + (u × v)² = |u|² |v|², exactly in both twins (integers below 1000 make every float product exact)."""
    uf, vf = np.array(u, dtype=float), np.array(v, dtype=float)
    assert dot(uf, vf) ** 2 + cross(uf, vf) ** 2 == dot(uf, uf) * dot(vf, vf)
    assert dot_symbolic(u, v) ** 2 + cross_symbolic(u, v) ** 2 == dot_symbolic(u, u) * dot_symbolic(v, v)


@given(ints, ints)
def test_projection_leaves_an_orthogonal_residual(u: tuple[int, int], v: tuple[int, int]) -> None:
    """u − proj_v(u) is orthogonal to v: exactly in the symbolic twin, within a few roundings of |u||v| in the numeric one, and the twins agree."""
    assume(v != (0, 0))
    px, py = project_symbolic(u, v)
    assert (u[0] - px) * v[0] + (u[1] - py) * v[1] == 0
    uf, vf = np.array(u, dtype=float), np.array(v, dtype=float)
    p = project(uf, vf)
    assert abs(dot(uf - p, vf)) <= 8 * 2.0**-53 * (math.hypot(*u) * math.hypot(*v) + 1)
    assert np.allclose(p, [float(px), float(py)], rtol=1e-15, atol=1e-12)


@given(ints, ints, st.floats(-10, 10))
def test_rotation_keeps_dot_cross_and_lengths(u: tuple[int, int], v: tuple[int, int], theta: float) -> None:
    """Rotating both vectors by one angle keeps their dot and cross product (up to rounding relative to |u||v|)."""
    uf, vf = np.array(u, dtype=float), np.array(v, dtype=float)
    ru, rv = rotate(uf, theta), rotate(vf, theta)
    scale = math.hypot(*u) * math.hypot(*v) + 1
    assert abs(dot(ru, rv) - dot(uf, vf)) <= 1e-13 * scale
    assert abs(cross(ru, rv) - cross(uf, vf)) <= 1e-13 * scale


def test_rotation_and_angle_twins_on_exact_angles() -> None:
    """By hand: (3, 4) rotated by π/2 is (−4, 3) and by π/3 is ((3 − 4√3)/2, (3√3 + 4)/2); the angle from (1, 0) to (1, 1) is π/4 in both twins."""
    assert rotate_symbolic((3, 4), sp.pi / 2) == (-4, 3)
    x, y = rotate_symbolic((3, 4), sp.pi / 3)
    assert sp.simplify(x - (3 - 4 * sp.sqrt(3)) / 2) == 0 and sp.simplify(y - (3 * sp.sqrt(3) + 4) / 2) == 0
    assert np.allclose(rotate(np.array([3.0, 4.0]), math.pi / 3), [float(x), float(y)], rtol=1e-15)
    assert angle_symbolic((1, 0), (1, 1)) == sp.pi / 4 and math.isclose(angle(np.array([1.0, 0.0]), np.array([1.0, 1.0])), math.pi / 4, rel_tol=1e-16)
