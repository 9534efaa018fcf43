r"""Sarsa and Q-learning with linear features, ε-greedy, run online in an :class:`~refalgo.mdp.MDP` (Sarsa, Q-learning 与函数近似).

Action values are :math:`\hat q(s, a, w) = \phi(s, a)^\top w`, with state–action features
:math:`\Phi` of shape ``(S·A, k)``, row ``s·A + a`` (build them from state features with
:func:`refalgo.rl.features.state_action_features`). Each step takes
:math:`A_t` ε-greedily with respect to :math:`\hat q(S_t, \cdot, w_t)` (ties to the lowest
action index), samples :math:`S_{t+1}` from the model, and updates

.. math::

    w_{t+1} = w_t + \alpha_t\big[R_{t+1} + \gamma\, \hat q(S_{t+1}, A', w_t) - \hat q(S_t, A_t, w_t)\big]\,\phi(S_t, A_t) \qquad (1)

with :math:`A' = A_{t+1}`, the next action actually taken (Sarsa, on-policy: Sutton &
Barto eq. (10.1), Zhao §8.3.1), or :math:`A' = \arg\max_a \hat q(S_{t+1}, a, w_t)`
(Q-learning, off-policy: Zhao §8.3.2). A terminal :math:`S_{t+1}` contributes 0 and the
next episode starts from ``start``. With one-hot features (1) is tabular Sarsa or
Q-learning; with :math:`\alpha = 1` on a deterministic model tabular Q-learning is
asynchronous value iteration, whose error to :math:`q^*` shrinks by :math:`\gamma` every
time all pairs have been updated.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sps
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._validate import as_array, as_count
from ..derivation import Derivation, Step
from ..mdp.model import MDP, terminal_states
from ._engine.inputs import feature_matrix
from .objectives import resolve_weights
from .sampling import Transitions

__all__ = ["ControlRun", "derivations", "linear_q_learning", "linear_sarsa"]


class ControlRun(NamedTuple):
    """The result of :func:`linear_sarsa` or :func:`linear_q_learning`.

    Attributes
    ----------
    weights
        The last iterate :math:`w_T`.
    history
        :math:`w_0, w_e, w_{2e}, \\dots`, every ``record_every`` steps.
    steps
        The step index of each row of ``history``.
    transitions
        The experience of the run (states, actions, rewards, next states, terminations).
    """

    weights: NDArray[np.float64]
    history: NDArray[np.float64]
    steps: NDArray[np.intp]
    transitions: Transitions


def _control(mdp: MDP, features: Any, *, n_steps: int, alpha: Any, epsilon: float, seed: int, start: Any,
             w0: Any, record_every: int | None, greedy_target: bool) -> ControlRun:
    S, A = mdp.n_states, mdp.n_actions
    Phi = sps.csr_array(feature_matrix(features, S * A, independent=False)).toarray()
    n = as_count(n_steps, "n_steps")
    eps = float(as_array(epsilon, "epsilon", ndim=0))
    if not 0 <= eps <= 1:
        raise ValueError(f"epsilon: expected a probability in [0, 1]; got {eps}")
    steps = np.full(n, float(as_array(alpha, "alpha", ndim=0))) if np.ndim(alpha) == 0 else as_array(alpha, "alpha", ndim=1, shape=(n,))
    if not np.all(steps > 0):
        raise ValueError(f"alpha: expected step sizes > 0; got {float(steps.min())}")
    rng = np.random.default_rng(as_count(seed, "seed", minimum=0))
    start_cdf = np.cumsum(resolve_weights(mdp, np.zeros(S, dtype=np.intp), start)) if np.ndim(start) else None
    P_cdf = np.cumsum(mdp.transition_matrix().toarray() if mdp.is_sparse else mdp.transition_matrix(), axis=1)
    terminal = terminal_states(mdp)
    w = np.zeros(Phi.shape[1]) if w0 is None else as_array(w0, "w0", ndim=1, shape=(Phi.shape[1],)).copy()
    every = as_count(record_every, "record_every") if record_every is not None else max(1, n // 200)
    history = [w.copy()]

    def first_state() -> int:
        return int(start) if start_cdf is None else min(int(np.searchsorted(start_cdf, rng.random(), side="right")), S - 1)

    def act(s: int) -> int:  # ε-greedy on q̂(s, ·, w), ties to the lowest index
        return int(rng.integers(A)) if rng.random() < eps else int(np.argmax(Phi[s * A:(s + 1) * A] @ w))

    log = np.zeros((n, 4), dtype=np.intp)
    done = np.zeros(n, dtype=bool)
    s = first_state()
    a = act(s)
    for t in range(n):
        s2 = min(int(np.searchsorted(P_cdf[s * A + a], rng.random(), side="right")), S - 1)  # S' ~ p(·|s, a)
        a2 = act(s2)
        q_next = 0.0 if terminal[s2] else float(np.max(Phi[s2 * A:(s2 + 1) * A] @ w) if greedy_target else Phi[s2 * A + a2] @ w)
        delta = mdp.R[s, a] + mdp.gamma * q_next - Phi[s * A + a] @ w  # the bracket of (1)
        w += steps[t] * delta * Phi[s * A + a]  # (1)
        log[t], done[t] = (s, a, s2, a2), terminal[s2]
        if (t + 1) % every == 0:
            history.append(w.copy())
        s, a = (s2, a2) if not terminal[s2] else (first_state(), -1)
        if a < 0:
            a = act(s)
    experience = Transitions(log[:, 0], log[:, 1], mdp.R[log[:, 0], log[:, 1]], log[:, 2], done)
    return ControlRun(w, np.array(history), np.arange(len(history)) * every, experience)


def linear_sarsa(
    mdp: MDP, features: ArrayLike | sps.sparray, *, n_steps: int, alpha: float | ArrayLike, epsilon: float, seed: int,
    start: int | ArrayLike = 0, w0: ArrayLike | None = None, record_every: int | None = None,
) -> ControlRun:
    r"""Sarsa with linear features: (1) with :math:`A' = A_{t+1}`, the ε-greedy action taken next.

    Parameters
    ----------
    mdp
        The model the agent acts in.
    features
        :math:`\Phi`, ``(S·A, k)``, row ``s·A + a`` (dense or sparse).
    n_steps
        Number of steps, >= 1.
    alpha
        Step size > 0, or one per step.
    epsilon
        Exploration probability :math:`\varepsilon \in [0, 1]`.
    seed
        Seed of NumPy's ``default_rng``.
    start
        The first state of each episode, or a distribution over states.
    w0, record_every
        Initial weights (default zeros); record every this many steps.

    Returns
    -------
    ControlRun

    Raises
    ------
    ValueError
        Features with a row count other than ``S·A``, step sizes <= 0, ``epsilon``
        outside [0, 1], a bad seed or start.

    Examples
    --------
    >>> from refalgo.mdp import MDP
    >>> m = MDP([[[1.0]]], [[1.0]], 0.5)
    >>> run = linear_sarsa(m, [[1.0]], n_steps=200, alpha=0.5, epsilon=0.1, seed=0)
    >>> round(float(run.weights[0]), 6)  # q(s, a) = 1/(1 − γ)
    2.0
    """
    return _control(mdp, features, n_steps=n_steps, alpha=alpha, epsilon=epsilon, seed=seed, start=start, w0=w0,
                    record_every=record_every, greedy_target=False)


def linear_q_learning(
    mdp: MDP, features: ArrayLike | sps.sparray, *, n_steps: int, alpha: float | ArrayLike, epsilon: float, seed: int,
    start: int | ArrayLike = 0, w0: ArrayLike | None = None, record_every: int | None = None,
) -> ControlRun:
    r"""Q-learning with linear features: (1) with :math:`A' = \arg\max_a \hat q(S_{t+1}, a, w_t)`.

    Parameters
    ----------
    mdp, features, n_steps, alpha, epsilon, seed, start, w0, record_every
        As :func:`linear_sarsa`; ``epsilon`` sets the behaviour policy only.

    Returns
    -------
    ControlRun

    Raises
    ------
    ValueError
        As :func:`linear_sarsa`.

    Examples
    --------
    >>> from refalgo.mdp import MDP
    >>> m = MDP([[[1.0], [1.0]]], [[0.0, 1.0]], 0.5)
    >>> run = linear_q_learning(m, [[1.0, 0.0], [0.0, 1.0]], n_steps=400, alpha=0.5, epsilon=1.0, seed=0)
    >>> np.round(run.weights, 6).tolist()  # q* = (γ·2, 1 + γ·2)
    [1.0, 2.0]
    """
    return _control(mdp, features, n_steps=n_steps, alpha=alpha, epsilon=epsilon, seed=seed, start=start, w0=w0,
                    record_every=record_every, greedy_target=True)


def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivations the control page renders: ε-greedy is a distribution; the semi-gradient of (1).

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven', 'proven']
    """
    eps, n = sp.symbols("epsilon n", positive=True)
    greedy = Derivation(
        r"ε-greedy over $n$ actions is a distribution: the greedy action gets $1 - \varepsilon + \varepsilon/n$, each other $\varepsilon/n$",
        [
            Step(1 - eps + eps / n + (n - 1) * eps / n, "greedy, plus $n - 1$ others",
                 display=r"1 - \varepsilon + \frac{\varepsilon}{n} + (n - 1)\frac{\varepsilon}{n}"),
            Step(1 - eps + n * eps / n, r"collect the $n$ terms $\varepsilon/n$", display=r"1 - \varepsilon + n\,\frac{\varepsilon}{n}"),
            Step(sp.Integer(1), r"$n\,\varepsilon/n = \varepsilon$", display="1"),
        ],
        lhs_latex=r"\sum_a \pi(a \mid s)",
        symbols={r"\varepsilon": "the exploration probability", "n": r"the number of actions $|\mathcal A(s)|$"},
    )
    w1, w2, f1, f2, u = sp.symbols("w_1 w_2 phi_1 phi_2 U", real=True)
    q = f1 * w1 + f2 * w2
    loss = (u - q) ** 2 / 2
    semi = Derivation(
        r"The semi-gradient: $-\nabla_w \tfrac12(U - \hat q)^2$ with the target $U$ held fixed is $(U - \hat q)\,\phi(s, a)$ (two features)",
        [
            Step(-sp.diff(loss, w1), r"$U$ held fixed",
                 display=r"-\frac{\partial}{\partial w_1}\tfrac12\bigl(U - \phi_1 w_1 - \phi_2 w_2\bigr)^2"),
            Step((u - q) * f1, "chain rule", display=r"(U - \phi_1 w_1 - \phi_2 w_2)\,\phi_1"),
        ],
        lhs_latex=r"-\partial_{w_1} L",
        names={f1: r"\phi_1", f2: r"\phi_2"},
        symbols={r"\phi_i": r"the features $\phi(s, a)$", "U": r"the target: $R + \gamma\hat q(S', A', w)$ (Sarsa) or "
                 r"$R + \gamma\max_a \hat q(S', a, w)$ (Q-learning)"},
        argument=(r"The target also depends on $w$; the semi-gradient ignores that dependence, which is why (1) is "
                  r"not gradient descent on any objective and Q-learning with features can diverge."),
    )
    return greedy, semi
