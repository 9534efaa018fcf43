"""The ``backend`` keyword of the functions that have a compiled (numba) path.

``"numba"`` asks for the compiled kernels of the ``fast`` extra, ``"numpy"`` for the plain
NumPy/SciPy path, and ``"auto"`` takes the kernels when numba is installed. The kernel
modules import numba at module level, so they are imported here, on first use, and
``import refalgo`` never imports numba.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

BACKENDS = ("auto", "numba", "numpy")
_NAMES = ", ".join(map(repr, BACKENDS))


def check(backend: Any) -> str:
    """``backend`` if it is one of :data:`BACKENDS`; a TypeError or ValueError naming it otherwise."""
    if not isinstance(backend, str):
        raise TypeError(f"backend: expected a string, one of {_NAMES}; got {type(backend).__name__}")
    if backend not in BACKENDS:
        raise ValueError(f"backend: expected one of {_NAMES}; got {backend!r}")
    return backend


def compiled(module: str, backend: Any) -> ModuleType | None:
    """The compiled-kernel module ``module`` for ``backend``, or ``None`` for the NumPy path.

    ``None`` for ``"numpy"``, and for ``"auto"`` when numba is not installed; for
    ``"numba"`` without numba, an ImportError that names the ``fast`` extra.
    """
    if check(backend) == "numpy":
        return None
    try:
        return importlib.import_module(module)
    except ImportError as err:
        if backend == "auto":
            return None
        raise ImportError(
            "backend='numba' needs numba, which comes with the 'fast' extra: pip install 'refalgo[fast]' "
            "(or use backend='numpy')"
        ) from err
