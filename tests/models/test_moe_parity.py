"""MoE parity with transformers 5.23.0 (the parity extra): DeepseekV3MoE, Mixtral's router and its load-balancing loss."""

from __future__ import annotations

import numpy as np
import pytest

from refalgo.models.moe import (
    MoEConfig,
    MoEParams,
    load_balancing_loss,
    load_balancing_loss_gradient,
    moe_forward,
    route,
)

pytestmark = pytest.mark.parity


def _deepseek_block(p: MoEParams, cfg: MoEConfig, shared: int):
    import torch

    pytest.importorskip("transformers")
    from transformers import DeepseekV3Config
    from transformers.models.deepseek_v3.modeling_deepseek_v3 import DeepseekV3MoE

    n, i, h = p.w_gate.shape
    config = DeepseekV3Config(hidden_size=h, moe_intermediate_size=i, n_routed_experts=n, num_experts_per_tok=cfg.top_k,
                              n_group=cfg.n_group, topk_group=cfg.topk_group, n_shared_experts=shared,
                              norm_topk_prob=cfg.norm_topk_prob, routed_scaling_factor=cfg.routed_scaling_factor,
                              hidden_act="silu")
    block = DeepseekV3MoE(config).float().eval()
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))
    with torch.no_grad():
        block.gate.weight.copy_(t(p.router))
        block.gate.e_score_correction_bias.copy_(t(p.bias))
        block.experts.gate_up_proj.copy_(t(np.concatenate([p.w_gate, p.w_up], axis=1)))  # gate rows first, then up
        block.experts.down_proj.copy_(t(p.w_down))
        block.shared_experts.gate_proj.weight.copy_(t(p.shared_gate))
        block.shared_experts.up_proj.weight.copy_(t(p.shared_up))
        block.shared_experts.down_proj.weight.copy_(t(p.shared_down))
    return block


def test_deepseek_v3_moe_block_matches_transformers() -> None:
    """A tiny DeepseekV3MoE (16 experts in 4 groups, 2 groups kept, top-4, one shared expert, ρ = 2.5, random
    correction bias) with our random float32 weights copied in: the same experts for every token and the same output
    to 1e-6 of the output's size (here up to 6: a few float32 ulps, summed in another order by another BLAS kernel),
    and as close to the block evaluated in float64 as PyTorch's own float32 forward is."""
    import copy

    import torch

    rng = np.random.default_rng(19)
    n, h, i, shared = 16, 32, 8, 1
    f = lambda *s: (rng.standard_normal(s) / np.sqrt(s[-1])).astype(np.float32)
    p = MoEParams(f(n, h), f(n, i, h), f(n, i, h), f(n, h, i), (rng.standard_normal(n) * 0.1).astype(np.float32),
                  f(i * shared, h), f(i * shared, h), f(h, i * shared))
    cfg = MoEConfig(top_k=4, n_group=4, topk_group=2, routed_scaling_factor=2.5)
    block = _deepseek_block(p, cfg, shared)
    x = rng.standard_normal((64, h)).astype(np.float32)
    with torch.no_grad():
        theirs = block(torch.from_numpy(x)[None])[0].numpy()
        _, _, their_idx = block.gate(torch.from_numpy(x))
        exact = copy.deepcopy(block).double()(torch.from_numpy(x).double()[None])[0].numpy()
    ours = route(x @ p.router.T, p.bias, cfg)
    np.testing.assert_array_equal(np.sort(ours.indices, axis=1), np.sort(their_idx.numpy(), axis=1))
    y = moe_forward(x, p, cfg)
    scale = float(np.abs(exact).max())
    np.testing.assert_allclose(y, theirs, rtol=0, atol=1e-6 * scale)
    torch_error = float(np.abs(theirs - exact).max())
    assert np.abs(y - exact).max() <= max(2 * torch_error, 4 * np.finfo(np.float32).eps * scale)


def test_mixtral_router_matches_transformers() -> None:
    """transformers' MixtralTopKRouter (softmax over all, top-2, divided by their sum) gives our
    ``order="topk_softmax"`` weights: Mixtral's two conventions agree."""
    import torch

    pytest.importorskip("transformers")
    from transformers import MixtralConfig
    from transformers.models.mixtral.modeling_mixtral import MixtralTopKRouter

    rng = np.random.default_rng(5)
    router = MixtralTopKRouter(MixtralConfig(hidden_size=12, num_local_experts=8, num_experts_per_tok=2))
    w, x = rng.standard_normal((8, 12)), rng.standard_normal((30, 12))
    with torch.no_grad():
        router.weight.copy_(torch.from_numpy(w).float())
        _, their_w, their_idx = router(torch.from_numpy(x).float())
    ours = route(x @ w.T, top_k=2, scoring="softmax", order="topk_softmax")
    np.testing.assert_array_equal(ours.indices, their_idx.numpy())
    np.testing.assert_allclose(ours.weights, their_w.numpy(), rtol=0, atol=1e-6)


def test_load_balancing_loss_matches_transformers() -> None:
    """transformers' load_balancing_loss_func (Mixtral) is k times our loss with α = 1 (it counts f per token, not per
    token-slot); torch autograd through it gives k times our gradient (9)."""
    import torch

    pytest.importorskip("transformers")
    from transformers.models.mixtral.modeling_mixtral import load_balancing_loss_func

    z = np.random.default_rng(2).standard_normal((40, 8))
    logits = torch.tensor(z, requires_grad=True)
    loss = load_balancing_loss_func((logits,), num_experts=8, top_k=2)
    loss.backward()
    assert float(loss.detach()) == pytest.approx(2 * load_balancing_loss(z, top_k=2, alpha=1.0), rel=1e-6)
    np.testing.assert_allclose(logits.grad.numpy(), 2 * load_balancing_loss_gradient(z, top_k=2, alpha=1.0), rtol=1e-5, atol=1e-9)
