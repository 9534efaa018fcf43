"""The rl chapter's machinery, imported only by its concept modules.

:mod:`.chains` classifies a policy's Markov chain (closed classes, period);
:mod:`.linalg` holds the exact and sparse linear algebra under the objectives;
:mod:`.kernels` holds the compiled (numba) loops of the sampled algorithms, imported on
first use through :mod:`refalgo._backend`.
"""
