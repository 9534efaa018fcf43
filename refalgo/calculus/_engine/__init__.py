"""The calculus chapter's machinery, imported only by its concept modules.

* :mod:`.differences` — guarded evaluation of ``f`` for finite differences and the
  complex step, the step sizes, the checks of ``f`` and ``method``;
* :mod:`.expressions` — the checks of a SymPy expression and its variables, and its
  exact value at a point;
* :mod:`.exact_linalg` — exact inertia, range test, null space and solve over the
  rationals (or a field of rational functions), for the symbolic quadratic twin;
* :mod:`.forms` — a quadratic form written out as a sum, for the derivations;
* :mod:`.examples` — the registry's example inputs (Hypothesis strategies) and
  tolerances, and the conversions of an example for the numeric twins.
"""
