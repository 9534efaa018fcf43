r"""The constants of the exact orientation predicate: the filter's error bound and the safe range.

With :math:`\varepsilon = 2^{-53}` (half an ulp of 1, the unit roundoff of binary64 with
rounding to nearest), the computed determinant :math:`\hat D` of
:func:`refalgo.geometry.orientation.orient2d` has the sign of the exact one whenever

.. math::

    |\hat D| > \mathrm{fl}\big(\mathrm{fl}(C\,\hat T) + U\big), \qquad
    C = 3\varepsilon + 32\varepsilon^2,\ U = 2^{-1000},

where :math:`\hat T = \mathrm{fl}(|\hat L| + |\hat R|)` is the computed sum of the two
products' magnitudes. The derivation is on the predicates page; ``C`` rounds the exact
coefficient up, ``U`` covers the absolute error of products that underflow.

Expansion arithmetic (two-sum, Dekker's two-product) is exact when no intermediate
overflows or underflows: it is used only when every coordinate is zero or has a
magnitude in :math:`[2^{-300}, 2^{300}]`; outside that range the predicate falls back to
rational arithmetic.
"""

from __future__ import annotations

__all__ = [
    "EPSILON",
    "EXPANSION_MAX",
    "EXPANSION_MIN",
    "FILTER_COEFFICIENT",
    "FILTER_FLOOR",
    "INCIRCLE_COEFFICIENT",
    "INCIRCLE_MAX",
    "INCIRCLE_MIN",
    "SPLITTER",
]

EPSILON = 2.0**-53  # the unit roundoff u of binary64: |fl(x) - x| <= u |x| without underflow
FILTER_COEFFICIENT = 3 * EPSILON + 32 * EPSILON**2  # C, a double (3 + 2^-48 fits in 53 bits)
FILTER_FLOOR = 2.0**-1000  # U: covers the absolute error 2^-1075 of each underflowed product
EXPANSION_MIN = 2.0**-300  # nonzero coordinates below this go to rational arithmetic
EXPANSION_MAX = 2.0**300  # coordinates above this go to rational arithmetic
SPLITTER = 2.0**27 + 1.0  # Dekker's split of a double into two 26-bit halves
# In-circle: Shewchuk's first-stage bound is (10 + 96 eps) eps times the permanent; 16 eps
# covers it with room to spare. It holds only when nothing underflows or overflows, which
# every nonzero coordinate difference in [2^-200, 2^200] guarantees; outside, rational arithmetic.
INCIRCLE_COEFFICIENT = 16 * EPSILON
INCIRCLE_MIN = 2.0**-200
INCIRCLE_MAX = 2.0**200
