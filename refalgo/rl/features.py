r"""Feature builders: the rows :math:`\phi(s)^\top` of the feature matrix :math:`\Phi` (特征向量).

Every builder returns :math:`\Phi` with one row per state (``(S, k)``), the form every
function of the chapter takes: a float64 array, or a SciPy CSR matrix for the sparse
codings (one-hot, aggregation, tiles) when ``sparse=True``.

* :func:`one_hot_features` — :math:`\Phi = I`: the tabular case, in which linear TD is
  tabular TD and :math:`w_{TD} = v_\pi`.
* :func:`state_aggregation_features` — one feature per group of states (Sutton & Barto,
  §9.3, Example 9.1).
* :func:`polynomial_features` — every monomial of the coordinates of total degree at most
  ``degree``, constant first: for two coordinates :math:`(x, y)` and degree 2,
  :math:`[1, x, y, x^2, xy, y^2]` (Zhao, §8.2.5, whose grid examples use degrees 1–3).
  Sutton & Barto §9.5.1 use the product form (each coordinate's degree at most
  :math:`n`); the spans differ.
* :func:`fourier_features` — :math:`\cos(\pi\, c^\top x)` for every integer vector
  :math:`c \in \{0, \dots, n\}^m` (Sutton & Barto, §9.5.2, eq. (9.18)), for coordinates in
  :math:`[0, 1]`.
* :func:`tile_coding_features` — ``n_tilings`` grids of tiles over a box, each offset by a
  fraction of a tile (displacements :math:`1, 3, 5, \dots` per dimension, as Sutton & Barto
  §9.5.4 recommend); each state is in one tile per tiling.
* :func:`grid_coordinates` — the cells of a grid world as points of :math:`[0, 1]^2`,
  ``(x, y) = (col, row) / (size - 1)``, for the polynomial and Fourier bases.
* :func:`state_action_features` — :math:`\phi(s, a) = \phi(s) \otimes e_a`, one copy of
  the state features per action, rows ``s·A + a`` (for Sarsa and Q-learning).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import scipy.sparse as sps
from numpy.typing import ArrayLike, NDArray

from .._validate import as_array, as_count, as_flag

__all__ = [
    "fourier_features",
    "grid_coordinates",
    "one_hot_features",
    "polynomial_features",
    "state_action_features",
    "state_aggregation_features",
    "tile_coding_features",
]


def _coordinates(coords: ArrayLike) -> NDArray[np.float64]:
    x = as_array(coords, "coords", ndim=(1, 2))
    return x[:, None] if x.ndim == 1 else x


def one_hot_features(n_states: int, *, sparse: bool = False) -> Any:
    r"""The tabular features :math:`\Phi = I_S`.

    Parameters
    ----------
    n_states
        :math:`S \ge 1`.
    sparse
        Return a CSR matrix instead of a dense array.

    Returns
    -------
    numpy.ndarray or scipy.sparse.csr_array
        Shape ``(S, S)``.

    Examples
    --------
    >>> one_hot_features(3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    S = as_count(n_states, "n_states")
    return sps.eye_array(S, format="csr") if as_flag(sparse, "sparse") else np.eye(S)


def state_aggregation_features(groups: ArrayLike, *, sparse: bool = False) -> Any:
    r"""One indicator feature per group: :math:`\phi_j(s) = 1` when state :math:`s` is in group :math:`j`.

    Parameters
    ----------
    groups
        ``S`` group labels ``0 … k-1``, each label used at least once.
    sparse
        Return a CSR matrix.

    Returns
    -------
    numpy.ndarray or scipy.sparse.csr_array
        Shape ``(S, k)``.

    Raises
    ------
    ValueError
        Labels that are not integers ``0 … k-1``, or a label with no state.

    Examples
    --------
    >>> state_aggregation_features(np.arange(6) // 3).tolist()
    [[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [0.0, 1.0]]
    """
    raw = as_array(groups, "groups", ndim=1, dtype=np.asarray(groups).dtype)
    if not np.issubdtype(raw.dtype, np.integer) or raw.min() < 0:
        raise ValueError(f"groups: expected integer labels 0 … k-1; got dtype {raw.dtype}, minimum {raw.min()}")
    k = int(raw.max()) + 1
    empty = np.setdiff1d(np.arange(k), raw)
    if empty.size:
        raise ValueError(f"groups: every label 0 … {k - 1} needs a state; labels {empty[:10].tolist()} have none")
    Phi = sps.csr_array((np.ones(raw.size), (np.arange(raw.size), raw)), shape=(raw.size, k))
    return Phi if as_flag(sparse, "sparse") else Phi.toarray()


def polynomial_features(coords: ArrayLike, *, degree: int) -> NDArray[np.float64]:
    r"""Every monomial of the coordinates of total degree at most ``degree``, the constant first.

    Parameters
    ----------
    coords
        ``(S,)`` or ``(S, m)`` coordinates of the states.
    degree
        The largest total degree, >= 0.

    Returns
    -------
    numpy.ndarray
        Shape ``(S, binom(m + degree, m))``; columns by degree, then lexicographically
        in the coordinates' exponents (``x^2, xy, y^2``).

    Examples
    --------
    >>> polynomial_features([[2.0, 3.0]], degree=2).tolist()
    [[1.0, 2.0, 3.0, 4.0, 6.0, 9.0]]
    """
    x = _coordinates(coords)
    n = as_count(degree, "degree", minimum=0)
    m = x.shape[1]
    powers = [p for total in range(n + 1) for p in sorted(
        (e for e in itertools.product(range(total + 1), repeat=m) if sum(e) == total), reverse=True)]
    return np.stack([np.prod(x ** np.array(p), axis=1) for p in powers], axis=1)


def fourier_features(coords: ArrayLike, *, order: int) -> NDArray[np.float64]:
    r"""The Fourier cosine basis :math:`\cos(\pi\, c^\top x)`, :math:`c \in \{0, \dots, n\}^m` (Sutton & Barto eq. 9.18).

    Parameters
    ----------
    coords
        ``(S,)`` or ``(S, m)`` coordinates in :math:`[0, 1]`.
    order
        :math:`n \ge 0`; there are :math:`(n + 1)^m` features, :math:`c = 0` (the
        constant) first, then in lexicographic order of :math:`c`.

    Returns
    -------
    numpy.ndarray
        Shape ``(S, (n + 1)^m)``.

    Raises
    ------
    ValueError
        Coordinates outside :math:`[0, 1]`.

    Examples
    --------
    >>> fourier_features([0.0, 0.5, 1.0], order=2).round(12).tolist()
    [[1.0, 1.0, 1.0], [1.0, 0.0, -1.0], [1.0, -1.0, 1.0]]
    """
    x = _coordinates(coords)
    if x.min() < 0 or x.max() > 1:
        raise ValueError(f"coords: expected coordinates in [0, 1]; got values in [{x.min():g}, {x.max():g}]")
    n = as_count(order, "order", minimum=0)
    C = np.array(list(itertools.product(range(n + 1), repeat=x.shape[1])), dtype=np.float64)
    return np.cos(np.pi * x @ C.T)  # (9.18) x_i(s) = cos(π sᵀ c^i)


def tile_coding_features(
    coords: ArrayLike, *, n_tilings: int, tiles: int | tuple[int, ...], low: ArrayLike, high: ArrayLike, sparse: bool = True
) -> Any:
    r"""Tile coding: ``n_tilings`` offset grids of ``tiles`` tiles per dimension over the box ``[low, high]``.

    Tiling :math:`j` is shifted by :math:`j\,(1, 3, 5, \dots)/n` of a tile width
    (:math:`n` = ``n_tilings``) and has one extra tile per dimension, so every point of
    the box lies in exactly one tile of each tiling; its feature vector has ``n_tilings``
    ones.

    Parameters
    ----------
    coords
        ``(S,)`` or ``(S, m)`` points inside the box.
    n_tilings
        Number of tilings, >= 1.
    tiles
        Tiles per dimension of the unshifted grid (an int for all dimensions, or one per dimension).
    low, high
        The box's corners (scalars or ``m`` numbers), ``low < high``.
    sparse
        Return a CSR matrix (default) or a dense array.

    Returns
    -------
    scipy.sparse.csr_array or numpy.ndarray
        Shape ``(S, n_tilings · Π(tiles + 1))``.

    Raises
    ------
    ValueError
        Points outside the box, ``low >= high``, counts below 1.

    Examples
    --------
    >>> tile_coding_features([0.1, 0.9], n_tilings=2, tiles=2, low=0.0, high=1.0, sparse=False).tolist()
    [[1.0, 0.0, 0.0, 1.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0, 0.0, 1.0]]
    """
    x = _coordinates(coords)
    m = x.shape[1]
    n = as_count(n_tilings, "n_tilings")
    per = np.array([as_count(t, "tiles") for t in (tiles if isinstance(tiles, tuple) else (tiles,) * m)])
    lo = np.broadcast_to(as_array(low, "low", ndim=(0, 1)), (m,))
    hi = np.broadcast_to(as_array(high, "high", ndim=(0, 1)), (m,))
    if per.size != m or np.any(hi <= lo):
        raise ValueError(f"tiles, low, high: expected {m} tile counts and low < high per dimension; got {per.tolist()}, {lo}, {hi}")
    if np.any(x < lo) or np.any(x > hi):
        raise ValueError(f"coords: expected points inside the box [{lo.tolist()}, {hi.tolist()}]")
    width = (hi - lo) / per
    shift = np.arange(1, 2 * m, 2) / n  # displacement (1, 3, 5, …)/n of a tile per tiling
    sizes = per + 1
    cols = []
    for j in range(n):
        cell = np.floor((x - lo) / width + j * shift).astype(np.int64)
        cell = np.minimum(cell, sizes - 1)
        cols.append(j * int(np.prod(sizes)) + np.ravel_multi_index(cell.T, sizes))
    rows = np.repeat(np.arange(x.shape[0]), n)
    Phi = sps.csr_array((np.ones(rows.size), (rows, np.stack(cols, axis=1).ravel())), shape=(x.shape[0], n * int(np.prod(sizes))))
    return Phi if as_flag(sparse, "sparse") else Phi.toarray()


def grid_coordinates(shape: tuple[int, int]) -> NDArray[np.float64]:
    r"""The cells of a grid world as points :math:`(x, y) \in [0, 1]^2`: ``(col, row) / (size - 1)``.

    Parameters
    ----------
    shape
        ``(nrows, ncols)``; state ``s = row·ncols + col`` as in :mod:`refalgo.mdp.builders`.

    Returns
    -------
    numpy.ndarray
        Shape ``(nrows·ncols, 2)``; a single row or column maps to 0.

    Examples
    --------
    >>> grid_coordinates((2, 3)).tolist()
    [[0.0, 0.0], [0.5, 0.0], [1.0, 0.0], [0.0, 1.0], [0.5, 1.0], [1.0, 1.0]]
    """
    nr, nc = (as_count(v, "shape") for v in shape)
    rows, cols = np.divmod(np.arange(nr * nc), nc)
    return np.stack([cols / max(nc - 1, 1), rows / max(nr - 1, 1)], axis=1).astype(np.float64)


def state_action_features(features: Any, n_actions: int) -> Any:
    r"""Features of state–action pairs, :math:`\phi(s, a) = \phi(s) \otimes e_a`, rows ``s·A + a``.

    Parameters
    ----------
    features
        :math:`\Phi`, ``(S, k)``, dense or sparse.
    n_actions
        :math:`A \ge 1`.

    Returns
    -------
    numpy.ndarray or scipy.sparse.csr_array
        Shape ``(S·A, k·A)``: row ``s·A + a`` holds :math:`\phi_j(s)` in column ``j·A + a``
        and zeros elsewhere (the Kronecker product :math:`\Phi \otimes I_A`).

    Examples
    --------
    >>> state_action_features([[1.0], [2.0]], 2).tolist()
    [[1.0, 0.0], [0.0, 1.0], [2.0, 0.0], [0.0, 2.0]]
    """
    A = as_count(n_actions, "n_actions")
    if sps.issparse(features):
        return sps.csr_array(sps.kron(features, sps.eye_array(A), format="csr"))
    Phi = as_array(features, "features", ndim=2)
    return np.kron(Phi, np.eye(A))
