r"""The exact twins of Adam and AdamW: the same recurrences in rational arithmetic.

Every quantity is a SymPy number: rationals stay rationals, square roots of rationals
stay exact ``sqrt`` objects, so a trajectory is an exact algebraic number that can be
evaluated to any precision. The moments are computed from their unrolled sums
:math:`m_t = (1-\beta_1)\sum_{i\le t}\beta_1^{t-i} g_i` (derived and verified on the
Adam page) and the update from the textbook form :math:`\hat m_t/(\sqrt{\hat v_t}+\epsilon)`;
the numeric twins in :mod:`refalgo.optim.adam` use the recurrences in PyTorch's
arrangement. The conventions (L2 against decoupled decay, ``maximize``, ``amsgrad``)
are those of :mod:`refalgo.optim.adam`.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from .._exact import exact
from ..registry import Concept, Tolerance
from .adam import REFERENCES, AdamState, adam_init, adam_step, adamw_step

__all__ = ["adam_symbolic", "adamw_symbolic"]

def _vector(x: Any, name: str) -> list[sp.Expr]:
    if not isinstance(x, (list, tuple)) or not x:
        raise TypeError(f"{name}: expected a non-empty list of numbers; got {type(x).__name__}")
    return [exact(v, f"{name}[{i}]") for i, v in enumerate(x)]


def _ema(history: Sequence[sp.Expr], beta: sp.Expr) -> sp.Expr:
    """(1 − β) Σᵢ β^{t−i} hᵢ over the whole history (t = its length)."""
    t = len(history)
    return (1 - beta) * sp.Add(*[beta ** (t - i) * h for i, h in enumerate(history, start=1)])


def _trajectory(
    theta0: Any, grads: Any, *, lr: Any, betas: Any, eps: Any, weight_decay: Any,
    amsgrad: bool, maximize: bool, decoupled: bool,
) -> sp.ImmutableMatrix:
    theta = _vector(theta0, "theta0")
    n = len(theta)
    if not isinstance(grads, (list, tuple)) or not grads:
        raise TypeError("grads: expected a non-empty list of gradient vectors")
    rows = [_vector(g, f"grads[{k}]") for k, g in enumerate(grads)]
    for k, g in enumerate(rows):
        if len(g) != n:
            raise ValueError(f"grads[{k}]: expected {n} entries like theta0; got {len(g)}")
    a, b1, b2, e, lam = (exact(v, k) for v, k in ((lr, "lr"), (betas[0], "betas[0]"), (betas[1], "betas[1]"), (eps, "eps"), (weight_decay, "weight_decay")))
    seen: list[list[sp.Expr]] = [[] for _ in range(n)]  # effective gradients per coordinate
    vmax: list[sp.Expr] = [sp.Integer(0)] * n
    out = []
    for t, g_row in enumerate(rows, start=1):
        new = []
        for j in range(n):
            g = -g_row[j] if maximize else g_row[j]
            if not decoupled:
                g = g + lam * theta[j]  # Adam: the L2 term is part of the gradient
            seen[j].append(g)
            m_hat = _ema(seen[j], b1) / (1 - b1**t)
            v_raw = _ema([x**2 for x in seen[j]], b2)
            vmax[j] = sp.Max(vmax[j], v_raw) if amsgrad else v_raw
            v_hat = vmax[j] / (1 - b2**t)
            keep = 1 - a * lam if decoupled else 1
            new.append(keep * theta[j] - a * m_hat / (sp.sqrt(v_hat) + e))
        theta = new
        out.append(theta)
    return sp.ImmutableMatrix(out)


def adam_symbolic(
    theta0: Sequence[Any], grads: Sequence[Sequence[Any]], *, lr: Any, betas: Sequence[Any], eps: Any,
    weight_decay: Any = 0, amsgrad: bool = False, maximize: bool = False,
) -> sp.ImmutableMatrix:
    r"""Exact Adam trajectory (L2 weight decay) for a given gradient sequence.

    Parameters
    ----------
    theta0
        :math:`\theta_0`, a list of ``n`` exact numbers (ints, Fractions, real SymPy numbers,
        floats taken at their exact binary value, or strings such as ``"0.9"`` or ``"1/3"``).
    grads
        ``T`` gradient vectors :math:`g_1, \dots, g_T` of length ``n`` (the loss gradients;
        the L2 term :math:`\lambda\theta_{t-1}` is added here).
    lr, betas, eps, weight_decay
        :math:`\alpha, (\beta_1, \beta_2), \epsilon, \lambda` as exact numbers.
    amsgrad, maximize
        As in :func:`refalgo.optim.adam_step`.

    Returns
    -------
    sympy.ImmutableMatrix
        Shape ``(T, n)``: row ``t - 1`` is :math:`\theta_t`.

    Raises
    ------
    TypeError, ValueError
        Non-numeric entries, or gradient vectors of the wrong length.

    Notes
    -----
    :math:`\theta_t = \theta_{t-1} - \alpha\,\hat m_t/(\sqrt{\hat v_t}+\epsilon)` with
    :math:`\hat m_t = (1-\beta_1)\sum_{i\le t}\beta_1^{t-i}g_i/(1-\beta_1^t)` and likewise
    :math:`\hat v_t` from :math:`g_i^2`, where :math:`g_i` includes :math:`\lambda\theta_{i-1}`.

    Examples
    --------
    >>> adam_symbolic([1], [[2], [1]], lr="0.1", betas=("0.5", "0.75"), eps=0)
    Matrix([
    [             9/10],
    [9/10 - sqrt(7)/30]])
    """
    return _trajectory(theta0, grads, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                       amsgrad=amsgrad, maximize=maximize, decoupled=False)


def adamw_symbolic(
    theta0: Sequence[Any], grads: Sequence[Sequence[Any]], *, lr: Any, betas: Sequence[Any], eps: Any,
    weight_decay: Any = 0, amsgrad: bool = False, maximize: bool = False,
) -> sp.ImmutableMatrix:
    r"""Exact AdamW trajectory (decoupled decay, PyTorch's :math:`1-\alpha\lambda`) for a gradient sequence.

    Parameters
    ----------
    theta0, grads, lr, betas, eps, weight_decay, amsgrad, maximize
        As in :func:`adam_symbolic`; here :math:`\lambda` never enters the moments.

    Returns
    -------
    sympy.ImmutableMatrix
        Shape ``(T, n)``: row ``t - 1`` is :math:`\theta_t`.

    Raises
    ------
    TypeError, ValueError
        As :func:`adam_symbolic`.

    Notes
    -----
    :math:`\theta_t = (1-\alpha\lambda)\theta_{t-1} - \alpha\,\hat m_t/(\sqrt{\hat v_t}+\epsilon)`.

    Examples
    --------
    >>> adamw_symbolic([1], [[0], [0]], lr="0.1", betas=("0.9", "0.999"), eps="1e-8", weight_decay="0.5")
    Matrix([
    [  19/20],
    [361/400]])
    """
    return _trajectory(theta0, grads, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                       amsgrad=amsgrad, maximize=maximize, decoupled=True)


# ---------------------------------------------------------------------- registry
def _inputs() -> Any:
    from hypothesis import strategies as st

    frac = lambda lo, hi, den: st.fractions(lo, hi, max_denominator=den)  # noqa: E731

    @st.composite
    def example(draw: Any) -> dict[str, Any]:
        n, steps = draw(st.integers(1, 2)), draw(st.integers(1, 3))
        return {
            "theta0": draw(st.lists(frac(-3, 3, 4), min_size=n, max_size=n)),
            "grads": draw(st.lists(st.lists(frac(-2, 2, 4), min_size=n, max_size=n), min_size=steps, max_size=steps)),
            "lr": draw(st.sampled_from([Fraction(1, 10), Fraction(1, 100), Fraction(1, 1000)])),
            "betas": (draw(frac(0, Fraction(99, 100), 100)), draw(frac(0, Fraction(999, 1000), 1000))),
            "eps": draw(st.sampled_from([Fraction(1, 10**8), Fraction(1, 1000), Fraction(1, 10)])),
            "weight_decay": draw(frac(0, 1, 10)),
            "amsgrad": draw(st.booleans()),
            "maximize": draw(st.booleans()),
        }

    return example()


def _numeric(ex: dict[str, Any], step: Any) -> np.ndarray:
    p = np.array([float(x) for x in ex["theta0"]])
    state: AdamState = adam_init(p, amsgrad=ex["amsgrad"])
    rows = []
    kw = dict(lr=float(ex["lr"]), betas=(float(ex["betas"][0]), float(ex["betas"][1])), eps=float(ex["eps"]),
              weight_decay=float(ex["weight_decay"]), amsgrad=ex["amsgrad"], maximize=ex["maximize"])
    for g in ex["grads"]:
        p, state = step(p, np.array([float(x) for x in g]), state, **kw)
        rows.append(p)
    return np.array(rows)


def _exact_kw(ex: dict[str, Any]) -> dict[str, Any]:
    return {k: ex[k] for k in ("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize")}


_TOL = Tolerance(
    rtol=1e-9, atol=1e-12,
    why="at most three steps of well-conditioned arithmetic in float64 (the hyperparameters are rounded to the nearest double)",
)

CONCEPTS = (
    Concept(
        name="adam", area="optim",
        symbolic=lambda ex: adam_symbolic(ex["theta0"], ex["grads"], **_exact_kw(ex)),
        numeric=lambda ex: _numeric(ex, adam_step),
        inputs=_inputs, tolerance=_TOL, references=REFERENCES, page="optim/adam.md",
    ),
    Concept(
        name="adamw", area="optim",
        symbolic=lambda ex: adamw_symbolic(ex["theta0"], ex["grads"], **_exact_kw(ex)),
        numeric=lambda ex: _numeric(ex, adamw_step),
        inputs=_inputs, tolerance=_TOL, references=REFERENCES, page="optim/adam.md",
    ),
)
