r"""Grid worlds of the two textbooks, and Gymnasium toy-text environments, as :class:`MDP`\ s.

Grid conventions
----------------
Cells are ``(row, col)`` with row 0 at the top; state ``s = row·ncols + col``. The
actions are, in this order, ``up, right, down, left, stay`` (Zhao's :math:`a_1 … a_5`);
the classic four-action worlds of Sutton & Barto use the first four. Moves are
deterministic. The reward depends on where the move ends:

* a move off the grid bounces back (the agent stays) with ``r_boundary``;
* entering — or staying in — a forbidden cell gives ``r_forbidden`` (forbidden cells can
  be entered, as in Zhao's book);
* entering or staying in a target cell gives ``r_target`` (the target is not terminal);
* any other move or stay gives ``r_step``;
* a teleporting cell sends every action to its destination with its own reward
  (Sutton & Barto's A → A′ with +10 and B → B′ with +5);
* a terminal cell is absorbing with reward 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sps
from numpy.typing import ArrayLike, NDArray

from .._validate import as_real
from .model import MDP, Number

__all__ = [
    "ACTIONS",
    "GridWorld",
    "from_gymnasium",
    "grid_world",
    "sutton_barto_gridworld",
    "sutton_barto_small_gridworld",
    "zhao_grid_world",
]

ACTIONS = ("up", "right", "down", "left", "stay")
_MOVES = {"up": (-1, 0), "right": (0, 1), "down": (1, 0), "left": (0, -1), "stay": (0, 0)}
ZHAO_FORBIDDEN = ((1, 1), (1, 2), (2, 2), (3, 1), (3, 3), (4, 1))
ZHAO_TARGET = (3, 2)
DENSE_LIMIT = 8 * 2**20  # entries of a dense P above which the builders store P sparse

Cell = tuple[int, int]


@dataclass(frozen=True, eq=False)
class GridWorld:
    """A grid world: its :class:`MDP` and the layout needed to draw it.

    Attributes
    ----------
    mdp
        The model; state ``s = row·ncols + col``.
    shape
        ``(nrows, ncols)``.
    actions
        Action names in index order.
    forbidden, targets, terminal
        Cells of each kind.
    teleports
        ``{cell: (destination, reward)}``.
    """

    mdp: MDP
    shape: tuple[int, int]
    actions: tuple[str, ...]
    forbidden: tuple[Cell, ...] = ()
    targets: tuple[Cell, ...] = ()
    terminal: tuple[Cell, ...] = ()
    teleports: Mapping[Cell, tuple[Cell, float]] | None = None

    def state(self, row: int, col: int) -> int:
        """The state index of cell ``(row, col)``."""
        return row * self.shape[1] + col

    def cell(self, state: int) -> Cell:
        """The ``(row, col)`` of a state index."""
        return divmod(int(state), self.shape[1])

    def grid(self, values: ArrayLike) -> NDArray[Any]:
        """Per-state values reshaped to the grid, ``(nrows, ncols)``."""
        return np.asarray(values).reshape(self.shape)


def _cells(cells: Sequence[Cell], shape: tuple[int, int], name: str) -> tuple[Cell, ...]:
    out = []
    for c in cells:
        if not (isinstance(c, (tuple, list)) and len(c) == 2 and all(isinstance(x, (int, np.integer)) for x in c)):
            raise TypeError(f"{name}: expected (row, col) pairs of integers; got {c!r}")
        r, k = int(c[0]), int(c[1])
        if not (0 <= r < shape[0] and 0 <= k < shape[1]):
            raise ValueError(f"{name}: cell {(r, k)} lies outside the grid of shape {shape}")
        out.append((r, k))
    return tuple(out)


def _flat(cells: tuple[Cell, ...], ncols: int) -> NDArray[np.intp]:
    return np.array([r * ncols + c for r, c in cells], dtype=np.intp)


def _moves(shape: tuple[int, int], actions: tuple[str, ...]) -> tuple[NDArray[Any], NDArray[np.bool_]]:
    """Next state of each plain move (bouncing back at the edge) and an 'inside the grid' mask, (S, A).

    One vectorized pass per action (a loop over at most five actions, none over states),
    in 32-bit indices to halve the memory traffic of large grids.
    """
    nr, nc = shape
    idx: NDArray[Any] = np.arange(nr * nc, dtype=np.int64 if nr * nc * len(actions) >= 2**31 else np.int32)
    rows: NDArray[Any] = idx // nc
    cols: NDArray[Any] = idx % nc
    nxt = np.empty((idx.size, len(actions)), dtype=idx.dtype)
    inside = np.empty((idx.size, len(actions)), dtype=bool)
    for k, name in enumerate(actions):
        dr, dc = _MOVES[name]
        ok = (rows + dr >= 0) & (rows + dr < nr) & (cols + dc >= 0) & (cols + dc < nc)
        inside[:, k] = ok
        nxt[:, k] = np.where(ok, idx + (dr * nc + dc), idx)
    return nxt, inside


def _assemble(nxt: NDArray[np.integer[Any]], reward: NDArray[np.float64], gamma: Number, sparse: bool | None) -> MDP:
    S, A = nxt.shape
    if sparse is None:
        sparse = S * A * S > DENSE_LIMIT
    if sparse:
        P = sps.csr_array((np.ones(S * A), nxt.ravel(), np.arange(S * A + 1, dtype=nxt.dtype)), shape=(S * A, S))
        return MDP(P, reward, gamma)
    P = np.zeros((S, A, S))
    P[np.arange(S)[:, None], np.arange(A)[None, :], nxt] = 1.0
    return MDP(P, reward, gamma)


def _layout(
    shape: tuple[int, int],
    forbidden: Sequence[Cell],
    targets: Sequence[Cell],
    terminal: Sequence[Cell],
    teleports: Mapping[Cell, tuple[Cell, float]] | None,
) -> tuple[dict[str, tuple[Cell, ...]], dict[Cell, tuple[Cell, float]]]:
    """The validated special cells: each inside the grid and of one kind only."""
    kinds = {"forbidden": _cells(forbidden, shape, "forbidden"), "targets": _cells(targets, shape, "targets"), "terminal": _cells(terminal, shape, "terminal")}
    tele = {c: (_cells([d], shape, "teleports")[0], as_real(r, "teleports")) for c, (d, r) in (teleports or {}).items()}
    _cells(list(tele), shape, "teleports")
    every = [c for cs in kinds.values() for c in cs] + list(tele)
    if len(every) != len(set(every)):
        raise ValueError("forbidden, targets, terminal, teleports: a cell may have only one kind")
    return kinds, tele


def grid_world(
    shape: tuple[int, int],
    *,
    forbidden: Sequence[Cell] = (),
    targets: Sequence[Cell] = (),
    terminal: Sequence[Cell] = (),
    teleports: Mapping[Cell, tuple[Cell, float]] | None = None,
    r_boundary: float = -1.0,
    r_forbidden: float = -1.0,
    r_target: float = 1.0,
    r_step: float = 0.0,
    actions: Sequence[str] = ACTIONS,
    gamma: Number = 0.9,
    sparse: bool | None = None,
) -> GridWorld:
    """A deterministic grid world with the conventions of the module docstring.

    Parameters
    ----------
    shape
        ``(nrows, ncols)``, both >= 1.
    forbidden, targets, terminal
        Cells of each kind, as ``(row, col)``.
    teleports
        ``{cell: (destination, reward)}``: every action in ``cell`` moves to
        ``destination`` and earns ``reward``.
    r_boundary, r_forbidden, r_target, r_step
        Rewards for bouncing off the boundary, entering or staying in a forbidden cell,
        entering or staying in a target, and any other move.
    actions
        Action names from ``up, right, down, left, stay``, in index order.
    gamma
        Discount, as :class:`MDP` accepts it.
    sparse
        Store P as a sparse ``(S·A, S)`` matrix; by default only when the dense array
        would hold more than 8·2²⁰ entries.

    Returns
    -------
    GridWorld

    Raises
    ------
    TypeError, ValueError
        Bad shape, cells outside the grid or of two kinds, unknown actions, non-finite
        rewards, and whatever :class:`MDP` rejects.

    Examples
    --------
    >>> w = grid_world((1, 2), targets=[(0, 1)])
    >>> w.mdp.R.tolist()  # from (0, 0): up, right, down, left, stay
    [[-1.0, 1.0, -1.0, -1.0, 0.0], [-1.0, -1.0, -1.0, 0.0, 1.0]]
    """
    if not (isinstance(shape, (tuple, list)) and len(shape) == 2 and all(isinstance(n, (int, np.integer)) and n >= 1 for n in shape)):
        raise ValueError(f"shape: expected (nrows, ncols) of positive integers; got {shape!r}")
    shape = (int(shape[0]), int(shape[1]))
    acts = tuple(actions)
    unknown = [a for a in acts if a not in _MOVES]
    if unknown or not acts or len(set(acts)) != len(acts):
        raise ValueError(f"actions: expected distinct names from {ACTIONS}; got {acts!r}")
    rb, rf, rt, rs = (as_real(x, n) for x, n in ((r_boundary, "r_boundary"), (r_forbidden, "r_forbidden"), (r_target, "r_target"), (r_step, "r_step")))
    kinds, tele = _layout(shape, forbidden, targets, terminal, teleports)
    nxt, inside = _moves(shape, acts)
    nc = shape[1]
    entering = np.full(shape[0] * nc, rs)  # reward for ending a move (or a stay) in each cell
    entering[_flat(kinds["forbidden"], nc)] = rf
    entering[_flat(kinds["targets"], nc)] = rt
    reward = np.where(inside, entering[nxt], rb)
    for c, (d, r) in tele.items():
        nxt[c[0] * nc + c[1]] = d[0] * nc + d[1]
        reward[c[0] * nc + c[1]] = r
    term = _flat(kinds["terminal"], nc)
    nxt[term] = term[:, None]
    reward[term] = 0.0
    mdp = _assemble(nxt, reward, gamma, sparse)
    return GridWorld(mdp, shape, acts, kinds["forbidden"], kinds["targets"], kinds["terminal"], tele or None)


def zhao_grid_world(
    *,
    shape: tuple[int, int] = (5, 5),
    forbidden: Sequence[Cell] = ZHAO_FORBIDDEN,
    target: Cell = ZHAO_TARGET,
    r_boundary: float = -1.0,
    r_forbidden: float = -1.0,
    r_target: float = 1.0,
    actions: Sequence[str] = ACTIONS,
    gamma: Number = "0.9",
) -> GridWorld:
    r"""The 5×5 grid world of Zhao's book (chapters 2–4): six forbidden cells and one target.

    The same conventions build the book's small examples: the 2×2 grid of chapter 2 and
    of the value-iteration example (Figure 4.2), and the 1×2 grid with the three actions
    left, stay, right of the policy-iteration example (Figure 4.3).

    Parameters
    ----------
    shape, forbidden, target
        The layout; by default the book's: forbidden cells (1, 1), (1, 2), (2, 2),
        (3, 1), (3, 3), (4, 1) and target (3, 2) (0-based (row, col)).
    r_boundary, r_forbidden, r_target
        The rewards (the book's defaults -1, -1, 1); other moves earn 0.
    actions
        Action names from ``up, right, down, left, stay``, in index order; by default all
        five, the book's :math:`a_1, \dots, a_5`.
    gamma
        Discount, by default exactly 9/10.

    Returns
    -------
    GridWorld

    Raises
    ------
    TypeError, ValueError
        Whatever :func:`grid_world` rejects.

    References
    ----------
    S. Zhao, *Mathematical Foundations of Reinforcement Learning*, Springer 2025, §1.1,
    §2.5 (Figures 2.4, 2.5), §4.1 (Figure 4.2), §4.2 (Figure 4.3) and the 5×5 examples of
    chapters 2–4.

    Examples
    --------
    >>> w = zhao_grid_world()
    >>> w.mdp.n_states, w.mdp.n_actions, w.mdp.gamma_exact
    (25, 5, 9/10)
    >>> two = zhao_grid_world(shape=(1, 2), forbidden=(), target=(0, 1), actions=("left", "stay", "right"))
    >>> two.mdp.R.tolist()  # Figure 4.3: s1 and s2 under a_l, a_0, a_r
    [[-1.0, 0.0, 1.0], [0.0, 1.0, -1.0]]
    """
    return grid_world(
        shape, forbidden=forbidden, targets=[target], r_boundary=r_boundary, r_forbidden=r_forbidden,
        r_target=r_target, actions=actions, gamma=gamma,
    )


def sutton_barto_gridworld(*, gamma: Number = "0.9") -> GridWorld:
    """Sutton & Barto's Example 3.5 grid world: A → A′ with +10, B → B′ with +5.

    A 5×5 grid, four actions (up, right, down, left), −1 for bumping into the edge, 0 for
    other moves; every action in A = (0, 1) leads to A′ = (4, 1) with +10, every action in
    B = (0, 3) leads to B′ = (2, 3) with +5.

    Parameters
    ----------
    gamma
        Discount, by default exactly 9/10 as in the book.

    Returns
    -------
    GridWorld

    References
    ----------
    R. S. Sutton and A. G. Barto, *Reinforcement Learning: An Introduction*, 2nd ed., 2018,
    Example 3.5 (Figure 3.2) and Example 3.8 (Figure 3.5).

    Examples
    --------
    >>> sutton_barto_gridworld().mdp.R[1].tolist()
    [10.0, 10.0, 10.0, 10.0]
    """
    return grid_world(
        (5, 5), teleports={(0, 1): ((4, 1), 10.0), (0, 3): ((2, 3), 5.0)}, r_boundary=-1.0, r_step=0.0,
        actions=ACTIONS[:4], gamma=gamma,
    )


def sutton_barto_small_gridworld(*, gamma: Number = 1) -> GridWorld:
    """Sutton & Barto's Example 4.1: a 4×4 grid, −1 per step, terminal corners, undiscounted.

    Parameters
    ----------
    gamma
        Discount, by default 1 (the episodic, undiscounted task of the book).

    Returns
    -------
    GridWorld
        Four actions (up, right, down, left); cells (0, 0) and (3, 3) are terminal.

    References
    ----------
    R. S. Sutton and A. G. Barto, *Reinforcement Learning: An Introduction*, 2nd ed., 2018,
    Example 4.1 (Figure 4.1).

    Examples
    --------
    >>> w = sutton_barto_small_gridworld()
    >>> w.mdp.R[5].tolist(), w.mdp.R[0].tolist()
    ([-1.0, -1.0, -1.0, -1.0], [0.0, 0.0, 0.0, 0.0])
    """
    return grid_world((4, 4), terminal=[(0, 0), (3, 3)], r_boundary=-1.0, r_step=-1.0, actions=ACTIONS[:4], gamma=gamma)


def from_gymnasium(env: Any, gamma: Number) -> MDP:
    """The transition table of a Gymnasium toy-text environment as an :class:`MDP`.

    Parameters
    ----------
    env
        An environment (wrapped or not) whose ``unwrapped.P[s][a]`` lists
        ``(probability, next_state, reward, terminated)``, with discrete observation and
        action spaces: FrozenLake, CliffWalking, Taxi.
    gamma
        Discount, as :class:`MDP` accepts it.

    Returns
    -------
    MDP
        ``n + 1`` states: the environment's ``n`` states and one added absorbing terminal
        state (index ``n``, reward 0). A transition flagged ``terminated`` keeps its reward
        and leads to that state, so nothing is collected after the episode ends.

    Raises
    ------
    TypeError
        ``env`` has no transition table ``P``.

    Examples
    --------
    >>> import gymnasium as gym
    >>> m = from_gymnasium(gym.make("FrozenLake-v1"), 0.9)
    >>> m.n_states, m.n_actions
    (17, 4)
    """
    table = getattr(getattr(env, "unwrapped", env), "P", None)
    if not isinstance(table, Mapping) and not isinstance(table, dict):
        raise TypeError(f"env: expected a Gymnasium toy-text environment with a transition table `P`; got {type(env).__name__}")
    n = len(table)
    A = len(table[0])
    rows, cols, probs, rew = [], [], [], np.zeros((n + 1, A))
    for s in range(n):
        for a in range(A):
            for p, t, r, done in table[s][a]:
                rows.append(s * A + a)
                cols.append(n if done else int(t))
                probs.append(float(p))
                rew[s, a] += float(p) * float(r)
    rows.extend(n * A + a for a in range(A))
    cols.extend([n] * A)
    probs.extend([1.0] * A)
    P = sps.csr_array((probs, (rows, cols)), shape=((n + 1) * A, n + 1))
    P.sum_duplicates()
    return MDP(P.toarray().reshape(n + 1, A, n + 1) if (n + 1) ** 2 * A <= DENSE_LIMIT else P, rew, gamma)
