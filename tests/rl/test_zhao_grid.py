"""Zhao, *Mathematical Foundations of RL*, §8.2 (its illustrative examples): TD-linear on the 5×5 grid world with polynomial and Fourier features.

The book's setting: the 5×5 grid of chapters 2–4 (forbidden cells and target as in
:func:`refalgo.mdp.zhao_grid_world`), r_boundary = r_forbidden = −1, r_target = 1, γ = 0.9,
the uniform policy (each of the five actions with probability 0.2), episodes that start at
a uniformly drawn state, and features of the cell's coordinates: polynomials [1, x, y],
[1, x, y, x², xy, y²], …, and the Fourier basis cos(π(c₁x + c₂y)). Here x = col/4, y = row/4
lie in [0, 1] (the book's Fourier features use [0, 1] too); the book's polynomial features
use raw indices, which changes the weights but not the span, so not Φw_TD.

The statistical argument for the sampled check: P_π is doubly stochastic, so the uniform
start is stationary and every step of the trajectory is distributed as d; the long-run
mean of constant-step TD(0) is then w_TD up to O(α), below the spread of 10 seeds, so the
seed mean is held within 5 standard errors.
"""

from __future__ import annotations

import numpy as np
import pytest

from refalgo.mdp import policy_model, state_values, zhao_grid_world
from refalgo.rl import (
    fourier_features,
    grid_coordinates,
    polynomial_features,
    sample_trajectory,
    semi_gradient_td,
    stationary_distribution,
    td_fixed_point,
    value_error_minimizer,
    weighted_norm,
)

GRID = zhao_grid_world()
PI = np.full((25, 5), 0.2)
XY = grid_coordinates((5, 5))

# The ground-truth values of the uniform policy in §8.2's illustrative examples, one decimal, row by row (row 0 at the top).
BOOK_VALUES = np.array([
    [-3.8, -3.8, -3.6, -3.1, -3.2],
    [-3.8, -3.8, -3.8, -3.1, -2.9],
    [-3.6, -3.9, -3.4, -3.2, -2.9],
    [-3.9, -3.6, -3.4, -2.9, -3.2],
    [-4.5, -4.2, -3.4, -3.4, -3.5],
])


def test_ground_truth_values_of_the_uniform_policy() -> None:
    """Zhao §8.2, illustrative examples: the true state values of the uniform policy on the 5×5 grid, to the book's one decimal."""
    v = state_values(GRID.mdp, PI).reshape(5, 5)
    assert np.all(np.abs(v - BOOK_VALUES) <= 0.05 + 1e-12), np.round(v, 2)


def test_uniform_policy_has_the_uniform_stationary_distribution() -> None:
    """Every column of P_π sums to 1 (a move and its reverse are equally likely; bounces stay), so d is uniform: TD-linear's weighting is the book's plain RMSE over the 25 states."""
    P, _ = policy_model(GRID.mdp, PI)
    assert np.allclose(np.asarray(P).sum(axis=0), 1.0, atol=1e-12)
    assert np.allclose(stationary_distribution(GRID.mdp, PI), 1 / 25, atol=1e-14)


@pytest.mark.parametrize("build", [lambda n: polynomial_features(XY, degree=n), lambda n: fourier_features(XY, order=n)],
                         ids=["polynomial", "fourier"])
def test_more_features_approximate_better(build) -> None:
    """As Zhao's illustrative examples show, a richer basis (degree or order 1, 2, 3) gives TD-linear a smaller RMSE, and each TD fixed point is within 1/√(1 − γ²) of the best approximation."""
    v = state_values(GRID.mdp, PI)
    d = np.full(25, 1 / 25)
    errors = []
    for n in (1, 2, 3):
        Phi = build(n)
        e_td = weighted_norm(Phi @ td_fixed_point(GRID.mdp, PI, Phi) - v, d)  # the RMSE over the states
        e_best = weighted_norm(Phi @ value_error_minimizer(GRID.mdp, PI, Phi) - v, d)
        assert e_best <= e_td <= e_best / np.sqrt(1 - 0.81) + 1e-12
        errors.append(e_td)
    assert errors[0] > errors[1] > errors[2] > 0


@pytest.mark.parametrize(("name", "alpha"), [("plane", 0.01), ("fourier2", 0.005)])
def test_sampled_td_linear_reaches_the_exact_fixed_point(name: str, alpha: float) -> None:
    """Sampled TD-linear on the grid (uniform starts, uniform policy) averages to the exact w_TD within 5 standard errors over 10 seeds, with [1, x, y] and with the order-2 Fourier basis."""
    Phi = polynomial_features(XY, degree=1) if name == "plane" else fourier_features(XY, order=2)
    w_td = td_fixed_point(GRID.mdp, PI, Phi)
    estimates = []
    for seed in range(10):
        t = sample_trajectory(GRID.mdp, PI, n=50_000, seed=seed, start=np.full(25, 0.04))
        run = semi_gradient_td(t, Phi, gamma=0.9, alpha=alpha, record_every=10)
        estimates.append(run.history[run.history.shape[0] // 2:].mean(axis=0))
    e = np.array(estimates)
    se = e.std(axis=0, ddof=1) / np.sqrt(len(e))
    assert np.all(np.abs(e.mean(axis=0) - w_td) <= 5 * se), (e.mean(axis=0), w_td, se)
