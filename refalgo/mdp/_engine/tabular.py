"""What the engine reads of a model: the attributes of :class:`refalgo.mdp.model.MDP`.

The engine takes any object with these attributes, so it never imports the concept
modules that import it.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray


class Tabular(Protocol):
    """A finite MDP as the engine reads it (see :class:`refalgo.mdp.model.MDP`)."""

    @property
    def P(self) -> Any: ...  # dense (S, A, S) array or sparse (S·A, S) CSR matrix

    @property
    def R(self) -> NDArray[np.float64]: ...

    @property
    def gamma(self) -> float: ...

    @property
    def P_exact(self) -> NDArray[Any] | None: ...  # exact SymPy entries, (S, A, S), when given exactly

    @property
    def R_exact(self) -> NDArray[Any] | None: ...  # exact SymPy entries, (S, A), when given exactly

    @property
    def n_states(self) -> int: ...

    @property
    def n_actions(self) -> int: ...

    @property
    def is_sparse(self) -> bool: ...

    def transition_matrix(self) -> Any: ...

