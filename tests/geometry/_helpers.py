"""Shared by the geometry tests: the exact orientation of doubles, computed with Python's Fraction, and Kettner's grids."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

ULP_HALF = 2.0**-53  # the spacing of doubles in [0.5, 1)


def exact_orientation(p: object, q: object, r: object) -> int:
    """The sign of det[q - p, r - p] with every double at its exact binary value."""
    px, py = (Fraction(float(v)) for v in p)  # type: ignore[attr-defined]
    qx, qy = (Fraction(float(v)) for v in q)  # type: ignore[attr-defined]
    rx, ry = (Fraction(float(v)) for v in r)  # type: ignore[attr-defined]
    d = (qx - px) * (ry - py) - (qy - py) * (rx - px)
    return (d > 0) - (d < 0)


def kettner_grid(p: tuple[float, float], size: int = 256) -> NDArray[np.float64]:
    """The points p + (i u, j u), 0 <= i, j < size, u the ulp of p's coordinates (both in [0.5, 1)): row j, column i."""
    i, j = np.meshgrid(np.arange(size), np.arange(size))
    return np.stack([p[0] + i * ULP_HALF, p[1] + j * ULP_HALF], axis=-1).reshape(-1, 2)
