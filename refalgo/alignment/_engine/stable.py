r"""Numerically stable kernels for the DPO losses."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray


def softplus(u: NDArray[Any]) -> NDArray[Any]:
    r""":math:`\mathrm{sp}(u) = \log(1 + e^u)` as :math:`\max(u, 0) + \operatorname{log1p}(e^{-|u|})`.

    The exponent is never positive, so the value is finite for every finite ``u``
    (:math:`|u| = 10^6` included) and keeps the dtype of ``u`` (float32 stays float32).
    The DPO page derives this form ("Softplus without overflow").

    Examples
    --------
    >>> softplus(np.array([-1e6, 0.0, 1e6]))
    array([0.00000000e+00, 6.93147181e-01, 1.00000000e+06])
    """
    return np.maximum(u, 0) + np.log1p(np.exp(-np.abs(u)))
