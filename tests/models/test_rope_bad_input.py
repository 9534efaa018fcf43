"""Bad input to every RoPE function stops with a ValueError or TypeError naming the argument, what was expected and what came."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from refalgo.models.rotary import (
    rope,
    rope_2d,
    rope_2d_symbolic,
    rope_complex,
    rope_decay_bound,
    rope_frequencies,
    rope_symbolic,
    rotation_matrix_symbolic,
)

X = np.ones((3, 8))


@pytest.mark.parametrize("f", [rope, rope_complex])
@pytest.mark.parametrize(
    "x, positions, kw, message",
    [
        (np.ones((3, 7)), [0, 1, 2], {}, r"x: expected a head dimension \(last axis\) even; got 7"),
        (np.ones(8), [0], {}, r"x: expected shape \(\.\.\., n, d\)"),
        (X, [0, 1], {}, r"positions: expected shape \(3,\)"),
        (X, [0, 1.5, 2], {}, r"positions: expected integers >= 0; got 1.5 at positions\[1\]"),
        (X, [0, -1, 2], {}, r"positions: expected integers >= 0; got -1.0"),
        (X, [0, 1, 2], {"base": 1.0}, r"base: expected a number > 1"),
        (X, [0, 1, 2], {"base": 0.5}, r"base: expected a number > 1"),
        (X, [0, 1, 2], {"layout": "neox"}, r"layout: expected 'interleaved' or 'half'; got 'neox'"),
        (np.full((3, 8), np.nan), [0, 1, 2], {}, r"x: expected finite numbers"),
    ],
)
def test_rope_refuses(f, x, positions, kw, message) -> None:
    with pytest.raises(ValueError, match=message):
        f(x, positions, **kw)


@pytest.mark.parametrize(
    "x, positions, message",
    [
        (np.ones((2, 6)), [[0, 0], [1, 1]], r"x: expected a head dimension \(last axis\) divisible by 4 .*; got 6"),
        (np.ones((2, 8)), [0, 1], r"positions: expected shape \(2, 2\)"),
        (np.ones((2, 8)), [[0, 0], [1, -3]], r"positions: expected integers >= 0; got -3.0 at positions\[1, 1\]"),
        (np.ones((2, 8)), [[0, 0.25], [1, 1]], r"positions: expected integers >= 0; got 0.25"),
    ],
)
def test_rope_2d_refuses(x, positions, message) -> None:
    with pytest.raises(ValueError, match=message):
        rope_2d(x, positions)


def test_symbolic_twins_refuse() -> None:
    with pytest.raises(ValueError, match=r"x: expected a head dimension \(last axis\) even; got 3"):
        rope_symbolic([[1, 2, 3]], [0])
    with pytest.raises(ValueError, match=r"positions\[0\]: expected an integer >= 0 or a SymPy symbol; got 1/2"):
        rope_symbolic([[1, 2]], ["1/2"])
    with pytest.raises(ValueError, match=r"positions\[0\]: expected an integer >= 0 or a SymPy symbol; got -2"):
        rope_symbolic([[1, 2]], [-2])
    with pytest.raises(ValueError, match=r"positions: expected shape \(1,\)"):
        rope_symbolic([[1, 2]], [0, 1])
    with pytest.raises(ValueError, match=r"base: expected a number > 1"):
        rope_symbolic([[1, 2]], [0], base=1)
    with pytest.raises(ValueError, match=r"x: expected a head dimension \(last axis\) divisible by 4"):
        rope_2d_symbolic([[1, 2]], [[0, 0]])
    with pytest.raises(ValueError, match=r"positions: expected shape \(1, 2\)"):
        rope_2d_symbolic([[1, 2, 3, 4]], [0])
    with pytest.raises(ValueError, match=r"layout: expected"):
        rotation_matrix_symbolic([sp.Symbol("t", real=True)], layout="gptj")


def test_frequencies_and_bound_refuse() -> None:
    with pytest.raises(ValueError, match=r"dim: expected a positive even integer; got 7"):
        rope_frequencies(7)
    with pytest.raises(ValueError, match=r"dim: expected a positive even integer; got 8.0"):
        rope_frequencies(8.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"base: expected a number > 1"):
        rope_decay_bound([1.0], dim=8, base=1.0)
    with pytest.raises(ValueError, match=r"distances: expected finite numbers"):
        rope_decay_bound([np.inf], dim=8)
