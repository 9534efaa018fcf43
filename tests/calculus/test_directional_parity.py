"""Parity with PyTorch (2.13, CPU, float64): torch.autograd.grad for the gradient, torch.func.jvp for the directional derivative."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import given

from refalgo.calculus._engine.examples import DIFFERENCE_TOLERANCE as TOLERANCE
from refalgo.calculus._engine.examples import as_callable, example_inputs
from refalgo.calculus.directional import directional_derivative
from refalgo.calculus.gradient_vector import gradient

torch = pytest.importorskip("torch")
pytestmark = [
    pytest.mark.parity,
    # raised inside torch's own modules on first use of torch.func, not by the code under test
    pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning"),
]


def _elementwise(name: str) -> Any:
    op = getattr(torch, name)
    return lambda a: op(torch.as_tensor(a, dtype=torch.float64))  # constant subexpressions arrive as Python floats


TORCH_OPS = {name: _elementwise(name) for name in ("exp", "log", "sin", "cos", "atan", "sqrt")}


def torch_function(ex: dict[str, Any]) -> Any:
    unpacked = sp.lambdify(ex["variables"], ex["f"], modules=[TORCH_OPS, "torch"])
    return lambda p: unpacked(*p) + 0 * p[0]  # a constant expression still depends on p for autograd


@given(example_inputs())
def test_gradient_matches_autograd(ex: dict[str, Any]) -> None:
    point = torch.tensor(np.array(ex["point"], dtype=float), dtype=torch.float64, requires_grad=True)
    (reference,) = torch.autograd.grad(torch_function(ex)(point), point)
    want = reference.numpy()
    fn, p = as_callable(ex), np.array(ex["point"], dtype=float)
    scale = 1 + np.max(np.abs(want))
    assert np.max(np.abs(gradient(fn, p, method="complex") - want)) <= 1e-12 * scale
    TOLERANCE.assert_close(want, gradient(fn, p), "central differences against autograd")


@given(example_inputs())
def test_directional_derivative_matches_forward_mode(ex: dict[str, Any]) -> None:
    p, v = np.array(ex["point"], dtype=float), np.array(ex["direction"], dtype=float)
    # torch.func.jvp takes the direction as given (not normalized): divide by |v| to compare.
    _, tangent = torch.func.jvp(torch_function(ex), (torch.tensor(p),), (torch.tensor(v),))
    want = float(tangent) / float(np.linalg.norm(v))
    fn = as_callable(ex)
    assert abs(directional_derivative(fn, p, v, method="complex") - want) <= 1e-12 * (1 + abs(want))
    TOLERANCE.assert_close(want, directional_derivative(fn, p, v), "central differences against forward mode")


def test_notes_example_unnormalized_in_torch() -> None:
    # The warning on the page: forward mode gives ∇f·w = 22 along w = (3, 4); normalized, 22/5.
    _, tangent = torch.func.jvp(lambda p: p[0] ** 2 + p[1] ** 2, (torch.tensor([1.0, 2.0], dtype=torch.float64),), (torch.tensor([3.0, 4.0], dtype=torch.float64),))
    assert float(tangent) == 22.0
    assert directional_derivative(lambda p: p[0] ** 2 + p[1] ** 2, [1.0, 2.0], [3.0, 4.0], method="complex") == 22.0 / 5
