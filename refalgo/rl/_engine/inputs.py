"""Features and weightings, checked once for every objective: float and exact forms.

Messages follow :mod:`refalgo._validate`: the argument, what was expected, what came.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sps
import sympy as sp
from numpy.typing import NDArray

from ..._exact import exact_array, exact_distribution
from ..._validate import as_array, probability_rows
from .linalg import dependent_columns, dependent_columns_exact

__all__ = ["exact_features", "exact_weights", "feature_matrix", "weight_vector"]


def _rows(shape: tuple[int, ...], n_states: int) -> None:
    if len(shape) != 2 or shape[0] != n_states:
        raise ValueError(f"features: expected an (S, k) array with S = {n_states} rows, one per state; got shape {shape}")


def feature_matrix(features: Any, n_states: int, *, independent: bool = True) -> Any:
    """Φ as a float64 array or CSR matrix of shape ``(S, k)`` with independent columns (if asked), or a clear error."""
    if sps.issparse(features):
        Phi: Any = sps.csr_array(features, dtype=np.float64)
        _rows(Phi.shape, n_states)
        if not np.all(np.isfinite(Phi.data)):
            raise ValueError("features: expected finite numbers; got NaN or inf")
    else:
        Phi = as_array(features, "features", ndim=2)
        _rows(Phi.shape, n_states)
    dependent = dependent_columns(Phi) if independent else np.zeros(0)
    if dependent.size:
        raise ValueError(
            f"features: expected linearly independent columns; columns {dependent[:10].tolist()} are combinations "
            f"of earlier ones (rank {Phi.shape[1] - dependent.size} of {Phi.shape[1]}), so the weights are not unique"
        )
    return Phi


def weight_vector(weights: Any, n_states: int) -> NDArray[np.float64]:
    """A weighting of the states: ``S`` nonnegative numbers summing to 1, or a clear error."""
    d = as_array(weights, "weights", ndim=1)
    if d.shape[0] != n_states:
        raise ValueError(f"weights: expected a distribution over the {n_states} states; got {d.shape[0]} entries")
    probability_rows(d, "weights")
    return d


def exact_features(features: Any, n_states: int) -> sp.Matrix:
    """Φ as an exact SymPy matrix ``(S, k)`` with independent columns, or a clear error."""
    dense = features.toarray() if sps.issparse(features) else features
    arr = exact_array(dense, "features", ndim=2)
    _rows(arr.shape, n_states)
    Phi = sp.Matrix(arr.tolist())
    dependent = dependent_columns_exact(Phi)
    if dependent:
        raise ValueError(
            f"features: expected linearly independent columns; columns {dependent[:10]} are combinations of "
            f"earlier ones (rank {Phi.shape[1] - len(dependent)} of {Phi.shape[1]}), so the weights are not unique"
        )
    return Phi


def exact_weights(weights: Any, n_states: int) -> sp.Matrix:
    """An exact weighting: ``S`` nonnegative numbers summing to exactly 1, as a column."""
    return sp.Matrix(exact_distribution(weights, "weights", length=n_states))
