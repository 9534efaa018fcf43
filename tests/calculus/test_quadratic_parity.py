"""Quadratic forms against the libraries users would reach for: SciPy's minimizer and pseudo-inverse, PyTorch's autograd."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
import scipy.optimize

from refalgo.calculus import quadratic_extremum

pytestmark = pytest.mark.parity

DEFINITE = [
    # (A, b, c): positive definite, from hand-picked integer matrices.
    ([[2.0, 1.0], [1.0, 1.0]], [-2.0, -2.0], 3.0),
    ([[4.0, -1.0, 0.5], [-1.0, 3.0, 1.0], [0.5, 1.0, 2.0]], [1.0, -2.0, 0.5], -1.0),
    ([[10.0, 0.0], [0.0, 0.1]], [3.0, -0.2], 0.0),
]


def f(A: np.ndarray, b: np.ndarray, c: float):  # noqa: ANN201
    return lambda x: float(x @ A @ x + b @ x + c)


@pytest.mark.parametrize("A, b, c", DEFINITE)
def test_minimum_matches_scipy_minimize(A, b, c) -> None:
    """The minimum matches SciPy's BFGS minimizer."""
    A, b = np.array(A), np.array(b)
    ours = quadratic_extremum(A, b, c)
    grad = lambda x: 2 * A @ x + b  # noqa: E731
    ref = scipy.optimize.minimize(f(A, b, c), np.zeros(len(b)), jac=grad, method="BFGS", options={"gtol": 1e-12})
    assert ours.kind == "minimum"
    np.testing.assert_allclose(ours.point, ref.x, atol=1e-7)
    assert abs(ours.value - ref.fun) <= 1e-10 * (1 + abs(ref.fun))


@pytest.mark.parametrize(
    "A, b",
    [
        ([[1.0, 1.0], [1.0, 1.0]], [-2.0, -2.0]),
        ([[1.0, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, 0.0]], [2.0, 4.0, 0.0]),
        ([[2.0, -1.0, -1.0], [-1.0, 2.0, -1.0], [-1.0, -1.0, 2.0]], [1.0, 0.0, -1.0]),  # graph Laplacian, null (1, 1, 1)
    ],
)
def test_least_norm_point_matches_scipy_pinvh(A, b) -> None:
    """The least-norm stationary point matches SciPy's pinvh and NumPy's lstsq."""
    A, b = np.array(A), np.array(b)
    ours = quadratic_extremum(A, b, 0.0)
    np.testing.assert_allclose(ours.point, -scipy.linalg.pinvh(A) @ b / 2, atol=1e-13)
    np.testing.assert_allclose(ours.point, np.linalg.lstsq(A, -b / 2, rcond=None)[0], atol=1e-13)


def test_gradient_vanishes_under_torch_autograd() -> None:
    """PyTorch's autograd gradient of f vanishes at the reported point."""
    torch = pytest.importorskip("torch")
    A = np.array([[1.0, 3.0, 0.0], [-1.0, -2.0, 1.0], [2.0, 0.0, 1.5]])  # not symmetric: torch sees the raw A
    b, c = np.array([1.0, -1.0, 2.0]), 0.5
    ours = quadratic_extremum(A, b, c)
    x = torch.tensor(ours.point, dtype=torch.float64, requires_grad=True)
    At, bt = torch.tensor(A), torch.tensor(b)
    value = x @ At @ x + bt @ x + c
    value.backward()
    assert float(torch.linalg.vector_norm(x.grad)) <= 1e-12
    assert abs(float(value.detach()) - ours.value) <= 1e-12
    eigenvalues = torch.linalg.eigvalsh(torch.tensor((A + A.T) / 2)).numpy()
    assert (eigenvalues > 0).any() and (eigenvalues < 0).any() and np.all(np.abs(eigenvalues) > 1e-3)
    assert (ours.kind, ours.definiteness) == ("saddle", "indefinite")
