"""The optimizers' machinery: parameter structures, the in-place step and its compiled kernels.

:mod:`.tree` flattens a parameter structure into checked arrays and rebuilds it;
:mod:`.inplace` runs the Adam/AdamW step in place, chunk by chunk with NumPy or with
the numba kernels of :mod:`.fused` (imported on first use, never by ``import refalgo``).
Only the optimizer modules of :mod:`refalgo.optim` import these; they use the state and
validators of :mod:`refalgo.optim.transforms`, which imports nothing from here.
"""
