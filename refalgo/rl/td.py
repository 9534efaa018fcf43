r"""Sampled learners with linear features: semi-gradient TD(λ), gradient Monte Carlo (时序差分, 蒙特卡洛).

Each learner replays a batch of :class:`~refalgo.rl.sampling.Transitions` through one
update per step :math:`t`, with :math:`\hat v(s, w) = \phi(s)^\top w`:

.. math::

    \delta_t = U_t - \phi(S_t)^\top w_t, \qquad
    U_t = R_{t+1} + \gamma\, \phi(S_{t+1})^\top w_t \ \text{(TD)}, \quad U_t = G_t \ \text{(MC)} \qquad (1)

    z_t = \rho_t\big(\gamma\lambda\, z_{t-1} + \phi(S_t)\big), \qquad z_{-1} = 0 \qquad (2)

    w_{t+1} = w_t + \alpha_t\, \delta_t\, z_t \qquad (3)

    \bar w_T = \tfrac1T \textstyle\sum_{t=1}^{T} w_t \qquad (4)

With :math:`\lambda = 0` the trace is :math:`\rho_t\phi(S_t)` and (3) is semi-gradient
TD(0) (Zhao's TD-linear, §8.2.3; Sutton & Barto eq. (9.7)); with one-hot features it is
tabular TD(0). The Monte Carlo target gives gradient MC (Sutton & Barto eq. (9.7) with
:math:`U_t = G_t`), tabular MC with one-hot features. :math:`\rho_t =
\pi(A_t|S_t)/b(A_t|S_t)` (default 1) makes the update off-policy (Sutton & Barto eq.
(11.2)); a terminal :math:`S_{t+1}` has value 0 and resets the trace. (4) is the Polyak
average of the iterates, whose error to the fixed point shrinks as
:math:`1/\sqrt{T}` for independent transitions.

**What they converge to.** On independent transitions drawn from the stationary
distribution, the mean of the TD(0) update is :math:`b - A w`
(:func:`refalgo.rl.td_system`), so with suitable step sizes :math:`w_t \to w_{TD}`
(Tsitsiklis & Van Roy 1997); gradient MC's mean update is :math:`-\tfrac12\nabla
\mathrm{VE}`, so it converges to the value-error minimiser. An update whose TD error
exceeds :math:`10^{150}` in size is taken as divergence: the run stops, warns with a
:class:`DivergenceWarning`, and returns what it has.

Both paths run the same loop: the readable one below (``backend="numpy"``) and a
compiled copy (``backend="numba"``, the ``fast`` extra), which a test holds equal to it.
"""

from __future__ import annotations

import warnings
from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sps
from numpy.typing import ArrayLike, NDArray

from .. import _backend
from .._exact import exact_discount
from .._validate import as_array, as_count
from ._engine.inputs import feature_matrix
from .sampling import Transitions, discounted_returns_by_episode

__all__ = ["DivergenceWarning", "LearningRun", "gradient_monte_carlo", "linear_td_loop", "semi_gradient_td"]

DIVERGED = 1e150


class DivergenceWarning(RuntimeWarning):
    """A sampled update diverged: its history is returned up to the last finite iterate."""


class LearningRun(NamedTuple):
    r"""The result of a sampled learner.

    Attributes
    ----------
    weights
        The last iterate :math:`w_T`.
    average
        The Polyak average :math:`\bar w_T` (4) of :math:`w_1, \dots, w_T`.
    history
        The iterates :math:`w_0, w_e, w_{2e}, \dots` every ``record_every`` = :math:`e`
        steps, shape ``(n_records, k)``.
    steps
        The step index of each row of ``history``.
    diverged
        Whether the run stopped early on a diverging update.
    """

    weights: NDArray[np.float64]
    average: NDArray[np.float64]
    history: NDArray[np.float64]
    steps: NDArray[np.intp]
    diverged: bool


def linear_td_loop(Phi: Any, states: Any, targets: Any, next_states: Any, bootstrap: Any, ratios: Any, alpha: Any,
                   trace_decay: float, resets: Any, w: Any, record_every: int, history: Any, total: Any) -> int:
    r"""The update (1)–(3) in plain Python over a CSR :math:`\Phi`, in place; the number of steps done.

    ``targets[t]`` is :math:`R_{t+1}` (TD) or :math:`G_t` (MC); ``bootstrap[t]`` is the
    coefficient of :math:`\phi(S_{t+1})^\top w` in :math:`U_t` (:math:`\gamma`, or 0 after
    a terminal state and for MC); ``trace_decay`` is :math:`\gamma\lambda`; ``resets[t]``
    clears the trace before step ``t``. ``history`` receives ``w`` every ``record_every``
    steps (row 0 is :math:`w_0`), ``total`` accumulates :math:`\sum_t w_t`.

    Examples
    --------
    >>> Phi = sps.csr_array(np.eye(1))
    >>> w, hist, tot = np.zeros(1), np.zeros((2, 1)), np.zeros(1)
    >>> one = np.ones(1)
    >>> linear_td_loop(Phi, np.zeros(1, int), one, np.zeros(1, int), 0 * one, one, 0.5 * one, 0.0, one > 1, w, 1, hist, tot)
    1
    >>> w.tolist()
    [0.5]
    """
    indptr, indices, data = Phi.indptr, Phi.indices, Phi.data
    z = np.zeros(w.size)
    row = 0
    for t in range(states.size):
        cols, vals = indices[indptr[states[t]]:indptr[states[t] + 1]], data[indptr[states[t]]:indptr[states[t] + 1]]
        nxt = slice(indptr[next_states[t]], indptr[next_states[t] + 1])
        v_next = 0.0
        if bootstrap[t] != 0.0:
            v_next = float(data[nxt] @ w[indices[nxt]])
        delta = targets[t] + bootstrap[t] * v_next - float(vals @ w[cols])  # (1) δ = U − φ(S)ᵀw
        if not abs(delta) < DIVERGED:
            return t
        if trace_decay == 0.0:
            w[cols] += alpha[t] * delta * ratios[t] * vals  # (2)-(3) with λ = 0: z = ρ φ(S)
        else:
            z = np.zeros(w.size) if resets[t] else trace_decay * z
            z[cols] += vals
            z *= ratios[t]  # (2) z = ρ(γλ z + φ(S))
            w += alpha[t] * delta * z  # (3) w ← w + α δ z
        total += w  # (4) Σ w_t
        if (t + 1) % record_every == 0:
            row += 1
            history[row] = w
    return int(states.size)


def _steps(alpha: Any, n: int) -> NDArray[np.float64]:
    a = np.full(n, float(alpha)) if np.ndim(alpha) == 0 else as_array(alpha, "alpha", ndim=1, shape=(n,))
    if np.ndim(alpha) == 0:
        as_array(alpha, "alpha", ndim=0)
    if not np.all(a > 0):
        raise ValueError(f"alpha: expected step sizes > 0; got {float(a.min())}")
    return a


def _run(Phi: Any, t: Transitions, targets: Any, bootstrap: Any, alpha: Any, trace_decay: float, ratios: Any,
         w0: Any, record_every: int | None, backend: str) -> LearningRun:
    n, k = t.states.size, Phi.shape[1]
    every = as_count(record_every, "record_every") if record_every is not None else max(1, n // 200)
    w = np.zeros(k) if w0 is None else as_array(w0, "w0", ndim=1, shape=(k,)).copy()
    rho = np.ones(n) if ratios is None else as_array(ratios, "ratios", ndim=1, shape=(n,))
    if np.any(rho < 0):
        raise ValueError("ratios: expected importance ratios >= 0")
    history = np.zeros((n // every + 1, k))
    history[0] = w
    total = np.zeros(k)
    resets = np.concatenate([[True], t.terminated[:-1]])
    kernels = _backend.compiled("refalgo.rl._engine.kernels", backend)
    loop = kernels.linear_td_loop if kernels is not None else linear_td_loop
    done = loop(sps.csr_array(Phi), t.states.astype(np.intp), np.asarray(targets, dtype=np.float64), t.next_states.astype(np.intp),
                np.asarray(bootstrap, dtype=np.float64), rho, _steps(alpha, n), trace_decay, resets, w, every, history, total)
    diverged = done < n
    if diverged:
        warnings.warn(f"the update diverged at step {done} (|TD error| > 1e150); the history up to it is returned",
                      DivergenceWarning, stacklevel=3)
    rows = done // every + 1
    return LearningRun(w, total / max(done, 1), history[:rows], np.arange(rows) * every, diverged)


def _transitions(transitions: Any, n_states: int) -> Transitions:
    if not isinstance(transitions, Transitions):
        raise TypeError(f"transitions: expected a Transitions batch from refalgo.rl.sampling; got {type(transitions).__name__}")
    for name in ("states", "next_states"):
        idx = getattr(transitions, name)
        if idx.size and (idx.min() < 0 or idx.max() >= n_states):
            raise ValueError(f"transitions.{name}: expected states 0 … {n_states - 1} (the rows of features); got {idx.min()} … {idx.max()}")
    as_array(transitions.rewards, "transitions.rewards", ndim=1)
    return transitions


def semi_gradient_td(
    transitions: Transitions, features: ArrayLike | sps.sparray, *, gamma: float, alpha: float | ArrayLike,
    lam: float = 0.0, w0: ArrayLike | None = None, ratios: ArrayLike | None = None,
    record_every: int | None = None, backend: str = "auto",
) -> LearningRun:
    r"""Semi-gradient TD(λ) with linear features: the update (1)–(3) with the TD target, replayed over ``transitions``.

    :math:`\gamma` is ``gamma``, :math:`\alpha_t` is ``alpha`` (or ``alpha[t]``),
    :math:`\lambda` is ``lam``, :math:`\rho_t` is ``ratios[t]``.

    Parameters
    ----------
    transitions
        From :func:`~refalgo.rl.sampling.sample_transitions` (λ = 0 only) or
        :func:`~refalgo.rl.sampling.sample_trajectory`.
    features
        :math:`\Phi`, ``(S, k)`` with independent columns, dense or sparse.
    gamma
        :math:`\gamma \in [0, 1]`.
    alpha
        Step size > 0, or one per transition.
    lam
        :math:`\lambda \in [0, 1]`; :math:`\lambda > 0` needs a trajectory (consecutive transitions).
    w0
        Initial weights (default zeros).
    ratios
        Importance ratios :math:`\rho_t \ge 0` for off-policy learning (default 1).
    record_every
        Record :math:`w` every this many steps (default: about 200 records).
    backend
        ``"auto"``, ``"numba"`` or ``"numpy"`` (the readable loop).

    Returns
    -------
    LearningRun

    Raises
    ------
    ValueError
        Features that do not match the states, step sizes <= 0, ``gamma`` or ``lam``
        outside [0, 1], ``lam > 0`` on transitions that are not a trajectory, NaN rewards.

    Warns
    -----
    DivergenceWarning
        When the TD error exceeds :math:`10^{150}`; the run stops there.

    Examples
    --------
    >>> from refalgo.mdp import MDP
    >>> from refalgo.rl.sampling import sample_transitions
    >>> m = MDP([[[0.5, 0.5]], [[0.5, 0.5]]], [[0.0], [2.0]], 0.5)
    >>> batch = sample_transitions(m, [0, 0], n=20000, seed=0)
    >>> run = semi_gradient_td(batch, [[1.0], [2.0]], gamma=0.5, alpha=0.01)
    >>> bool(abs(run.average[0] - 8 / 5.5) < 0.05)  # w_TD = 8/(10 − 9γ)
    True
    """
    g = float(exact_discount(gamma, "gamma"))
    lam_ = float(exact_discount(lam, "lam"))
    Phi = feature_matrix(features, _n_rows(features), independent=False)  # learning needs no unique solution
    t = _transitions(transitions, Phi.shape[0])
    if lam_ > 0 and np.any((t.next_states[:-1] != t.states[1:]) & ~t.terminated[:-1]):
        raise ValueError("lam: lam > 0 needs a trajectory (next_states[t] == states[t + 1] within an episode); "
                         "these transitions are independent draws: use lam=0")
    bootstrap = np.where(t.terminated, 0.0, g)  # a terminal S_{t+1} has value 0
    return _run(Phi, t, t.rewards, bootstrap, alpha, g * lam_, ratios, w0, record_every, backend)


def gradient_monte_carlo(
    transitions: Transitions, features: ArrayLike | sps.sparray, *, gamma: float, alpha: float | ArrayLike,
    w0: ArrayLike | None = None, record_every: int | None = None, backend: str = "auto",
) -> LearningRun:
    r"""Gradient Monte Carlo: the update (1)–(3) with the target :math:`G_t`, over the finished episodes of a trajectory.

    Parameters
    ----------
    transitions
        A trajectory from :func:`~refalgo.rl.sampling.sample_trajectory`; the steps of an
        unfinished last episode are dropped.
    features
        :math:`\Phi`, ``(S, k)``.
    gamma
        :math:`\gamma \in [0, 1]`.
    alpha
        Step size > 0, or one per transition (those of the unfinished episode are unused).
    w0, record_every, backend
        As :func:`semi_gradient_td`.

    Returns
    -------
    LearningRun

    Raises
    ------
    ValueError
        As :func:`semi_gradient_td`, or no finished episode.

    Examples
    --------
    >>> from refalgo.rl.sampling import Transitions
    >>> t = Transitions(np.array([0, 1]), np.zeros(2, int), np.array([0.0, 1.0]), np.array([1, 2]), np.array([False, True]))
    >>> gradient_monte_carlo(t, np.eye(3), gamma=1.0, alpha=1.0).weights.tolist()  # G_0 = G_1 = 1
    [1.0, 1.0, 0.0]
    """
    g = float(exact_discount(gamma, "gamma"))
    Phi = feature_matrix(features, _n_rows(features), independent=False)  # learning needs no unique solution
    t = _transitions(transitions, Phi.shape[0])
    G = discounted_returns_by_episode(t, gamma=g)
    keep = int(np.flatnonzero(t.terminated)[-1]) + 1 if t.terminated.any() else 0
    if keep == 0:
        raise ValueError("transitions: gradient Monte Carlo needs at least one finished episode (a terminated step)")
    t = Transitions(t.states[:keep], t.actions[:keep], t.rewards[:keep], t.next_states[:keep], t.terminated[:keep])
    steps = alpha if np.ndim(alpha) == 0 else _steps(alpha, transitions.states.size)[:keep]
    return _run(Phi, t, G[:keep], np.zeros(keep), steps, 0.0, None, w0, record_every, backend)


def _n_rows(features: Any) -> int:
    return int(features.shape[0]) if sps.issparse(features) else int(np.shape(features)[0]) if np.ndim(features) == 2 else -1
