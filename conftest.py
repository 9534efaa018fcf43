"""Collection rules for the doctest run over ``refalgo/``.

The compiled kernels import numba at module level; without the ``fast`` extra those two
modules cannot be imported, so their doctests are skipped (every public function that
uses them falls back to NumPy and is tested through the public API either way).
"""

from __future__ import annotations

import importlib.util

collect_ignore: list[str] = []
if importlib.util.find_spec("numba") is None:
    collect_ignore += ["refalgo/optim/_fused.py", "refalgo/mdp/_kernels.py"]
