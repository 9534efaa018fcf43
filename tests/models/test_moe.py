"""MoE routing, load balancing, capacity and the layer: properties, hand-worked and published values, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from refalgo.models.moe import (
    MoEConfig,
    MoEParams,
    dispatch,
    dispatch_symbolic,
    expert_capacity,
    load_balancing_loss,
    load_balancing_loss_gradient,
    load_balancing_loss_symbolic,
    moe_forward,
    moe_forward_symbolic,
    route,
    route_symbolic,
    update_bias,
    update_bias_symbolic,
)

FEW = settings(max_examples=15)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def _dense_swiglu(x: np.ndarray, g: np.ndarray, u: np.ndarray, d: np.ndarray) -> np.ndarray:
    """The SwiGLU MLP written out: d · (silu(g·x) ⊙ u·x) for each row x."""
    a = x @ g.T
    return (a * _sigmoid(a) * (x @ u.T)) @ d.T


def _params(rng: np.random.Generator, n: int, h: int, i: int, *, shared: bool = True, bias: bool = True) -> MoEParams:
    r = rng.standard_normal
    extra = (r((i, h)), r((i, h)), r((h, i))) if shared else ()
    return MoEParams(r((n, h)), r((n, i, h)), r((n, i, h)), r((n, h, i)), r(n) * 0.1 if bias else None, *extra)


seeds = st.integers(0, 2**32 - 1)


# ---------------------------------------------------------------- routing
@FEW
@given(seeds, st.sampled_from([(1, 1), (2, 1), (4, 2), (8, 3)]), st.sampled_from([1.0, 2.446]))
def test_weights_sum_to_the_scaling_factor(seed: int, groups: tuple[int, int], rsf: float) -> None:
    """Normalised weights (6) of every token sum to routed_scaling_factor, with or without the bias, for sigmoid
    and for both softmax orders."""
    rng = np.random.default_rng(seed)
    z, b = rng.standard_normal((16, 8)), rng.standard_normal(8)
    for kw in ({"scoring": "sigmoid"}, {"scoring": "softmax"}, {"scoring": "softmax", "order": "topk_softmax"}):
        r = route(z, b, top_k=2, n_group=groups[0], topk_group=groups[1], routed_scaling_factor=rsf, **kw)
        np.testing.assert_allclose(r.weights.sum(axis=1), rsf, rtol=1e-14)


@FEW
@given(seeds, st.integers(1, 4))
def test_the_two_softmax_orders_agree(seed: int, k: int) -> None:
    """A softmax over the top-k logits (Mixtral's reference) equals the full softmax, top-k, renormalised
    (transformers' Mixtral); without renormalising, the weights are the full softmax's probabilities."""
    z = np.random.default_rng(seed).standard_normal((10, 6)) * 3
    a = route(z, top_k=k, scoring="softmax", order="topk_softmax")
    b = route(z, top_k=k, scoring="softmax", norm_topk_prob=True)
    c = route(z, top_k=k, scoring="softmax", norm_topk_prob=False)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_allclose(a.weights, b.weights, rtol=1e-14)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(c.weights, np.take_along_axis(p, c.indices, axis=1), rtol=1e-14)


@FEW
@given(seeds, st.floats(-3, 3))
def test_bias_never_changes_the_weights_of_a_fixed_selection(seed: int, shift: float) -> None:
    """The weights are the unbiased sigmoid scores of the chosen experts, normalised and scaled, whatever the bias;
    a bias that is the same for every expert changes nothing at all."""
    rng = np.random.default_rng(seed)
    z, b = rng.standard_normal((12, 8)), rng.standard_normal(8)
    cfg = MoEConfig(top_k=3, n_group=4, topk_group=2, routed_scaling_factor=2.5)
    r = route(z, b, cfg)
    s = np.take_along_axis(_sigmoid(z), r.indices, axis=1)
    np.testing.assert_allclose(r.weights, 2.5 * s / s.sum(axis=1, keepdims=True), rtol=1e-14)
    plain, shifted = route(z, None, cfg), route(z, np.full(8, shift), cfg)
    np.testing.assert_array_equal(plain.indices, shifted.indices)
    np.testing.assert_allclose(plain.weights, shifted.weights, rtol=1e-15)


def test_bias_moves_the_selection_but_not_the_weights_by_hand() -> None:
    """Scores σ(0) = 1/2 and σ(1) ≈ 0.731: top-1 picks expert 1; a bias +1 on expert 0 picks expert 0, whose weight is
    its own unbiased score, 1/2 (not normalised), or 1 (normalised over the one chosen expert)."""
    z = np.array([[0.0, 1.0]])
    assert route(z, top_k=1, norm_topk_prob=False).indices.tolist() == [[1]]
    r = route(z, np.array([1.0, 0.0]), top_k=1, norm_topk_prob=False)
    assert r.indices.tolist() == [[0]] and r.weights.tolist() == [[0.5]]
    assert route(z, np.array([1.0, 0.0]), top_k=1).weights.tolist() == [[1.0]]


def test_group_limited_selection_by_hand() -> None:
    """Four experts in two groups, one group kept (DeepSeek-V3 eq. 12 with node limit 1). Scores (sigmoid of the logits)
    σ(3) ≈ 0.953, σ(-3) ≈ 0.047 in group 0; σ(2) ≈ 0.881, σ(1.5) ≈ 0.818 in group 1. Group 0 holds the best single
    expert, but group 1's top-2 sum (1.699) beats group 0's (1.0): top-2 takes experts 2 and 3. Without the group
    limit it takes experts 0 and 2."""
    z = np.array([[3.0, -3.0, 2.0, 1.5]])
    assert route(z, top_k=2, n_group=2, topk_group=1).indices.tolist() == [[2, 3]]
    assert route(z, top_k=2).indices.tolist() == [[0, 2]]
    exact = route_symbolic([[3, -3, 2, "1.5"]], top_k=2, n_group=2, topk_group=1)
    assert exact.indices == [(2, 3)] and exact.ties == ()
    total = 1 / (1 + sp.exp(-2)) + 1 / (1 + sp.exp(sp.Rational(-3, 2)))
    assert sp.simplify(exact.weights[0, 0] - 1 / (1 + sp.exp(-2)) / total) == 0


def test_ties_go_to_the_lowest_index_and_are_reported() -> None:
    """Equal logits: the lowest index wins, in both twins, and the exact twin reports where (token, stage).
    Group tie: σ(1) + σ(-1) = σ(0) + σ(0) = 1 exactly (a tie only an exact comparison sees); group 0 wins, and its
    two experts tie again."""
    z = [[1, 1, 1, 0], [2, 0, 0, 0]]
    r, e = route(np.array(z, float), top_k=2), route_symbolic(z, top_k=2)
    assert r.indices.tolist() == [[0, 1], [0, 1]] and e.indices == [(0, 1), (0, 1)]
    assert e.ties == ((0, "experts"), (1, "experts"))
    g = route_symbolic([[0, 0, 1, -1]], top_k=1, n_group=2, topk_group=1)
    assert g.ties == ((0, "groups"), (0, "experts")) and g.indices == [(0,)]


def test_float32_stays_float32() -> None:
    rng = np.random.default_rng(0)
    p = _params(rng, 4, 8, 3)
    x = rng.standard_normal((5, 8)).astype(np.float32)
    assert route(x @ np.asarray(p.router, np.float32).T, top_k=2).weights.dtype == np.float32
    assert moe_forward(x, p, MoEConfig(top_k=2)).dtype == np.float32


# ---------------------------------------------------------------- the layer
@FEW
@given(seeds)
def test_permuting_the_experts_changes_nothing(seed: int) -> None:
    """Reordering the experts together with their router rows and biases leaves the output unchanged, and the chosen
    experts are the same experts under their new names."""
    rng = np.random.default_rng(seed)
    p, x, perm = _params(rng, 8, 6, 4), rng.standard_normal((20, 6)), rng.permutation(8)
    cfg = MoEConfig(top_k=3, n_group=1, routed_scaling_factor=2.0)
    moved = p._replace(router=p.router[perm], bias=p.bias[perm], w_gate=p.w_gate[perm], w_up=p.w_up[perm],
                       w_down=p.w_down[perm])
    np.testing.assert_allclose(moe_forward(x, moved, cfg), moe_forward(x, p, cfg), rtol=1e-12, atol=1e-12)
    before, after = route(x @ p.router.T, p.bias, cfg), route(x @ moved.router.T, moved.bias, cfg)
    np.testing.assert_array_equal(perm[after.indices], before.indices)


@FEW
@given(seeds, st.sampled_from(["sigmoid", "softmax"]))
def test_one_expert_is_a_dense_swiglu_mlp(seed: int, scoring: str) -> None:
    """With one expert, top-1 and normalised weights the layer is that expert's SwiGLU MLP (plus the shared one)."""
    rng = np.random.default_rng(seed)
    p, x = _params(rng, 1, 5, 7), rng.standard_normal((9, 5))
    dense = _dense_swiglu(x, p.w_gate[0], p.w_up[0], p.w_down[0]) + _dense_swiglu(x, p.shared_gate, p.shared_up, p.shared_down)
    np.testing.assert_allclose(moe_forward(x, p, MoEConfig(top_k=1, scoring=scoring)), dense, rtol=1e-12, atol=1e-12)


def test_grouped_dispatch_equals_the_token_loop() -> None:
    """The grouped dispatch (one product per expert) equals Σ_j w_tj · SwiGLU_{e_tj}(x_t) computed token by token,
    plus the shared expert; float32, Moonlight's routing (sigmoid, normalised, ρ = 2.446) at a small width."""
    rng = np.random.default_rng(3)
    p = MoEParams(*(None if a is None else np.asarray(a, np.float32) for a in _params(rng, 16, 32, 8)))
    x = rng.standard_normal((40, 32)).astype(np.float32)
    cfg = MoEConfig(top_k=6, routed_scaling_factor=2.446)
    r = route(x @ p.router.T, p.bias, cfg)
    loop = np.stack([sum(w * _dense_swiglu(x[t : t + 1], p.w_gate[e], p.w_up[e], p.w_down[e])[0]
                         for e, w in zip(r.indices[t], r.weights[t])) for t in range(40)])
    loop += _dense_swiglu(x, p.shared_gate, p.shared_up, p.shared_down)
    # float32 sums of 32 and 8 products of entries up to ~|100|: errors of a few eps32 · max|y| (eps32 ≈ 6e-8)
    np.testing.assert_allclose(moe_forward(x, p, cfg), loop, rtol=0, atol=2e-6 * np.abs(loop).max())


def test_layer_twins_agree_with_groups_and_bias() -> None:
    """The exact layer (7) and the float layer agree on a tiny input with groups, bias and a shared expert."""
    rng = np.random.default_rng(7)
    q = lambda *s: rng.integers(-4, 5, size=s) / 4
    p = MoEParams(q(4, 2), q(4, 2, 2), q(4, 2, 2), q(4, 2, 2), q(4) / 4, q(2, 2), q(2, 2), q(2, 2))
    x = np.array([[0.5, -1.0], [1.25, 0.75]])
    cfg = MoEConfig(top_k=2, n_group=2, topk_group=1, routed_scaling_factor=2.5)
    np.testing.assert_allclose(moe_forward(x, p, cfg), moe_forward_symbolic(x, p, cfg).astype(float), rtol=1e-12, atol=1e-13)


# ---------------------------------------------------------------- load balancing, capacity, bias update
def test_uniform_router_gives_alpha() -> None:
    """Switch Transformers (Fedus et al. 2022), after eq. (4): the loss is minimised under uniform routing, where
    f_i = P_i = 1/N and α·N·Σ f_i P_i = α."""
    z = np.zeros((8, 4))
    z[np.arange(8), np.arange(8) % 4] = 1e-9  # token t's first choice is expert t mod 4: f uniform, P ≈ 1/N
    assert load_balancing_loss(z, alpha=0.01) == pytest.approx(0.01, rel=1e-8)


def test_gradient_matches_central_differences() -> None:
    """(9) against central differences of (8) with the counts f held (the top-k selection does not move for small steps)."""
    rng = np.random.default_rng(1)
    z = rng.standard_normal((6, 5))
    g = load_balancing_loss_gradient(z, top_k=2, alpha=0.3)
    h, fd = 1e-6, np.empty_like(z)
    for idx in np.ndindex(*z.shape):
        up, down = z.copy(), z.copy()
        up[idx] += h
        down[idx] -= h
        fd[idx] = (load_balancing_loss(up, top_k=2, alpha=0.3) - load_balancing_loss(down, top_k=2, alpha=0.3)) / (2 * h)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-9)
    assert np.abs(g.sum(axis=1)).max() < 1e-15  # softmax gradients sum to zero over the experts


def test_loss_twins_by_hand() -> None:
    """Two tokens, two experts, logits (ln 3, 0) and (0, 0): p = (3/4, 1/4) and (1/2, 1/2); top-1 sends both tokens to
    expert 0, f = (1, 0), P_0 = 5/8: loss = α·2·5/8 = 5α/4."""
    z = [[sp.log(3), 0], [0, 0]]
    loss, grad = load_balancing_loss_symbolic([[float(np.log(3)), 0], [0, 0]], alpha=1)
    assert abs(float(loss) - 1.25) < 1e-15
    assert load_balancing_loss(np.array(z, dtype=float), alpha=1.0) == pytest.approx(1.25, rel=1e-15)
    # ∂L/∂z_{1,0} = (αN/T) p(1 - p) f_0 with p = 1/2: 2/2 · 1/4 = 1/4
    assert float(grad[1, 0]) == pytest.approx(0.25, rel=1e-15)


def test_expert_capacity_published() -> None:
    """Switch Transformers (Fedus et al. 2022), eq. (3) and Figure 3: 6 tokens over 3 experts; capacity factor 1.0
    gives an expert capacity of 2 tokens, 1.5 gives 3."""
    assert expert_capacity(6, 3, capacity_factor=1.0) == 2
    assert expert_capacity(6, 3, capacity_factor=1.5) == 3


def test_dropped_tokens_in_position_order() -> None:
    """Capacity ⌈1.0 · 2 · 4 / 4⌉ = 2. Expert 0 is every token's first choice: tokens 0 and 1 keep it, 2 and 3 drop
    it; second choices queue after all first choices (GShard), so expert 1 keeps tokens 0 and 1's second slots."""
    idx = np.array([[0, 1], [0, 1], [0, 1], [0, 2]])
    d, e = dispatch(idx, 4, capacity_factor=1.0), dispatch_symbolic(idx, 4, capacity_factor=1)
    assert d.capacity == e.capacity == 2
    want = [[True, True], [True, True], [False, False], [False, True]]
    assert d.kept.tolist() == want and e.kept.tolist() == want
    assert d.load.tolist() == [2, 2, 1, 0] and d.dropped.tolist() == [2, 1, 0, 0]


def test_bias_update_rule() -> None:
    """DeepSeek-V3 report, section 2.1.2, with its γ = 0.001 (section 4.2): overloaded experts' bias falls by γ,
    underloaded ones' rises by γ, an expert exactly at the mean keeps its bias."""
    b = update_bias(np.array([0.1, 0.0, -0.2, 0.0]), np.array([10, 2, 4, 8]), gamma=0.001)
    np.testing.assert_allclose(b, [0.099, 0.001, -0.199, -0.001], rtol=0, atol=1e-15)
    assert update_bias_symbolic([0, 0, 0], [1, 2, 3], gamma="0.001") == [sp.Rational(1, 1000), 0, sp.Rational(-1, 1000)]


# ---------------------------------------------------------------- bad input
BAD = [
    ({"top_k": 5}, "top_k"),
    ({"top_k": 0}, "top_k"),
    ({"top_k": 2, "n_group": 3}, "n_group"),
    ({"top_k": 2, "n_group": 2, "topk_group": 3}, "topk_group"),
    ({"top_k": 3, "n_group": 4, "topk_group": 1}, "top_k"),
    ({"top_k": 2, "scoring": "relu"}, "scoring"),
    ({"top_k": 2, "order": "topk_softmax"}, "order"),
    ({"top_k": 2, "routed_scaling_factor": 0.0}, "routed_scaling_factor"),
]


@pytest.mark.parametrize(("kwargs", "field"), BAD)
def test_bad_config(kwargs: dict, field: str) -> None:
    with pytest.raises(ValueError, match=f"^{field}:"):
        route(np.zeros((2, 4)), **kwargs)
    with pytest.raises(ValueError, match=f"^{field}:"):
        route_symbolic([[0, 0, 0, 0]], **kwargs)


def test_bad_arrays() -> None:
    z = np.zeros((2, 4))
    with pytest.raises(ValueError, match="^logits: expected finite"):
        route(np.array([[0.0, np.nan, 1.0, 2.0]]), top_k=1)
    with pytest.raises(ValueError, match="^logits: expected a 2-D"):
        route(np.zeros(4), top_k=1)
    with pytest.raises(ValueError, match=r"^bias: expected shape \(4\)"):
        route(z, np.zeros(3), top_k=1)
    with pytest.raises(ValueError, match="^bias: expected finite"):
        route(z, np.array([0, np.inf, 0, 0]), top_k=1)
    with pytest.raises(ValueError, match="^logits"):
        route_symbolic([[0, float("nan")]], top_k=1)
    p = _params(np.random.default_rng(0), 4, 3, 2)
    with pytest.raises(ValueError, match="^params.router"):
        moe_forward(np.zeros((2, 5)), p, MoEConfig(top_k=1))
    with pytest.raises(ValueError, match="^params.w_down"):
        moe_forward(np.zeros((2, 3)), p._replace(w_down=np.zeros((4, 2, 3))), MoEConfig(top_k=1))
    with pytest.raises(ValueError, match="^params.shared_down"):
        moe_forward(np.zeros((2, 3)), p._replace(shared_down=np.zeros((2, 3))), MoEConfig(top_k=1))
    with pytest.raises(ValueError, match="^x: expected finite"):
        moe_forward(np.full((2, 3), np.nan), p, MoEConfig(top_k=1))
    with pytest.raises(ValueError, match="^indices"):
        dispatch(np.array([[0], [4]]), 4, capacity_factor=1.0)
    with pytest.raises(ValueError, match="^capacity_factor"):
        dispatch(np.array([[0]]), 4, capacity_factor=-1.0)
    with pytest.raises(ValueError, match="^top_k"):
        load_balancing_loss(z, top_k=5)
    with pytest.raises(ValueError, match=r"^load: expected shape"):
        update_bias(np.zeros(3), np.zeros(4), gamma=0.1)


def test_the_threaded_experts_give_the_one_thread_result_bit_for_bit() -> None:
    """grouped_experts on several Python threads (one-thread BLAS each) equals one thread, to the last bit.

    Each expert's product and each token's sum are the same operations whichever thread runs
    them; the written sum (weights times the dense SwiGLU of each chosen expert) checks the values.
    """
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from refalgo.models._engine.moe import grouped_experts

    rng = np.random.default_rng(7)
    t, k, n, width, hidden = 1100, 3, 6, 8, 16  # 1100 tokens: three blocks of the shared expert
    x = rng.standard_normal((t, hidden)).astype(np.float32)
    indices = np.stack([rng.choice(n, k, replace=False) for _ in range(t)]).astype(np.intp)
    weights = rng.random((t, k)).astype(np.float32)
    wg, wu, wd = (rng.standard_normal(s).astype(np.float32) * 0.3 for s in ((n, width, hidden), (n, width, hidden), (n, hidden, width)))
    shared = tuple(rng.standard_normal(s).astype(np.float32) * 0.3 for s in ((width, hidden), (width, hidden), (hidden, width)))
    with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
        one = grouped_experts(x, indices, weights, wg, wu, wd, shared, workers=1)
    for workers in (2, 3, 5):
        many = grouped_experts(x, indices, weights, wg, wu, wd, shared, workers=workers)
        assert np.array_equal(many, one), f"workers={workers}: max difference {np.abs(many - one).max()}"
    x64 = x.astype(np.float64)
    written = _dense_swiglu(x64, *(s.astype(np.float64) for s in shared))
    for j in range(k):
        for e in range(n):
            rows = indices[:, j] == e
            written[rows] += weights[rows, j, None] * _dense_swiglu(x64[rows], wg[e], wu[e], wd[e])
    np.testing.assert_allclose(one, written, rtol=1e-4, atol=1e-4)
