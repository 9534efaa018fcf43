"""The machinery under the MDP chapter: compiled sweeps, sparse chains, linear solves, checks.

Imported only by the concept modules of :mod:`refalgo.mdp`; what a reader of the chapter
needs is there, what exists for speed or numerical robustness is here:
:mod:`~refalgo.mdp._engine.sweep` (one Bellman sweep, NumPy or compiled, and the span
rule), :mod:`~refalgo.mdp._engine.kernels` (the numba kernels),
:mod:`~refalgo.mdp._engine.solve` (direct and certified Krylov solves, proper states,
the switching slack of policy iteration), :mod:`~refalgo.mdp._engine.reach`
(reachability), :mod:`~refalgo.mdp._engine.exact` (exact transitions and the exact
linear solve) and :mod:`~refalgo.mdp._engine.tabular` (what the engine reads of a model).
"""
