"""Machinery of DDPG on LQR: the replay buffer, the checks of the learner's inputs, its recorder and progress bar.

Only :mod:`refalgo.rl.ddpg` imports this module. Plain NumPy: the systems are small, and a
step of the learner costs a few NumPy calls.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..._validate import as_array, as_count, as_real

__all__ = ["LIMIT", "ReplayBatch", "ReplayBuffer", "check_batch", "check_discount", "check_gains", "check_system", "check_tau",
           "progress_range", "record"]


class ReplayBatch(NamedTuple):
    """A minibatch: states ``(N, n)``, actions ``(N, m)``, costs ``(N,)``, next states ``(N, n)``."""

    x: NDArray[np.float64]
    u: NDArray[np.float64]
    cost: NDArray[np.float64]
    x_next: NDArray[np.float64]


class ReplayBuffer:
    r"""A ring buffer of the last ``capacity`` transitions :math:`(x, u, c, x')`, sampled uniformly with its own seeded generator.

    The one mutable object of this module (as in every DDPG code): :meth:`add` overwrites the
    oldest transition once full, :meth:`sample` draws ``batch_size`` distinct stored
    transitions, each set equally likely.

    Parameters
    ----------
    capacity
        How many transitions are kept, >= 1.
    state_dim, action_dim
        :math:`n` and :math:`m`, >= 1.
    seed
        Seeds the draws of :meth:`sample`.

    Raises
    ------
    ValueError
        Counts < 1, a negative seed.

    Examples
    --------
    >>> buf = ReplayBuffer(10, state_dim=1, action_dim=1, seed=0)
    >>> buf.add([1.0], [0.5], 2.0, [0.8])
    >>> len(buf), buf.sample(1).cost.tolist()
    (1, [2.0])
    """

    def __init__(self, capacity: int, *, state_dim: int, action_dim: int, seed: int) -> None:
        self.capacity = as_count(capacity, "capacity")
        self.state_dim, self.action_dim = as_count(state_dim, "state_dim"), as_count(action_dim, "action_dim")
        self._rng = np.random.default_rng(as_count(seed, "seed", minimum=0))
        self._x = np.zeros((self.capacity, self.state_dim))
        self._u = np.zeros((self.capacity, self.action_dim))
        self._c = np.zeros(self.capacity)
        self._x2 = np.zeros((self.capacity, self.state_dim))
        self.n_added = 0

    def __len__(self) -> int:
        return min(self.n_added, self.capacity)

    def add(self, x: ArrayLike, u: ArrayLike, cost: float, x_next: ArrayLike) -> None:
        """Store one transition, dropping the oldest when full."""
        self.store(as_array(x, "x", ndim=1, shape=(self.state_dim,)), as_array(u, "u", ndim=1, shape=(self.action_dim,)),
                  as_real(cost, "cost"), as_array(x_next, "x_next", ndim=1, shape=(self.state_dim,)))

    def store(self, x: NDArray[np.float64], u: NDArray[np.float64], cost: float, x_next: NDArray[np.float64]) -> None:
        """Store one transition without checking it (the learner's inner loop; :meth:`add` checks)."""
        i = self.n_added % self.capacity
        self._x[i], self._u[i], self._c[i], self._x2[i] = x, u, cost, x_next
        self.n_added += 1

    def sample(self, batch_size: int) -> ReplayBatch:
        """``batch_size`` distinct stored transitions, drawn uniformly; an error if the buffer holds fewer."""
        N = as_count(batch_size, "batch_size")
        if N > len(self):
            raise ValueError(f"batch_size: expected at most the {len(self)} transitions in the buffer"
                             f"{' (it is empty)' if len(self) == 0 else ''}; got {N}")
        idx = self._rng.choice(len(self), size=N, replace=False)
        return ReplayBatch(self._x[idx], self._u[idx], self._c[idx], self._x2[idx])

    def newest(self) -> ReplayBatch:
        """The last transition added, as a batch of one (plain online learning); an error if the buffer is empty."""
        if len(self) == 0:
            raise ValueError("buffer: expected at least one transition; got an empty buffer")
        i = [(self.n_added - 1) % self.capacity]
        return ReplayBatch(self._x[i], self._u[i], self._c[i], self._x2[i])


def check_tau(tau: Any) -> float:
    t = as_real(tau, "tau")
    if not 0 < t <= 1:
        raise ValueError(f"tau: expected a soft-update rate in (0, 1]; got {t}")
    return t


def check_discount(gamma: Any) -> float:
    g = as_real(gamma, "gamma")
    if not 0 <= g < 1:
        raise ValueError(f"gamma: expected a discount in [0, 1); got {g}")
    return g


def check_gains(K: Any, H: Any, K_target: Any, H_target: Any) -> tuple[NDArray[np.float64], ...]:
    Kc = as_array(K, "K", ndim=2)
    d = sum(Kc.shape)
    Hc = as_array(H, "H", shape=(d, d))
    if not np.allclose(Hc, Hc.T, rtol=1e-12, atol=1e-12):
        raise ValueError(f"H: expected a symmetric matrix; got H - Hᵀ of largest entry {np.abs(Hc - Hc.T).max():.3g}")
    return Kc, Hc, as_array(K_target, "K_target", shape=Kc.shape), as_array(H_target, "H_target", shape=(d, d))


def check_batch(batch: Any, n: int, m: int) -> tuple[NDArray[np.float64], ...]:
    if not isinstance(batch, ReplayBatch):
        raise TypeError(f"batch: expected a ReplayBatch; got {type(batch).__name__}")
    x = as_array(batch.x, "batch.x", ndim=2, shape=(None, n))
    N = x.shape[0]
    return (x, as_array(batch.u, "batch.u", shape=(N, m)), as_array(batch.cost, "batch.cost", shape=(N,)),
            as_array(batch.x_next, "batch.x_next", shape=(N, n)))


LIMIT = 1e8  # beyond this a gain, a critic entry or a state counts as diverged


def check_system(A: Any, B: Any, Q: Any, R: Any, Sigma0: Any) -> tuple[NDArray[np.float64], ...]:
    Am = as_array(A, "A", ndim=2)
    n = Am.shape[0]
    if Am.shape != (n, n):
        raise ValueError(f"A: expected a square matrix; got shape {Am.shape}")
    Bm = as_array(B, "B", ndim=2, shape=(n, None))
    m = Bm.shape[1]
    Qm, Rm = as_array(Q, "Q", shape=(n, n)), as_array(R, "R", shape=(m, m))
    S0 = np.eye(n) if Sigma0 is None else as_array(Sigma0, "Sigma0", shape=(n, n))
    for name, M, strict in (("Q", Qm, False), ("R", Rm, True), ("Sigma0", S0, False)):
        low = np.linalg.eigvalsh((M + M.T) / 2).min() if np.allclose(M, M.T) else None
        if low is None or low < -1e-12 or (strict and low <= 0):
            raise ValueError(f"{name}: expected a symmetric positive {'definite' if strict else 'semidefinite'} matrix; "
                             + ("got a non-symmetric one" if low is None else f"got smallest eigenvalue {low:.3g}"))
    w, V = np.linalg.eigh(S0)
    return Am, Bm, Qm, Rm, V * np.sqrt(np.clip(w, 0, None))  # x₀ = V√Λ ξ has covariance Σ₀


def progress_range(n: int, progress: bool) -> Any:
    """``range(n)``, wrapped in a tqdm bar when ``progress`` (and tqdm is installed)."""
    if not progress:
        return range(n)
    try:
        from tqdm.auto import tqdm
    except ImportError:  # the bar is a convenience: without tqdm, run silently
        return range(n)
    return tqdm(range(n), desc="DDPG on LQR")


def record(rec: dict[str, list[Any]], step: int, K: NDArray[np.float64], H: NDArray[np.float64], b: float,
           losses: list[float]) -> None:
    """Append one record of the learner's history: the step, copies of K and H, b, the mean loss since the last record."""
    for key, value in (("steps", step), ("K", K.copy()), ("H", H.copy()), ("b", b),
                       ("loss", float(np.mean(losses)) if losses else np.nan)):
        rec[key].append(value)
    losses.clear()
