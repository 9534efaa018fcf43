"""Bad input to the projector (grids that do not merge, wrong row counts, wrong weight shapes, image sizes not divisible by 28, unknown channel orders) is refused with an error naming the argument."""

from __future__ import annotations

import numpy as np
import pytest

from refalgo.models.projector import (
    init_projector,
    merge_tokens,
    merge_tokens_symbolic,
    project,
    project_symbolic,
    projector_parameter_count,
    token_count,
)


@pytest.mark.parametrize("f", [merge_tokens, merge_tokens_symbolic])
def test_merge_refuses(f) -> None:
    x = np.zeros((6, 1))
    with pytest.raises(ValueError, match=r"grid_hws: expected every grid side divisible by merge_kernel = 2; got \[\[2, 3\]\]"):
        f(x, [[2, 3]])
    with pytest.raises(ValueError, match=r"features: expected Σ h·w = 4 rows for grid_hws; got 6"):
        f(x, [[2, 2]])
    with pytest.raises(ValueError, match=r"grid_hws: expected a non-empty \(N, 2\) array of positive integers"):
        f(x, [])
    with pytest.raises(ValueError, match="channel_order: expected one of"):
        f(np.zeros((4, 1)), [[2, 2]], channel_order="tensorflow")
    with pytest.raises(ValueError, match="features: expected a 2-D array"):
        f(np.zeros(4), [[2, 2]])


@pytest.mark.parametrize("f", [project, project_symbolic])
def test_project_refuses_weights(f) -> None:
    w = init_projector(hidden_size=2, out_size=1)
    with pytest.raises(ValueError, match=r"weights.w1: expected shape \(8, 8\); got shape \(4, 4\)"):
        f(np.zeros((4, 2)), [[2, 2]], w._replace(w1=np.zeros((4, 4))))
    with pytest.raises(ValueError, match=r"weights.norm_weight: expected shape \(2\); got shape \(1,\)"):
        f(np.zeros((4, 2)), [[2, 2]], init_projector(hidden_size=1, out_size=1))
    with pytest.raises(TypeError, match="weights: expected a ProjectorWeights; got tuple"):
        f(np.zeros((4, 1)), [[2, 2]], tuple(w))


def test_project_refuses_eps() -> None:
    with pytest.raises(ValueError, match="eps: expected a number > 0; got 0.0"):
        project(np.zeros((4, 1)), [[2, 2]], init_projector(hidden_size=1, out_size=1), eps=0.0)


@pytest.mark.parametrize("h, w, match", [
    (440, 448, "height: expected a multiple of patch_size × merge_kernel = 28; got 440"),
    (448, 14, "width: expected a multiple of patch_size × merge_kernel = 28; got 14"),
    (0, 28, "height: expected a positive integer; got 0"),
])
def test_token_count_refuses(h: int, w: int, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        token_count(h, w)


def test_parameter_count_refuses() -> None:
    with pytest.raises(ValueError, match="out_size: expected a positive integer; got 0"):
        projector_parameter_count(out_size=0)
