"""The alignment chapter's machinery, imported only by its concept modules.

* :mod:`.stable` — the softplus kernel that keeps the DPO losses finite for any margin;
* :mod:`.search` — a BFGS search for the KL-regularized optimum that never uses its
  closed form (the registry's independent numeric side);
* :mod:`.descent` — the toy experiment's optimizer loop, and its gradient-descent step
  size from a curvature bound.

Tests hold each of them equal to the readable formulas of the concept modules.
"""
