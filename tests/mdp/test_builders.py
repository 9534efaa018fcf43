"""Grid-world builders: the reward conventions of the two textbooks, and clear errors."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sps
import sympy as sp

from refalgo.mdp import ACTIONS, grid_world, sutton_barto_gridworld, sutton_barto_small_gridworld, zhao_grid_world

UP, RIGHT, DOWN, LEFT, STAY = range(5)


def next_state(world, s: int, a: int) -> int:
    row = world.mdp.P[s, a]
    assert np.count_nonzero(row) == 1 and row.max() == 1.0
    return int(np.argmax(row))


def test_zhao_reward_conventions() -> None:
    """Zhao (2025), §1.1: boundary bounces back with r_boundary; forbidden cells can be entered
    with r_forbidden and staying there repeats it; the target is not terminal."""
    w = zhao_grid_world(r_boundary=-2.0, r_forbidden=-3.0, r_target=4.0)
    m = w.mdp
    corner = w.state(0, 0)
    assert next_state(w, corner, UP) == corner and m.R[corner, UP] == -2.0
    before_forbidden = w.state(0, 1)
    assert next_state(w, before_forbidden, DOWN) == w.state(1, 1) and m.R[before_forbidden, DOWN] == -3.0
    assert m.R[w.state(1, 1), STAY] == -3.0
    target = w.state(3, 2)
    assert m.R[target, STAY] == 4.0 and next_state(w, target, STAY) == target
    assert m.R[w.state(2, 2), DOWN] == 4.0  # from a forbidden cell into the target
    assert m.R[target, UP] == -3.0  # leaving the target into the forbidden cell above it
    assert m.R[w.state(0, 4), STAY] == 0.0


def test_sutton_barto_teleports_and_terminals() -> None:
    w = sutton_barto_gridworld()
    assert w.actions == ACTIONS[:4]
    for a in range(4):
        assert next_state(w, w.state(0, 1), a) == w.state(4, 1) and w.mdp.R[w.state(0, 1), a] == 10.0
        assert next_state(w, w.state(0, 3), a) == w.state(2, 3) and w.mdp.R[w.state(0, 3), a] == 5.0
    small = sutton_barto_small_gridworld()
    assert small.mdp.gamma == 1.0
    assert all(next_state(small, 0, a) == 0 and small.mdp.R[0, a] == 0.0 for a in range(4))
    assert small.mdp.R[1, LEFT] == -1.0 and next_state(small, 1, LEFT) == 0


def test_sparse_and_dense_builds_agree() -> None:
    dense = grid_world((3, 4), forbidden=[(1, 1)], targets=[(2, 3)])
    sparse = grid_world((3, 4), forbidden=[(1, 1)], targets=[(2, 3)], sparse=True)
    assert sps.issparse(sparse.mdp.P) and not sps.issparse(dense.mdp.P)
    assert np.array_equal(sparse.mdp.P.toarray(), dense.mdp.P.reshape(12 * 5, 12))
    assert np.array_equal(sparse.mdp.R, dense.mdp.R)


@pytest.mark.parametrize(
    "kwargs, exc, message",
    [
        ({"shape": (0, 3)}, ValueError, "shape"),
        ({"shape": (2.5, 3)}, ValueError, "shape"),
        ({"shape": (3, 3), "forbidden": [(3, 0)]}, ValueError, "outside the grid"),
        ({"shape": (3, 3), "targets": ["a1"]}, TypeError, "targets"),
        ({"shape": (3, 3), "forbidden": [(1, 1)], "targets": [(1, 1)]}, ValueError, "only one kind"),
        ({"shape": (3, 3), "actions": ("up", "jump")}, ValueError, "actions"),
        ({"shape": (3, 3), "actions": ("up", "up")}, ValueError, "actions"),
        ({"shape": (3, 3), "r_target": float("nan")}, ValueError, "r_target"),
        ({"shape": (3, 3), "r_boundary": "-1"}, TypeError, "r_boundary"),
        ({"shape": (3, 3), "teleports": {(0, 0): ((5, 5), 1.0)}}, ValueError, "teleports"),
        ({"shape": (3, 3), "gamma": 2.0}, ValueError, "gamma"),
        ({"shape": (3, 3), "gamma": 1}, ValueError, "terminal"),
    ],
)
def test_bad_grid_arguments_are_named(kwargs, exc, message) -> None:
    with pytest.raises(exc, match=message):
        grid_world(**kwargs)


def test_layout_helpers() -> None:
    w = zhao_grid_world()
    assert w.state(3, 2) == 17 and w.cell(17) == (3, 2)
    assert w.grid(np.arange(25)).shape == (5, 5)


def test_zhao_small_grids_with_an_action_subset() -> None:
    """Zhao (2025), §4.2, Figure 4.3: two cells, actions a_l, a_0, a_r; moving left from s1 or
    right from s2 bounces off the boundary, the target s2 pays 1 for entering or staying."""
    w = zhao_grid_world(shape=(1, 2), forbidden=(), target=(0, 1), actions=("left", "stay", "right"))
    assert w.actions == ("left", "stay", "right") and w.mdp.gamma_exact == sp.Rational(9, 10)
    assert [[next_state(w, s, a) for a in range(3)] for s in range(2)] == [[0, 0, 1], [0, 1, 1]]
    assert w.mdp.R.tolist() == [[-1.0, 0.0, 1.0], [0.0, 1.0, -1.0]]


def test_zhao_grid_world_rejects_unknown_actions() -> None:
    with pytest.raises(ValueError, match="actions"):
        zhao_grid_world(actions=("left", "jump"))
