"""Properties of RoPE, 1-D and MoonViT's 2-D: the twins agree, the rotations are orthogonal, scores see only relative position, the decay bound holds."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from refalgo.models.rotary import (
    LAYOUTS,
    rope,
    rope_2d,
    rope_2d_symbolic,
    rope_complex,
    rope_decay_bound,
    rope_frequencies,
    rope_symbolic,
)

seeds = st.integers(0, 2**32 - 1)
layouts = st.sampled_from(LAYOUTS)


def _draw(seed: int, shape: tuple[int, ...]) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


def test_symbolic_twin_on_small_cases() -> None:
    """The exact twin, evaluated, equals the numeric twin on integer queries, both layouts, 1-D and 2-D."""
    x = [[1, -2, 3, 0, 5, -1, 2, 4], [0, 1, 1, -3, 2, 2, -1, 0]]
    for layout in LAYOUTS:
        exact = np.array(rope_symbolic(x, [3, 17], base=100, layout=layout).evalf(20), dtype=float)
        np.testing.assert_allclose(rope(np.array(x, float), [3, 17], base=100.0, layout=layout), exact, rtol=0, atol=1e-12)
        exact = np.array(rope_2d_symbolic(x, [[2, 5], [7, 0]], layout=layout).evalf(20), dtype=float)
        np.testing.assert_allclose(rope_2d(np.array(x, float), [[2, 5], [7, 0]], layout=layout), exact, rtol=0, atol=1e-12)


def test_symbolic_twin_keeps_symbols() -> None:
    """With a symbolic position the exact twin returns cos and sin of m·θ_i, θ_i = b^(−2i/d) exactly (RoFormer eq. (15))."""
    m = sp.Symbol("m", integer=True, nonnegative=True)
    out = rope_symbolic([[1, 0, 1, 0]], [m], base=100)
    assert list(out) == [sp.cos(m), sp.sin(m), sp.cos(m / 10), sp.sin(m / 10)]


@settings(max_examples=30)
@given(seeds, layouts, st.integers(1, 8))
def test_complex_twin(seed: int, layout: str, half: int) -> None:
    """RoPE as complex multiplication, z_i·e^{i m θ_i}, equals the real rotation to 1e-12."""
    x = _draw(seed, (2, 5, 2 * half))
    pos = np.random.default_rng(seed + 1).integers(0, 10_000, size=5)
    np.testing.assert_allclose(rope_complex(x, pos, layout=layout), rope(x, pos, layout=layout), rtol=0, atol=1e-12)


@settings(max_examples=30)
@given(seeds, st.integers(1, 8))
def test_layouts_are_a_permutation_apart(seed: int, half: int) -> None:
    """The half layout on channels permuted to [0, 2, 4, …, 1, 3, 5, …] is the interleaved layout, permuted the same way, in 1-D and 2-D."""
    d = 4 * half
    perm = np.r_[0:d:2, 1:d:2]
    x = _draw(seed, (4, d))
    pos = np.arange(4) * 7
    np.testing.assert_array_equal(rope(x[:, perm], pos, layout="half"), rope(x, pos)[:, perm])
    grid = np.stack([pos // 3, pos % 5], axis=1)
    np.testing.assert_array_equal(rope_2d(x[:, perm], grid, layout="half"), rope_2d(x, grid)[:, perm])


@settings(max_examples=30)
@given(seeds, layouts, st.integers(1, 6))
def test_rotation_is_orthogonal(seed: int, layout: str, quarter: int) -> None:
    """R(m) keeps lengths, 1-D and 2-D: |R(m)x| = |x| to 1e-12 relative."""
    x = _draw(seed, (6, 4 * quarter))
    rng = np.random.default_rng(seed)
    for y in (rope(x, rng.integers(0, 10**6, 6), layout=layout), rope_2d(x, rng.integers(0, 500, (6, 2)), layout=layout)):
        np.testing.assert_allclose(np.linalg.norm(y, axis=-1), np.linalg.norm(x, axis=-1), rtol=1e-12)


@settings(max_examples=30)
@given(seeds, layouts, st.integers(1, 6), st.integers(0, 200), st.integers(0, 200), st.integers(0, 1000))
def test_relative_position_1d(seed: int, layout: str, half: int, m: int, n: int, shift: int) -> None:
    """⟨R(m)q, R(n)k⟩ = ⟨R(m+s)q, R(n+s)k⟩, and for n ≥ m it equals ⟨q, R(n − m)k⟩ (RoFormer eq. (16))."""
    q, k = _draw(seed, (2, 1, 2 * half))
    score = np.sum(rope(q, [m], layout=layout) * rope(k, [n], layout=layout))
    shifted = np.sum(rope(q, [m + shift], layout=layout) * rope(k, [n + shift], layout=layout))
    assert abs(score - shifted) <= 1e-10 * (1 + np.sum(np.abs(q) * np.abs(k)))
    if n >= m:
        assert abs(score - np.sum(q * rope(k, [n - m], layout=layout))) <= 1e-10 * (1 + np.sum(np.abs(q) * np.abs(k)))


@settings(max_examples=30)
@given(seeds, layouts, st.integers(1, 4), st.lists(st.integers(0, 60), min_size=4, max_size=4), st.integers(0, 60), st.integers(0, 60))
def test_relative_position_2d(seed: int, layout: str, quarter: int, hw: list[int], sh: int, sw: int) -> None:
    """⟨R(m₁,m₂)q, R(n₁,n₂)k⟩ is unchanged when the whole grid shifts by (s₁, s₂), and equals ⟨q, R(n₁−m₁, n₂−m₂)k⟩ when both differences are ≥ 0."""
    q, k = _draw(seed, (2, 1, 4 * quarter))
    (m1, m2, n1, n2), scale = hw, 1 + np.sum(np.abs(q) * np.abs(k))
    score = np.sum(rope_2d(q, [[m1, m2]], layout=layout) * rope_2d(k, [[n1, n2]], layout=layout))
    shifted = np.sum(rope_2d(q, [[m1 + sh, m2 + sw]], layout=layout) * rope_2d(k, [[n1 + sh, n2 + sw]], layout=layout))
    assert abs(score - shifted) <= 1e-10 * scale
    if n1 >= m1 and n2 >= m2:
        assert abs(score - np.sum(q * rope_2d(k, [[n1 - m1, n2 - m2]], layout=layout))) <= 1e-10 * scale


@settings(max_examples=30)
@given(seeds, st.integers(1, 6), st.integers(0, 300))
def test_2d_on_one_row_is_1d_on_the_column_pairs(seed: int, quarter: int, w: int) -> None:
    """On row h = 0 the 2-D rotation turns the column pairs (2j) as a 1-D RoPE of dimension d/2 at position w, and leaves the row pairs alone."""
    d = 4 * quarter
    x = _draw(seed, (1, d))
    column = np.concatenate([[4 * j, 4 * j + 1] for j in range(quarter)])
    row = column + 2
    y = rope_2d(x, [[0, w]])
    np.testing.assert_allclose(y[:, column], rope(x[:, column], [w]), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(y[:, row], x[:, row])


def test_position_zero_is_the_identity() -> None:
    """Position 0 (and grid cell (0, 0)) leaves the vector exactly as it was."""
    x = _draw(3, (2, 3, 8))
    np.testing.assert_array_equal(rope(x, [0, 0, 0]), x)
    np.testing.assert_array_equal(rope_2d(x, [[0, 0]] * 3, layout="half"), x)


def test_float32_stays_float32() -> None:
    """float32 queries come back float32, and equal the float64 result rounded."""
    x = _draw(4, (5, 16)).astype(np.float32)
    y = rope(x, np.arange(5) * 100)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y, rope(x.astype(np.float64), np.arange(5) * 100).astype(np.float32))


def test_frequencies_closed_form() -> None:
    """θ_i = base^(−2i/d): for d = 8, base = 10⁴ the frequencies are 1, 1/10, 1/100, 1/1000 (RoFormer eq. (15))."""
    np.testing.assert_allclose(rope_frequencies(8), [1, 0.1, 0.01, 0.001], rtol=1e-15)


@settings(max_examples=30)
@given(seeds, st.integers(2, 32), st.integers(-2000, 2000))
def test_decay_bound_holds(seed: int, half: int, r: int) -> None:
    """|⟨R(m)q, R(n)k⟩| ≤ maxᵢ |hᵢ₊₁ − hᵢ| · Σⱼ |Sⱼ| at r = m − n, with hᵢ = q̃ᵢ·conj(k̃ᵢ) and h = 0 past the last pair (RoFormer §3.4.3)."""
    d = 2 * half
    q, k = _draw(seed, (2, 1, d))
    m, n = max(r, 0), max(-r, 0)
    score = np.sum(rope(q, [m]) * rope(k, [n]))
    h = np.append((q[0, 0::2] + 1j * q[0, 1::2]) * (k[0, 0::2] - 1j * k[0, 1::2]), 0.0)
    bound = np.abs(np.diff(h)).max() * (d / 2) * rope_decay_bound([r], dim=d)[0]
    assert abs(score) <= bound * (1 + 1e-12)


@pytest.mark.parametrize("d", [2, 8, 128])
def test_decay_bound_at_zero(d: int) -> None:
    """At distance 0 every S_j = j, so the relative bound is (1/(d/2)) Σ j = (d/2 + 1)/2."""
    assert rope_decay_bound([0.0], dim=d)[0] == pytest.approx((d / 2 + 1) / 2, rel=1e-14)


def test_decay_bound_decays() -> None:
    """For d = 128, base 10⁴ (RoFormer Fig. 2) the relative bound falls with distance: every value on 200…250 lies below a third of the value at 0 and below the mean on 1…10."""
    b = rope_decay_bound(np.arange(0, 251.0), dim=128)
    assert b[200:].max() < b[0] / 3
    assert b[200:].max() < b[1:11].mean()
    assert np.allclose(rope_decay_bound(-np.arange(5.0), dim=128), b[:5], rtol=1e-14)
