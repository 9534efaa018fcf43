"""refalgo: a verified reference for the mathematics of reinforcement learning and deep learning.

Every concept is implemented twice, exactly with SymPy and numerically with NumPy, and
the twins are cross-checked. The core objects live here:

* :class:`Derivation` and :class:`Step` — machine-checked chains of equalities;
* :class:`Assumptions` — what the symbols of an identity range over;
* :func:`refalgo.check.equivalent` and :func:`refalgo.check.check_steps` — checking a
  user's own hand derivation.
"""

from .assumptions import Assumptions
from .derivation import Derivation, DerivationError, Step, Verification
from .equality import Comparison, Counterexample, compare

__version__ = "0.1.0"

__all__ = [
    "Assumptions",
    "Comparison",
    "Counterexample",
    "Derivation",
    "DerivationError",
    "Step",
    "Verification",
    "compare",
]
