r"""Exact special functions that several chapters share, as SymPy expressions.

One home for each, so that every derivation and every symbolic twin writes the same
expression (and the page renders it the same way):

* :func:`sigmoid`, the logistic function :math:`\sigma(z) = 1 / (1 + e^{-z})` — the
  Bradley–Terry probability, the DPO loss, the parsers' ``sigmoid(x)``.
"""

from __future__ import annotations

import sympy as sp

from ._exact import ExactNumber, exact

__all__ = ["sigmoid"]


def sigmoid(z: ExactNumber) -> sp.Expr:
    r"""The logistic function :math:`\sigma(z) = 1/(1 + e^{-z})` as an exact SymPy expression.

    Parameters
    ----------
    z
        The argument: an exact number (int, float at its binary value, Fraction,
        ``"p/q"`` or decimal string, SymPy number) or a real SymPy expression.

    Returns
    -------
    sympy.Expr
        ``1 / (1 + exp(-z))``, unevaluated beyond SymPy's automatic simplification.

    Raises
    ------
    TypeError, ValueError
        As :func:`refalgo._exact.exact` with ``symbolic=True``: a non-number, NaN or
        infinity, or an expression known not to be real.

    References
    ----------
    P.-F. Verhulst (1845), the logistic curve; Bradley & Terry (1952) use it for paired comparisons.

    Examples
    --------
    >>> sigmoid(0), sigmoid("1/2")
    (1/2, 1/(exp(-1/2) + 1))
    >>> sigmoid(sp.Symbol("z", real=True))
    1/(1 + exp(-z))
    """
    u = exact(z, "z", symbolic=True)
    return 1 / (1 + sp.exp(-u))
