r"""Mixture of experts: routing (softmax top-k, DeepSeek-V3's sigmoid group-limited top-k), load balancing, capacity, the layer.

A mixture-of-experts (MoE) layer replaces one feed-forward network by :math:`N` smaller ones,
the *experts*, and a *router* that sends each token to :math:`k` of them. Token :math:`t` with
router logits :math:`z_t = W_r x_t` (``router`` is :math:`W_r`, shape ``(N, H)``, the layout of
``nn.Linear`` and of transformers' ``gate.weight``) is routed by

.. math::

    \begin{aligned}
    s_{t,i} &= \operatorname{softmax}_i(z_t) \ \text{or}\ \sigma(z_{t,i}) &(1)\\
    c_{t,i} &= s_{t,i} + b_i \quad \text{(selection score; } b \text{ is the balancing bias)} &(2)\\
    g_{t,m} &= \text{sum of the two largest } c_{t,i} \text{ of group } m &(3)\\
    c_{t,i} &= -\infty \text{ unless } i \text{ is in one of the } \texttt{topk\_group} \text{ best groups} &(4)\\
    I_t &= \operatorname{TopK}(c_t, k) &(5)\\
    w_{t,i} &= \rho \, s_{t,i} / \textstyle\sum_{j \in I_t} s_{t,j} \ \text{(normalised) or}\ \rho\, s_{t,i}, \quad i \in I_t &(6)\\
    y_t &= \textstyle\sum_{i \in I_t} w_{t,i} E_i(x_t) + \sum_{\text{shared}} E_s(x_t) &(7)\\
    E(x) &= W_\text{down}\big(\operatorname{silu}(W_\text{gate} x) \odot W_\text{up} x\big) &
    \end{aligned}

with :math:`\rho` = ``routed_scaling_factor``. The bias enters the *selection* only; the weights
(6) are read from the unbiased scores. Conventions by library:

* Switch Transformer (k = 1), Qwen2-MoE, DeepSeek-V2: softmax over all experts, then top-k,
  weights not renormalised (``scoring="softmax", norm_topk_prob=False``).
* GShard (top-2), Mixtral: renormalised over the chosen experts. Mistral's reference code takes
  the top-k logits and then a softmax over those (``order="topk_softmax"``); transformers'
  Mixtral takes the softmax over all, the top-k, and divides by their sum
  (``order="softmax_topk", norm_topk_prob=True``). :func:`derivations` proves the two equal.
* DeepSeek-V3, Moonlight, Kimi-VL: sigmoid scores, group-limited selection with the group score
  (3) of transformers' ``DeepseekV3TopkRouter``, the correction bias, normalised weights times
  ``routed_scaling_factor``.

Ties (equal selection scores at the boundary of the top-k, or of the top groups) go to the
lowest index in both twins; the exact twin decides equality exactly and reports every such
tie. ``torch.topk`` documents no tie rule: parity tests use inputs without ties.

Load balancing (Switch Transformer, eq. 4): :math:`\mathcal{L} = \alpha N \sum_i f_i P_i` (8),
:math:`f_i` the fraction of the :math:`kT` token-slots routed to expert :math:`i` and
:math:`P_i` the mean router probability; its gradient (9) is derived on the page.
transformers' ``load_balancing_loss_func`` counts :math:`f_i` per token, :math:`k` times ours.
Capacity: :math:`C = \lceil c_f \, k T / N \rceil` (10); an expert takes first choices in
token order, then second choices, …, and drops what exceeds :math:`C` (Switch, GShard).
The auxiliary-loss-free balancing of DeepSeek-V3 moves the bias after each step:
:math:`b_i \leftarrow b_i + \gamma \operatorname{sign}(\bar{\ell} - \ell_i)` (11), :math:`\ell_i` the
load of expert :math:`i` and :math:`\bar{\ell}` the mean load.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import sympy as sp
from numpy.typing import NDArray

from .._exact import exact, exact_array
from .._validate import as_array, as_count, as_flag, as_positive, as_real
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance
from ._engine.moe import capacity_ranks, grouped_experts, top_k_lowest_index

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "Dispatch", "MoEConfig", "MoEParams", "Routing", "dispatch", "dispatch_symbolic", "expert_capacity",
    "load_balancing_loss", "load_balancing_loss_gradient", "load_balancing_loss_symbolic", "moe_forward",
    "moe_forward_symbolic", "route", "route_symbolic", "update_bias", "update_bias_symbolic",
]

REFERENCES = (
    "W. Fedus, B. Zoph, N. Shazeer, Switch Transformers, JMLR 23 (2022), eqs. (1)-(4) and (3) for the expert capacity.",
    "D. Lepikhin et al., GShard, ICLR 2021, Algorithm 1 (top-2 gating, capacity, position-order dropping).",
    "A. Q. Jiang et al., Mixtral of Experts, arXiv 2401.04088, eq. (1)-(2) (softmax over the top-k logits).",
    ("DeepSeek-AI, DeepSeek-V3 Technical Report, arXiv 2412.19437, eqs. (12)-(16) and section 2.1.2 "
     "(sigmoid gates, node/group-limited routing, auxiliary-loss-free bias update)."),
    "transformers 5.23.0, models/deepseek_v3/modeling_deepseek_v3.py (DeepseekV3TopkRouter, DeepseekV3MoE).",
)

SCORINGS = ("softmax", "sigmoid")
ORDERS = ("softmax_topk", "topk_softmax")


@dataclass(frozen=True)
class MoEConfig:
    """Routing hyperparameters, named as in transformers' ``DeepseekV3Config``.

    ``top_k`` is :math:`k` (``num_experts_per_tok``); ``scoring`` the score function (1);
    ``order`` for softmax scoring: softmax over all then top-k, or top-k then a softmax over
    the chosen logits; ``norm_topk_prob`` whether (6) divides by the chosen scores' sum;
    ``routed_scaling_factor`` is :math:`\\rho`; ``n_group`` and ``topk_group`` the groups (3)-(4).
    """

    top_k: int
    scoring: str = "sigmoid"
    order: str = "softmax_topk"
    norm_topk_prob: bool = True
    routed_scaling_factor: float = 1.0
    n_group: int = 1
    topk_group: int = 1


class MoEParams(NamedTuple):
    """Weights of the layer (7), ``nn.Linear`` layout (out, in): ``router`` (N, H), ``w_gate`` and
    ``w_up`` (N, I, H), ``w_down`` (N, H, I), ``bias`` (N,) or None, shared expert (S, H), (S, H), (H, S) or None."""

    router: Any
    w_gate: Any
    w_up: Any
    w_down: Any
    bias: Any = None
    shared_gate: Any = None
    shared_up: Any = None
    shared_down: Any = None


class Routing(NamedTuple):
    """Chosen experts ``indices`` (T, k), best first; their ``weights`` (T, k); the unbiased ``scores`` (T, N);
    ``ties``: (token, "experts" or "groups") where an exact tie at the selection boundary went to the lowest index."""

    indices: Any
    weights: Any
    scores: Any
    ties: tuple[tuple[int, str], ...] = ()


class Dispatch(NamedTuple):
    """``capacity`` C (10); ``kept`` (T, k) whether each token-slot is processed; ``load`` (N,) slots kept per
    expert; ``dropped`` (N,) slots dropped per expert."""

    capacity: int
    kept: Any
    load: Any
    dropped: Any


def _check_config(c: MoEConfig, n: int) -> MoEConfig:
    k = as_count(c.top_k, "top_k")
    groups, chosen = as_count(c.n_group, "n_group"), as_count(c.topk_group, "topk_group")
    if c.scoring not in SCORINGS:
        raise ValueError(f"scoring: expected one of {SCORINGS}; got {c.scoring!r}")
    if c.order not in ORDERS:
        raise ValueError(f"order: expected one of {ORDERS}; got {c.order!r}")
    if c.order == "topk_softmax" and (c.scoring != "softmax" or not c.norm_topk_prob):
        raise ValueError("order: 'topk_softmax' is a softmax over the chosen logits, normalised by construction; "
                         f"expected scoring='softmax' and norm_topk_prob=True; got scoring={c.scoring!r}, "
                         f"norm_topk_prob={c.norm_topk_prob!r}")
    if n % groups:
        raise ValueError(f"n_group: expected a divisor of the number of experts N = {n}; got {groups}")
    if chosen > groups:
        raise ValueError(f"topk_group: expected at most n_group = {groups}; got {chosen}")
    if k > chosen * (n // groups):
        raise ValueError(f"top_k: expected at most the {chosen * (n // groups)} experts of topk_group = {chosen} "
                         f"groups (N = {n} experts); got {k}")
    as_flag(c.norm_topk_prob, "norm_topk_prob")
    as_positive(c.routed_scaling_factor, "routed_scaling_factor")
    return c


def _config(config: MoEConfig | None, kwargs: dict[str, Any]) -> MoEConfig:
    if config is not None and kwargs:
        raise TypeError(f"route: pass either config or keyword hyperparameters; got both ({sorted(kwargs)})")
    if config is None:
        if "top_k" not in kwargs:
            raise TypeError("route: expected top_k (or a config)")
        return MoEConfig(**kwargs)
    if not isinstance(config, MoEConfig):
        raise TypeError(f"config: expected a MoEConfig; got {type(config).__name__}")
    return config


# ---------------------------------------------------------------- exact twins
def _exact_sign(d: sp.Expr) -> int:
    """The sign of an exact real number: high-precision evaluation, and exact zero by simplification."""
    if d == 0:
        return 0
    v = sp.N(d, 60)  # evalf tracks its error: |v| above 1e-45 fixes the sign
    if v.is_Number and abs(v) > sp.Float("1e-45"):
        return 1 if v > 0 else -1
    if sp.simplify(d) == 0:
        return 0
    raise ValueError(f"cannot decide the sign of {d} exactly (|value| < 1e-45)")


def _top_exact(values: Sequence[sp.Expr], k: int, candidates: Sequence[int]) -> tuple[list[int], bool]:
    """The k best candidates, largest first, equal values in index order; and whether a tie straddles the boundary.

    Each value is evaluated once to 30 digits (evalf bounds its error); two values closer than
    1e-20 are compared exactly by :func:`_exact_sign`.
    """
    approx = {i: sp.N(values[i], 30) for i in candidates}

    def sign(i: int, j: int) -> int:
        gap = approx[i] - approx[j]
        return (1 if gap > 0 else -1) if abs(gap) > 1e-20 else _exact_sign(values[i] - values[j])

    def cmp(i: int, j: int) -> int:
        return -sign(i, j) or (i > j) - (i < j)

    order = sorted(candidates, key=functools.cmp_to_key(cmp))
    tie = k < len(order) and sign(order[k - 1], order[k]) == 0
    return order[:k], tie


def _scores_exact(z: Sequence[sp.Expr], scoring: str) -> list[sp.Expr]:
    if scoring == "sigmoid":
        return [1 / (1 + sp.exp(-zi)) for zi in z]  # (1)
    total = sum(sp.exp(zj) for zj in z)
    return [sp.exp(zi) / total for zi in z]  # (1)


def route_symbolic(logits: Any, bias: Any = None, config: MoEConfig | None = None, **kwargs: Any) -> Routing:
    r"""(1)-(6) exactly, token by token: exact sigmoid/softmax, exact comparisons, ties to the lowest index.

    Parameters
    ----------
    logits
        Exact numbers, shape (T, N): :math:`z_{t,i}`.
    bias
        Exact numbers, shape (N,), the selection bias :math:`b` (None: zero).
    config, **kwargs
        A :class:`MoEConfig`, or its fields as keywords.

    Returns
    -------
    Routing
        ``indices`` a list of tuples, ``weights`` and ``scores`` object arrays of SymPy numbers,
        ``ties`` every boundary tie that the lowest-index rule decided.

    Raises
    ------
    ValueError
        Non-finite or non-numeric logits, a bias of the wrong length, or a bad config.

    Examples
    --------
    >>> r = route_symbolic([[0, 1, 2]], top_k=2, scoring="softmax", norm_topk_prob=True)
    >>> r.indices, sp.simplify(r.weights[0, 0] - 1 / (1 + sp.exp(-1)))
    ([(2, 1)], 0)
    """
    c = _config(config, kwargs)
    z = exact_array(logits, "logits", ndim=2)
    t, n = z.shape
    c = _check_config(c, n)
    b = [sp.Integer(0)] * n if bias is None else list(exact_array(bias, "bias", shape=(n,)))
    size = n // c.n_group
    weights, scores = np.empty((t, c.top_k), dtype=object), np.empty((t, n), dtype=object)
    indices: list[tuple[int, ...]] = []
    ties: list[tuple[int, str]] = []
    for row in range(t):
        s = _scores_exact(list(z[row]), c.scoring)
        choice = [s[i] + b[i] for i in range(n)]  # (2)
        tops = [_top_exact(choice, min(2, size), range(m * size, (m + 1) * size))[0] for m in range(c.n_group)]
        best, tie_g = _top_exact([sum((choice[i] for i in top), sp.Integer(0)) for top in tops], c.topk_group,
                                 range(c.n_group))  # (3)
        allowed = [i for m in sorted(best) for i in range(m * size, (m + 1) * size)]  # (4)
        chosen, tie_e = _top_exact(choice, c.top_k, allowed)  # (5)
        ties += [(row, "groups")] * tie_g + [(row, "experts")] * tie_e
        if c.order == "topk_softmax":
            total = sum(sp.exp(z[row, j]) for j in chosen)
            w = [sp.exp(z[row, i]) / total for i in chosen]
        else:
            total = sum(s[j] for j in chosen) if c.norm_topk_prob else sp.Integer(1)
            w = [s[i] / total for i in chosen]  # (6)
        weights[row] = [exact(c.routed_scaling_factor, "routed_scaling_factor") * wi for wi in w]
        scores[row], indices = s, [*indices, tuple(chosen)]
    return Routing(indices, weights, scores, tuple(ties))


def _swiglu_exact(x: NDArray[Any], w_gate: NDArray[Any], w_up: NDArray[Any], w_down: NDArray[Any]) -> NDArray[Any]:
    g, u = w_gate.dot(x), w_up.dot(x)
    h = np.array([gi / (1 + sp.exp(-gi)) * ui for gi, ui in zip(g, u)], dtype=object)  # silu(g) ⊙ u
    return w_down.dot(h)


def moe_forward_symbolic(x: Any, params: MoEParams, config: MoEConfig) -> NDArray[Any]:
    r"""(7) exactly, token by token, on tiny exact inputs: an object array (T, H) of SymPy numbers.

    Same arguments as :func:`moe_forward`, every entry exact. Raises ValueError as it does.

    Examples
    --------
    >>> p = MoEParams(router=[[1]], w_gate=[[[1]]], w_up=[[[1]]], w_down=[[[1]]])
    >>> moe_forward_symbolic([[0]], p, MoEConfig(top_k=1))
    array([[0]], dtype=object)
    """
    xs = exact_array(x, "x", ndim=2)
    ps = _shapes({f: (None if v is None else exact_array(v, f"params.{f}")) for f, v in params._asdict().items()},
                 xs.shape[1])
    r = route_symbolic(xs.dot(ps["router"].T), ps["bias"], config)
    out = np.empty(xs.shape, dtype=object)
    for t in range(xs.shape[0]):
        y = sum((r.weights[t, j] * _swiglu_exact(xs[t], ps["w_gate"][e], ps["w_up"][e], ps["w_down"][e])
                 for j, e in enumerate(r.indices[t])), np.zeros(xs.shape[1], dtype=object))
        if ps["shared_gate"] is not None:
            y = y + _swiglu_exact(xs[t], ps["shared_gate"], ps["shared_up"], ps["shared_down"])
        out[t] = y
    return out


def load_balancing_loss_symbolic(logits: Any, *, top_k: int = 1, alpha: Any = 1) -> tuple[sp.Expr, sp.Matrix]:
    r"""(8) exactly, and its gradient by differentiating (8) in SymPy with the counts :math:`f` held fixed.

    Returns ``(loss, gradient)``, the gradient a (T, N) matrix. Raises ValueError for bad logits or ``top_k``.

    Examples
    --------
    >>> loss, grad = load_balancing_loss_symbolic([[0, 0]], alpha=1)
    >>> loss, grad
    (1, Matrix([[1/2, -1/2]]))
    """
    z = exact_array(logits, "logits", ndim=2)
    t, n = z.shape
    k = _check_top_k(top_k, n)
    a = exact(alpha, "alpha")
    zs = sp.symbols(f"z_0:{n}", real=True)  # one token's logits; tokens enter (8) as a sum, so one at a time
    counts = [0] * n
    for row in range(t):
        for i in _top_exact(list(z[row]), k, range(n))[0]:
            counts[i] += 1
    f = [sp.Rational(ci, k * t) for ci in counts]
    p = [sp.exp(zi) / sum(sp.exp(zj) for zj in zs) for zi in zs]
    token = a * n * sum(fi * pi for fi, pi in zip(f, p)) / t  # token r's term of (8)
    derivative = [sp.diff(token, zc) for zc in zs]
    rows = [dict(zip(zs, z[row])) for row in range(t)]
    return sum(token.xreplace(at) for at in rows), sp.Matrix([[d.xreplace(at) for d in derivative] for at in rows])


def dispatch_symbolic(indices: Any, num_experts: int, *, capacity_factor: Any) -> Dispatch:
    r"""(10) and the queue of each expert, counted slot by slot: first choices in token order, then second, ….

    Examples
    --------
    >>> dispatch_symbolic([[0], [0], [1]], 2, capacity_factor="0.5").kept.tolist()
    [[True], [False], [True]]
    """
    idx, n = _check_indices(indices, num_experts)
    t, k = idx.shape
    cap = int(sp.ceiling(exact(capacity_factor, "capacity_factor") * k * t / n))  # (10)
    kept, queue = np.zeros((t, k), dtype=bool), [0] * n
    for j in range(k):
        for row in range(t):
            e = int(idx[row, j])
            kept[row, j] = queue[e] < cap
            queue[e] += 1
    load = np.array([min(q, cap) for q in queue])
    return Dispatch(cap, kept, load, np.array(queue) - load)


def update_bias_symbolic(bias: Any, load: Any, *, gamma: Any) -> list[sp.Expr]:
    r"""(11) exactly: :math:`b_i + \gamma \operatorname{sign}(\bar\ell - \ell_i)`.

    Examples
    --------
    >>> update_bias_symbolic([0, 0, 0], [3, 1, 2], gamma="1/1000")
    [-1/1000, 1/1000, 0]
    """
    b = exact_array(bias, "bias", ndim=1)
    ell = exact_array(load, "load", shape=(b.size,))
    mean = sum(ell) / len(ell)
    return [bi + exact(gamma, "gamma") * sp.sign(mean - li) for bi, li in zip(b, ell)]  # (11)


# ---------------------------------------------------------------- numeric twins
def route(logits: Any, bias: Any = None, config: MoEConfig | None = None, **kwargs: Any) -> Routing:
    r"""(1)-(6) on arrays: the experts each token is sent to and their weights.

    Parameters
    ----------
    logits
        Router logits :math:`z`, shape (T, N), finite; float32 stays float32, else float64.
    bias
        Selection bias :math:`b`, shape (N,) (None: zero); DeepSeek-V3's ``e_score_correction_bias``.
    config, **kwargs
        A :class:`MoEConfig`, or its fields as keywords (``top_k`` required).

    Returns
    -------
    Routing
        ``indices`` (T, k) best first, ties to the lowest index; ``weights`` (T, k); ``scores`` (T, N);
        ``ties`` is empty (the numeric twin does not look for exact ties).

    Raises
    ------
    ValueError
        NaN or infinite logits or bias, wrong shapes, ``top_k`` above the experts of the allowed
        groups, ``topk_group > n_group``, ``n_group`` not dividing N, an unknown scoring or order.

    Examples
    --------
    >>> r = route(np.array([[0.0, 2.0, 1.0]]), top_k=2, scoring="softmax", norm_topk_prob=True)
    >>> r.indices, np.round(r.weights, 4)
    (array([[1, 2]]), array([[0.7311, 0.2689]]))
    """
    c = _config(config, kwargs)
    z = as_array(logits, "logits", ndim=2, dtype=np.float32 if getattr(logits, "dtype", None) == np.float32 else np.float64)
    t, n = z.shape
    c = _check_config(c, n)
    b = np.zeros(n, z.dtype) if bias is None else as_array(bias, "bias", shape=(n,), dtype=z.dtype)
    if c.scoring == "sigmoid":
        with np.errstate(over="ignore"):  # e^(-z) = inf gives the limit 0
            s = 1 / (1 + np.exp(-z))  # (1)
    else:
        e = np.exp(z - z.max(axis=1, keepdims=True))
        s = e / e.sum(axis=1, keepdims=True)  # (1)
    choice = s + b  # (2)
    if c.n_group > 1:
        grouped = choice.reshape(t, c.n_group, n // c.n_group)
        g = -np.sort(-grouped, axis=2)[:, :, :2].sum(axis=2)  # (3)
        keep = np.zeros((t, c.n_group), dtype=bool)
        np.put_along_axis(keep, top_k_lowest_index(g, c.topk_group), True, axis=1)
        choice = np.where(np.repeat(keep, n // c.n_group, axis=1), choice, -np.inf)  # (4)
    idx = top_k_lowest_index(choice, c.top_k)  # (5)
    if c.order == "topk_softmax":
        chosen = np.take_along_axis(z, idx, axis=1)
        w = np.exp(chosen - chosen.max(axis=1, keepdims=True))
        w = w / w.sum(axis=1, keepdims=True)
    else:
        w = np.take_along_axis(s, idx, axis=1)  # unbiased scores of the chosen experts
        if c.norm_topk_prob:
            w = w / w.sum(axis=1, keepdims=True)  # (6)
    return Routing(idx, (w * c.routed_scaling_factor).astype(z.dtype, copy=False), s)


def _shapes(p: dict[str, Any], h: int) -> dict[str, Any]:
    """Check every weight's shape against the router's (N, H); returns ``p``."""
    n = np.shape(p["router"])[0] if np.ndim(p["router"]) == 2 else None
    if n is None or np.shape(p["router"])[1] != h:
        raise ValueError(f"params.router: expected shape (N, H) with H = {h} (x's last axis); got {np.shape(p['router'])}")
    if np.ndim(p["w_gate"]) != 3 or np.shape(p["w_gate"])[::2] != (n, h):
        raise ValueError(f"params.w_gate: expected shape (N, I, H) = ({n}, I, {h}); got {np.shape(p['w_gate'])}")
    i = np.shape(p["w_gate"])[1]
    want = {"w_up": (n, i, h), "w_down": (n, h, i), "bias": (n,)}
    if p["shared_gate"] is not None or p["shared_up"] is not None or p["shared_down"] is not None:
        sh = np.shape(p["shared_gate"]) if p["shared_gate"] is not None else (0,)
        want |= {"shared_gate": (sh[0], h), "shared_up": (sh[0], h), "shared_down": (h, sh[0])}
    for name, shape in want.items():
        if (name != "bias" or p[name] is not None) and np.shape(p[name]) != shape:
            raise ValueError(f"params.{name}: expected shape {shape}; got {np.shape(p[name]) if p[name] is not None else None}")
    return p


def moe_forward(x: Any, params: MoEParams, config: MoEConfig) -> NDArray[Any]:
    r"""The MoE layer (7): route, run each expert once on its tokens, combine with the weights, add the shared expert.

    Parameters
    ----------
    x
        Tokens, shape (T, H), finite; float32 stays float32 (weights are cast to x's dtype).
    params
        :class:`MoEParams`. Expert weights are not scanned for NaN (gigabytes at Moonlight's size).
    config
        :class:`MoEConfig`.

    Returns
    -------
    numpy.ndarray
        (T, H): :math:`y_t`.

    Raises
    ------
    ValueError
        Wrong shapes (named by field), non-finite ``x``, router or bias, a bad config.

    Examples
    --------
    >>> p = MoEParams(router=np.eye(2), w_gate=np.ones((2, 1, 2)), w_up=np.ones((2, 1, 2)), w_down=np.ones((2, 2, 1)))
    >>> moe_forward(np.zeros((1, 2)), p, MoEConfig(top_k=1)).tolist()
    [[0.0, 0.0]]
    """
    xs = as_array(x, "x", ndim=2, dtype=np.float32 if getattr(x, "dtype", None) == np.float32 else np.float64)
    p = _shapes(params._asdict(), xs.shape[1])
    weights = {f: v if v is None or f in ("router", "bias") else np.asarray(v, dtype=xs.dtype) for f, v in p.items()}
    router = as_array(p["router"], "params.router", dtype=xs.dtype)
    r = route(xs @ router.T, p["bias"], config)  # (1)-(6)
    shared = None if weights["shared_gate"] is None else (weights["shared_gate"], weights["shared_up"], weights["shared_down"])
    return grouped_experts(xs, r.indices, r.weights, weights["w_gate"], weights["w_up"], weights["w_down"], shared)  # (7)


def _check_top_k(top_k: Any, n: int) -> int:
    k = as_count(top_k, "top_k")
    if k > n:
        raise ValueError(f"top_k: expected at most the number of experts N = {n}; got {k}")
    return k


def load_balancing_loss(logits: Any, *, top_k: int = 1, alpha: float = 0.01) -> float:
    r"""(8): :math:`\alpha N \sum_i f_i P_i` with :math:`f_i` the share of token-slots and :math:`P_i` the mean probability.

    Raises ValueError for non-finite logits, a non-2-D array or ``top_k > N``.

    Examples
    --------
    >>> load_balancing_loss(np.zeros((4, 2)), alpha=1.0)
    1.0
    """
    z = as_array(logits, "logits", ndim=2)
    k = _check_top_k(top_k, z.shape[1])
    f, p = _shares(z, k)
    return float(as_real(alpha, "alpha") * z.shape[1] * np.dot(f, p.mean(axis=0)))  # (8)


def load_balancing_loss_gradient(logits: Any, *, top_k: int = 1, alpha: float = 0.01) -> NDArray[np.float64]:
    r"""(9): :math:`\partial\mathcal{L}/\partial z_{t,j} = \tfrac{\alpha N}{T}\, p_{t,j}\,(f_j - \sum_i f_i p_{t,i})`, shape (T, N).

    Examples
    --------
    >>> load_balancing_loss_gradient(np.array([[0.0, 0.0]]), alpha=1.0).tolist()
    [[0.5, -0.5]]
    """
    z = as_array(logits, "logits", ndim=2)
    t, n = z.shape
    k = _check_top_k(top_k, n)
    f, p = _shares(z, k)
    return as_real(alpha, "alpha") * n / t * p * (f[None, :] - (p @ f)[:, None])  # (9)


def _shares(z: NDArray[np.float64], k: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    counts = np.bincount(top_k_lowest_index(z, k).ravel(), minlength=z.shape[1])
    return counts / (k * z.shape[0]), p


def expert_capacity(num_tokens: int, num_experts: int, *, capacity_factor: float, top_k: int = 1) -> int:
    r"""(10): :math:`C = \lceil c_f \, k T / N \rceil`, the token-slots one expert processes.

    Examples
    --------
    >>> expert_capacity(6, 3, capacity_factor=1.5)
    3
    """
    t, n, k = as_count(num_tokens, "num_tokens"), as_count(num_experts, "num_experts"), as_count(top_k, "top_k")
    cf = Fraction(as_positive(capacity_factor, "capacity_factor"))  # the float's exact value, as the exact twin reads it
    return math.ceil(cf * k * t / n)


def _check_indices(indices: Any, num_experts: Any) -> tuple[NDArray[np.intp], int]:
    n = as_count(num_experts, "num_experts")
    idx = np.asarray(indices)
    if idx.ndim != 2 or idx.size == 0 or idx.dtype.kind not in "iu":
        raise ValueError(f"indices: expected a non-empty 2-D integer array (T, k); got {np.shape(indices)} {idx.dtype}")
    if idx.min() < 0 or idx.max() >= n:
        raise ValueError(f"indices: expected expert indices in 0 … {n - 1}; got {idx.min()} … {idx.max()}")
    return idx.astype(np.intp), n


def dispatch(indices: Any, num_experts: int, *, capacity_factor: float) -> Dispatch:
    r"""Which token-slots an expert of capacity (10) keeps: first choices in token order, then second choices, ….

    Parameters
    ----------
    indices
        Chosen experts, (T, k) integers (``route(...).indices``).
    num_experts
        N.
    capacity_factor
        :math:`c_f > 0`.

    Returns
    -------
    Dispatch

    Raises
    ------
    ValueError
        Indices not 2-D integers in 0 … N - 1, or a non-positive capacity factor.

    Examples
    --------
    >>> dispatch(np.array([[0], [0], [1]]), 2, capacity_factor=0.5).dropped.tolist()
    [1, 0]
    """
    idx, n = _check_indices(indices, num_experts)
    cap = expert_capacity(idx.shape[0], n, capacity_factor=capacity_factor, top_k=idx.shape[1])  # (10)
    kept = capacity_ranks(idx, n) < cap
    total = np.bincount(idx.ravel(), minlength=n)
    load = np.bincount(idx[kept], minlength=n)
    return Dispatch(cap, kept, load, total - load)


def update_bias(bias: Any, load: Any, *, gamma: float) -> NDArray[np.float64]:
    r"""(11): raise the bias of under-loaded experts, lower it for over-loaded ones, by :math:`\gamma`.

    Examples
    --------
    >>> update_bias(np.zeros(3), np.array([3, 1, 2]), gamma=0.001).tolist()
    [-0.001, 0.001, 0.0]
    """
    b = as_array(bias, "bias", ndim=1)
    ell = as_array(load, "load", shape=(b.size,))
    return b + as_positive(gamma, "gamma", allow_zero=True) * np.sign(ell.mean() - ell)  # (11)


def derivations() -> tuple[Derivation, ...]:
    r"""The gradient (9) of the Switch loss, and the two softmax orders of (6) agreeing.

    Gradient: one token's logits :math:`z_1, z_2, z_3` among :math:`T` tokens; :math:`R_i` is the
    other tokens' share of :math:`T P_i` and the counts :math:`f_i` are held fixed (top-k has no
    gradient). Orders: with the experts 1 and 2 chosen out of 3, a softmax over the chosen logits
    equals the full softmax renormalised over the chosen experts.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven', 'proven']
    """
    z = sp.symbols("z_1:4", real=True)
    f = sp.symbols("f_1:4", nonnegative=True)
    rest = sp.symbols("R_1:4", nonnegative=True)
    alpha, t = sp.Symbol("alpha", positive=True), sp.Symbol("T", positive=True)
    total = sum(sp.exp(zi) for zi in z)
    p = [sp.exp(zi) / total for zi in z]
    loss = alpha * 3 / t * sum(fi * (pi + ri) for fi, pi, ri in zip(f, p, rest))  # (8) with N = 3
    softmax_rule = alpha * 3 / t * sum(f[i] * p[i] * ((1 if i == 0 else 0) - p[0]) for i in range(3))
    gradient = Derivation(
        "Gradient of the Switch load-balancing loss with respect to a router logit",
        [
            Step(sp.diff(loss, z[0]), "differentiate (8); $f_i$ and $R_i$ do not depend on $z_1$"),
            Step(softmax_rule, r"softmax derivative $\partial p_i / \partial z_1 = p_i(\delta_{i1} - p_1)$"),
            Step(alpha * 3 / t * p[0] * (f[0] - sum(fi * pi for fi, pi in zip(f, p))), "collect $p_1$: (9)"),
        ],
        lhs_latex=r"\frac{\partial \mathcal{L}}{\partial z_1}",
    )
    chosen = sp.exp(z[0]) + sp.exp(z[1])
    orders = Derivation(
        "Top-k then softmax equals softmax then top-k, renormalised",
        [
            Step(sp.exp(z[0]) / chosen, "softmax over the chosen logits $z_1, z_2$ (Mixtral)"),
            Step(p[0] / (p[0] + p[1]), "full softmax, renormalised over the chosen experts (6)"),
        ],
        lhs_latex="w_1",
    )
    return gradient, orders


def _routing_inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    @st.composite
    def example(draw: Any) -> dict[str, Any]:
        n_group, size = draw(st.sampled_from([(1, 4), (2, 2), (2, 3), (3, 2)]))
        n, topk_group = n_group * size, draw(st.integers(1, n_group))
        t = draw(st.integers(1, 2))
        # distinct positive logits (k/8): exact ties and sigmoid coincidences σ(a) + σ(-a) = 1 stay out
        values = draw(st.lists(st.integers(1, 40), min_size=t * n, max_size=t * n, unique=True))
        scoring = draw(st.sampled_from(SCORINGS))
        order = "topk_softmax" if scoring == "softmax" and draw(st.booleans()) else "softmax_topk"
        config = MoEConfig(top_k=draw(st.integers(1, topk_group * size)), scoring=scoring, order=order,
                           norm_topk_prob=order == "topk_softmax" or draw(st.booleans()),
                           routed_scaling_factor=draw(st.sampled_from([1.0, 2.5])), n_group=n_group, topk_group=topk_group)
        bias = draw(st.none() | st.lists(st.integers(-4, 4), min_size=n, max_size=n).map(lambda b: np.array(b) / 16))
        return {"logits": np.array(values, dtype=float).reshape(t, n) / 8, "bias": bias, "config": config}

    return example()


def _layer_inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    def arr(*shape: int) -> SearchStrategy[NDArray[np.float64]]:
        size = int(np.prod(shape))
        return st.lists(st.integers(-8, 8), min_size=size, max_size=size).map(lambda v: np.array(v).reshape(shape) / 4)

    @st.composite
    def example(draw: Any) -> dict[str, Any]:
        n, h, i, t = 3, 2, 1, 2  # tiny: the exact output is a sum of products of exponentials
        shared = draw(st.booleans())
        params = MoEParams(draw(arr(n, h)), draw(arr(n, i, h)), draw(arr(n, i, h)), draw(arr(n, h, i)),
                           draw(st.none() | arr(n)), *(draw(st.tuples(arr(i, h), arr(i, h), arr(h, i))) if shared else ()))
        scoring = draw(st.sampled_from(SCORINGS))
        config = MoEConfig(top_k=draw(st.integers(1, 2)), scoring=scoring, norm_topk_prob=draw(st.booleans()),
                           routed_scaling_factor=draw(st.sampled_from([1.0, 2.5])))
        return {"x": draw(arr(t, h)), "params": params, "config": config}

    return example()


def _loss_inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    return st.tuples(st.integers(1, 2), st.integers(2, 3), st.integers(1, 2)).flatmap(
        lambda d: st.lists(st.integers(-16, 16), min_size=d[0] * d[1], max_size=d[0] * d[1]).map(
            lambda v: {"logits": np.array(v).reshape(d[0], d[1]) / 8, "top_k": min(d[2], d[1]), "alpha": 0.01}))


def _dispatch_inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    return st.tuples(st.integers(1, 8), st.integers(1, 3), st.integers(2, 5)).flatmap(
        lambda d: st.tuples(st.lists(st.integers(0, d[2] - 1), min_size=d[0] * d[1], max_size=d[0] * d[1]),
                            st.sampled_from([0.5, 1.0, 1.25, 2.0])).map(
            lambda v: {"indices": np.array(v[0]).reshape(d[0], d[1]), "n": d[2], "cf": v[1]}))


def _routing_numbers(r: Routing) -> NDArray[np.float64]:
    return np.hstack([np.array(r.indices, dtype=float), np.array(r.weights, dtype=float)])


def _dispatch_numbers(d: Dispatch) -> NDArray[np.float64]:
    return np.concatenate([[d.capacity], np.ravel(d.kept), d.load, d.dropped]).astype(float)


def _loss_numbers(loss: Any, grad: Any) -> NDArray[np.float64]:
    return np.concatenate([[float(loss)], np.array(grad, dtype=float).ravel()])


_ROUNDING = "float64 rounding of exp and a few sums; selections are compared exactly (inputs keep ties out)"
CONCEPTS = (
    Concept(
        name="moe-routing", area="models",
        symbolic=lambda ex: _routing_numbers(route_symbolic(ex["logits"], ex["bias"], ex["config"])),
        numeric=lambda ex: _routing_numbers(route(ex["logits"], ex["bias"], ex["config"])),
        inputs=_routing_inputs, tolerance=Tolerance(rtol=1e-12, atol=1e-14, why=_ROUNDING),
        references=REFERENCES, page="models/moe.md",
    ),
    Concept(
        name="moe-layer", area="models",
        symbolic=lambda ex: moe_forward_symbolic(ex["x"], ex["params"], ex["config"]).astype(float),
        numeric=lambda ex: moe_forward(ex["x"], ex["params"], ex["config"]),
        inputs=_layer_inputs, tolerance=Tolerance(rtol=1e-10, atol=1e-12, why=_ROUNDING),
        references=REFERENCES, page="models/moe.md",
    ),
    Concept(
        name="moe-load-balancing-loss", area="models",
        symbolic=lambda ex: _loss_numbers(*load_balancing_loss_symbolic(ex["logits"], top_k=ex["top_k"], alpha="0.01")),
        numeric=lambda ex: _loss_numbers(load_balancing_loss(ex["logits"], top_k=ex["top_k"], alpha=ex["alpha"]),
                                         load_balancing_loss_gradient(ex["logits"], top_k=ex["top_k"], alpha=ex["alpha"])),
        inputs=_loss_inputs, tolerance=Tolerance(rtol=1e-12, atol=1e-15, why=_ROUNDING),
        references=REFERENCES, page="models/moe.md",
    ),
    Concept(
        name="moe-capacity", area="models",
        symbolic=lambda ex: _dispatch_numbers(dispatch_symbolic(ex["indices"], ex["n"], capacity_factor=ex["cf"])),
        numeric=lambda ex: _dispatch_numbers(dispatch(ex["indices"], ex["n"], capacity_factor=ex["cf"])),
        inputs=_dispatch_inputs, tolerance=Tolerance(rtol=0.0, atol=0.0, why="counts are integers"),
        references=REFERENCES, page="models/moe.md",
    ),
)
