"""Parity of the projector with the same projector written in PyTorch 2.13 (CPU): forward pass, channel order of pixel_unshuffle, parameter count."""

from __future__ import annotations

import numpy as np
import pytest

from refalgo.models.projector import init_projector, merge_tokens, project, projector_parameter_count

torch = pytest.importorskip("torch")
nn = torch.nn
pytestmark = pytest.mark.parity


class TorchProjector(nn.Module):
    """Kimi-VL's KimiVLMultiModalProjector with its patch_merger, in torch: LayerNorm on C, view-permute-view, Linear, GELU (erf), Linear."""

    def __init__(self, c: int, d: int, k: int = 2) -> None:
        super().__init__()
        self.k, self.wide = k, c * k * k
        self.pre_norm = nn.LayerNorm(c, eps=1e-5)
        self.linear_1 = nn.Linear(self.wide, self.wide)
        self.act = nn.GELU()
        self.linear_2 = nn.Linear(self.wide, d)

    def forward(self, x: torch.Tensor, grid_hws: list[list[int]]) -> torch.Tensor:
        x = self.pre_norm(x)
        merged, start = [], 0
        for h, w in grid_hws:
            seq = x[start:start + h * w].view(h // self.k, self.k, w // self.k, self.k, -1)
            merged.append(seq.permute(0, 2, 1, 3, 4).reshape(-1, self.wide))
            start += h * w
        return self.linear_2(self.act(self.linear_1(torch.cat(merged))))


@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-12), (np.float32, 2e-5)])
def test_forward_matches_torch(dtype: type, tol: float) -> None:
    """Random weights copied into the torch projector give the same tokens for three packed images of different grids: 1e-12 in float64, 2e-5 in float32."""
    c, d, grid = 8, 6, [[2, 4], [4, 2], [2, 2]]
    w = init_projector(hidden_size=c, out_size=d, seed=7, dtype=dtype)
    features = np.random.default_rng(8).standard_normal((sum(h * q for h, q in grid), c)).astype(dtype)
    model = TorchProjector(c, d).to(torch.float64 if dtype == np.float64 else torch.float32)
    with torch.no_grad():
        for param, value in zip([model.pre_norm.weight, model.pre_norm.bias, model.linear_1.weight, model.linear_1.bias,
                                 model.linear_2.weight, model.linear_2.bias], w):
            param.copy_(torch.from_numpy(value))
        theirs = model(torch.from_numpy(features), grid).numpy()
    ours = project(features, grid, w)
    assert ours.dtype == dtype
    assert np.max(np.abs(ours - theirs)) <= tol * (1 + np.max(np.abs(theirs)))


def test_pixel_unshuffle_order_matches_torch() -> None:
    """channel_order="pixel-unshuffle" equals torch's F.pixel_unshuffle on the (C, h, w) patch grid, read token by token."""
    features = np.random.default_rng(9).standard_normal((4 * 6, 3))
    theirs = torch.nn.functional.pixel_unshuffle(torch.from_numpy(features.reshape(4, 6, 3).transpose(2, 0, 1).copy()), 2)
    assert np.array_equal(merge_tokens(features, [[4, 6]], channel_order="pixel-unshuffle"), theirs.reshape(12, -1).T.numpy())


def test_parameter_count_matches_torch() -> None:
    """The closed form equals sum(p.numel()) of the torch projector, at Kimi-VL's sizes (C = 1152, D = 2048, built on the meta device) and at tiny ones."""
    with torch.device("meta"):
        full = TorchProjector(1152, 2048)
    assert projector_parameter_count() == sum(p.numel() for p in full.parameters())
    for c, d, k in [(1, 1, 1), (3, 5, 2), (4, 7, 3)]:
        assert projector_parameter_count(hidden_size=c, out_size=d, merge_kernel=k) == sum(p.numel() for p in TorchProjector(c, d, k).parameters())
