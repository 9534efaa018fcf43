r"""Adam: moving averages of the gradient and its square, bias-corrected.

Given the gradient :math:`g_t` at step :math:`t = 1, 2, \dots` and :math:`m_0 = v_0 = 0`,

.. math::

    m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \quad
    v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2, \quad
    \hat m_t = \frac{m_t}{1-\beta_1^t}, \quad
    \hat v_t = \frac{v_t}{1-\beta_2^t}, \quad
    \theta_t = \theta_{t-1} - \alpha \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}.

:math:`\alpha` is ``lr``, :math:`(\beta_1, \beta_2)` is ``betas``, :math:`\epsilon` is ``eps``,
:math:`\lambda` is ``weight_decay``, :math:`\eta_t` is ``schedule_multiplier``.

**Conventions** (PyTorch's ``torch.optim.Adam``; the tests hold the functions to it and to optax):

* ``weight_decay`` is an L2 term, :math:`g_t \leftarrow g_t + \lambda\theta_{t-1}`, which passes
  through the moments: the chain ``add_decayed_weights(λ)``, ``scale_by_adam``,
  ``scale_by_learning_rate(α)`` of :mod:`refalgo.optim.transforms`. AdamW
  (:mod:`refalgo.optim.adamw`) decouples it.
* ε is added after the bias-corrected square root; ``maximize`` negates the gradient
  first; ``amsgrad`` keeps :math:`\max_{i\le t} v_i` of the raw :math:`v_t`, created at step 0
  when the state has none (PyTorch's habit) and refused later.
* ``schedule_multiplier`` :math:`\eta_t` makes the step :math:`\eta_t\alpha`.

Parameters are one array, a list/tuple or a dict of float32/float64 arrays. **NaN
policy:** non-finite input is refused with a ``ValueError`` naming the leaf and index, as
are 0/0 (``eps = 0`` with :math:`\hat v_t = 0`) and overflow. The exact twin sums the
unrolled averages in rational arithmetic; the numeric twin runs the chain; the in-place
step runs the efficient form in :mod:`refalgo.optim._engine`; the tests hold all three equal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._exact import ExactNumber, ExactNumbers, exact, exact_array, exact_vector
from .._validate import as_flag, as_positive
from ..assumptions import Assumptions
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance
from ._engine.inplace import CHUNK, as_schedule_multiplier, step_inplace
from ._engine.tree import flatten_params, run_chain
from .transforms import AdamState, GradientTransformation, add_decayed_weights, chain, scale, scale_by_adam, scale_by_learning_rate

__all__ = ["adam_chain", "adam_equations", "adam_init", "adam_step", "adam_step_inplace", "adam_symbolic", "derivations"]

Params = ArrayLike | Mapping[str, ArrayLike]

REFERENCES = (
    "D. P. Kingma and J. Ba, Adam: A Method for Stochastic Optimization, ICLR 2015, Algorithm 1 and §2–3.",
    "I. Loshchilov and F. Hutter, Decoupled Weight Decay Regularization, ICLR 2019, Algorithm 2.",
    "PyTorch 2.13 documentation, torch.optim.Adam and torch.optim.AdamW (algorithm boxes).",
)


# ---------------------------------------------------------------------- exact twins
def _ema(history: Sequence[sp.Expr], beta: sp.Expr) -> sp.Expr:
    """(1 − β) Σᵢ β^{t−i} hᵢ over the whole history (t = its length)."""
    t = len(history)
    return (1 - beta) * sp.Add(*[beta ** (t - i) * h for i, h in enumerate(history, start=1)])


def trajectory_symbolic(params: ExactNumbers, grads: ExactNumbers | Sequence[ExactNumbers], *, lr: ExactNumber,
                        betas: Sequence[ExactNumber], eps: ExactNumber,
                        weight_decay: ExactNumber, amsgrad: bool, maximize: bool, decoupled: bool) -> sp.ImmutableMatrix:
    """The exact trajectory of Adam (``decoupled=False``) or AdamW from the unrolled moving averages."""
    theta = exact_vector(params, "params")
    n = len(theta)
    rows = exact_array(grads, "grads", shape=(None, n))
    b1, b2 = exact_vector(betas, "betas", length=2)
    a, e, lam = exact(lr, "lr"), exact(eps, "eps"), exact(weight_decay, "weight_decay")
    amsgrad, maximize = as_flag(amsgrad, "amsgrad"), as_flag(maximize, "maximize")
    seen: list[list[sp.Expr]] = [[] for _ in range(n)]  # effective gradients per coordinate
    vmax: list[sp.Expr] = [sp.Integer(0)] * n
    out = []
    for t, g_row in enumerate(rows, start=1):
        new = []
        for j in range(n):
            g = -g_row[j] if maximize else g_row[j]
            seen[j].append(g if decoupled else g + lam * theta[j])  # Adam: the L2 term joins the gradient
            m_hat = _ema(seen[j], b1) / (1 - b1**t)
            v_raw = _ema([x**2 for x in seen[j]], b2)
            vmax[j] = sp.Max(vmax[j], v_raw) if amsgrad else v_raw
            keep = 1 - a * lam if decoupled else 1
            new.append(keep * theta[j] - a * m_hat / (sp.sqrt(vmax[j] / (1 - b2**t)) + e))
        theta = new
        out.append(theta)
    return sp.ImmutableMatrix(out)


def adam_symbolic(params: ExactNumbers, grads: ExactNumbers | Sequence[ExactNumbers], *, lr: ExactNumber,
                  betas: Sequence[ExactNumber], eps: ExactNumber,
                  weight_decay: ExactNumber = 0, amsgrad: bool = False, maximize: bool = False) -> sp.ImmutableMatrix:
    r"""Exact Adam trajectory (L2 weight decay) for a given gradient sequence.

    :math:`\alpha, (\beta_1, \beta_2), \epsilon, \lambda` are ``lr, betas, eps, weight_decay``.

    Parameters
    ----------
    params
        :math:`\theta_0`: ``n`` exact numbers (ints, Fractions, SymPy numbers, floats at their
        exact binary value, strings such as ``"0.9"`` or ``"1/3"``), in any sequence or array.
    grads
        ``T`` gradient vectors :math:`g_1, \dots, g_T` of length ``n``, shape ``(T, n)``.
    lr, betas, eps, weight_decay
        Exact numbers.
    amsgrad, maximize
        As in :func:`adam_step`.

    Returns
    -------
    sympy.ImmutableMatrix
        Shape ``(T, n)``: row ``t - 1`` is :math:`\theta_t`.

    Raises
    ------
    TypeError, ValueError
        Entries that are not exact numbers, or ``grads`` not of shape ``(T, n)``.

    Examples
    --------
    >>> adam_symbolic([1], [[2], [1]], lr="0.1", betas=("0.5", "0.75"), eps=0)
    Matrix([
    [             9/10],
    [9/10 - sqrt(7)/30]])

    References
    ----------
    Kingma & Ba (2015), Algorithm 1.
    """
    return trajectory_symbolic(params, grads, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                               amsgrad=amsgrad, maximize=maximize, decoupled=False)


# ---------------------------------------------------------------------- numeric twins
def adam_init(params: Params, *, amsgrad: bool = False) -> AdamState[Params]:
    """Zero moment buffers shaped like ``params``: the state before the first step.

    Parameters
    ----------
    params
        One array, a list/tuple of arrays, or a dict of arrays (float32 or float64).
    amsgrad
        Also create the running maximum of :math:`v_t` (``amsgrad=True`` steps create it
        at step 0 themselves).

    Returns
    -------
    AdamState
        ``step = 0`` and zero buffers of the parameters' structure, shapes and dtypes.

    Raises
    ------
    TypeError, ValueError
        ``params`` not a structure of finite real arrays.

    Examples
    --------
    >>> import numpy as np
    >>> s = adam_init({"w": np.ones(3), "b": np.zeros(1, dtype=np.float32)})
    >>> s.step, s.exp_avg["b"].dtype, s.max_exp_avg_sq
    (0, dtype('float32'), None)
    """
    leaves, rebuild = flatten_params(params)
    zeros: Callable[[], Any] = lambda: rebuild([np.zeros_like(p) for p in leaves])  # noqa: E731
    return AdamState(0, zeros(), zeros(), zeros() if as_flag(amsgrad, "amsgrad") else None)


def maximize_first(maximize: bool) -> list[GradientTransformation]:
    """``[scale(-1.0)]`` with ``maximize`` (the gradient is negated before anything else), else ``[]``."""
    return [scale(-1.0)] if as_flag(maximize, "maximize") else []  # maximize: g ← −g


def adam_chain(*, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
               weight_decay: float = 0.0, amsgrad: bool = False, maximize: bool = False,
               schedule_multiplier: float | None = None) -> GradientTransformation:
    r"""Adam with L2 as a chain: decay into the gradient, then Adam's scaling, then :math:`-\eta_t\alpha`.

    Arguments as in :func:`adam_step`. Returns a
    :class:`~refalgo.optim.transforms.GradientTransformation` on one array.

    Examples
    --------
    >>> import numpy as np
    >>> tx = adam_chain(lr=0.1)
    >>> tx.update(np.array([0.5, -3.0]), tx.init(np.zeros(2)), np.zeros(2))[0]
    array([-0.1,  0.1])
    """
    eta = as_schedule_multiplier(schedule_multiplier)
    alpha = as_positive(lr, "lr", allow_zero=True) * (1.0 if eta is None else eta)
    return chain(*maximize_first(maximize),
                 add_decayed_weights(weight_decay),  # g_t + λ θ_{t−1}: the L2 term enters the moments
                 scale_by_adam(betas=betas, eps=eps, amsgrad=amsgrad),
                 scale_by_learning_rate(alpha))


def adam_step(params: Params, grads: Params, state: AdamState[Params], *, lr: float = 1e-3,
              betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0,
              amsgrad: bool = False, maximize: bool = False,
              schedule_multiplier: float | None = None) -> tuple[Params, AdamState[Params]]:
    r"""One Adam step, weight decay as an L2 term inside the gradient (``torch.optim.Adam``).

    :math:`\alpha` is ``lr``, :math:`(\beta_1, \beta_2)` is ``betas``, :math:`\epsilon` is ``eps``,
    :math:`\lambda` is ``weight_decay``, :math:`\eta_t` is ``schedule_multiplier``: the chain
    :func:`adam_chain` run on every array.

    Parameters
    ----------
    params, grads
        :math:`\theta_{t-1}` and :math:`g_t`: one array, a list/tuple or a dict of float32/float64
        arrays, of the same structure and shapes.
    state
        :class:`AdamState` after step :math:`t-1` (from :func:`adam_init` or the previous step).
    lr, betas, eps, weight_decay
        :math:`\alpha \ge 0`; each :math:`\beta` in [0, 1); :math:`\epsilon \ge 0`;
        :math:`\lambda \ge 0` (the gradient becomes :math:`g_t + \lambda\theta_{t-1}`).
    amsgrad
        Normalize by :math:`\max_{i\le t} v_i` (AMSGrad); from step 0 only.
    maximize
        Ascend instead of descend (the gradient is negated first).
    schedule_multiplier
        :math:`\eta_t`; the step size is then :math:`\eta_t\alpha`.

    Returns
    -------
    params, state
        :math:`\theta_t` (same structure and dtypes) and the state after step :math:`t`.

    Raises
    ------
    TypeError, ValueError
        Mismatched structure, shapes or dtypes; a hyperparameter out of range; NaN or
        inf anywhere; ``eps = 0`` with :math:`\hat v_t = 0`; overflow; ``amsgrad``
        switched on after step 0.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.array([1.0, -2.0])
    >>> p1, s = adam_step(p, np.array([0.5, -3.0]), adam_init(p), lr=0.1)
    >>> p1, s.step  # the first step moves every coordinate by lr·sign(g) (up to ε)
    (array([ 0.9, -1.9]), 1)

    References
    ----------
    Kingma & Ba (2015), Algorithm 1; PyTorch ``torch.optim.Adam``.
    """
    tx = adam_chain(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                    maximize=maximize, schedule_multiplier=schedule_multiplier)
    return run_chain(tx, params, grads, state, amsgrad=bool(amsgrad), eps=float(eps))


def adam_step_inplace(params: Params, grads: Params, state: AdamState[Params], *, lr: float = 1e-3,
                      betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0,
                      amsgrad: bool = False, maximize: bool = False, schedule_multiplier: float | None = None,
                      chunk: int = CHUNK, backend: str = "auto") -> AdamState[Params]:
    """:func:`adam_step`, updating ``params`` and the state's buffers in place (the fast path).

    Arguments, raises and conventions as :func:`adam_step`, and ``eps`` must be > 0; the
    arrays must be writable C-contiguous float32/float64 NumPy arrays. ``backend``:
    ``"numba"`` (compiled, one pass over memory on all cores, the ``fast`` extra),
    ``"numpy"`` (ufuncs on ``chunk`` elements at a time) or ``"auto"`` (numba if
    installed); see :mod:`refalgo.optim._engine.inplace`. Returns the state with the new
    step count, sharing the updated buffers. Raises ImportError for ``"numba"`` without numba.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.array([1.0, -2.0])
    >>> s = adam_step_inplace(p, np.array([0.5, -3.0]), adam_init(p), lr=0.1)
    >>> p, s.step
    (array([ 0.9, -1.9]), 1)
    """
    return step_inplace(params, grads, state, decoupled=False, chunk=chunk, backend=backend, lr=lr, betas=betas, eps=eps,
                        weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize,
                        schedule_multiplier=schedule_multiplier)


# ---------------------------------------------------------------------- derivations
t, i = sp.Symbol("t", integer=True, positive=True), sp.Symbol("i", integer=True, positive=True)
b1, b2 = sp.symbols("beta_1 beta_2", positive=True)
alpha, epsilon = sp.symbols("alpha epsilon", positive=True)
lam, mu = sp.Symbol("lambda", real=True), sp.Symbol("mu", real=True)
sigma2 = sp.Symbol("sigma^2", positive=True)
HORIZON = 4  # the unrolling is shown for t = 4; the tests check every t up to 60 numerically


class BiasFactor(sp.Symbol):
    """A positive symbol rendered as the bias-correction factor ``(1 - β_k^t)``."""

    def _latex(self, printer: object) -> str:
        return rf"\left(1 - \beta_{self.name[-1]}^{{t}}\right)"


# the bias-correction factors 1 − β₁ᵗ and 1 − β₂ᵗ, positive for 0 < β < 1 and t >= 1
c1, c2 = BiasFactor("c_1", positive=True), BiasFactor("c_2", positive=True)


def adam_equations() -> tuple[tuple[str, sp.Equality], ...]:
    r"""Adam's equations (1)–(5) and the AdamW update, as labelled SymPy equations.

    Examples
    --------
    >>> [label for label, _ in adam_equations()][:2]
    ['(1) first moment', '(2) second moment']
    """
    m, m1, v, v1, gt = sp.symbols("m_t m_{t-1} v_t v_{t-1} g_t", real=True)
    mh, vh = sp.Symbol(r"\hat{m}_t", real=True), sp.Symbol(r"\hat{v}_t", nonnegative=True)
    th, th1 = sp.Symbol("theta_t", real=True), sp.Symbol(r"\theta_{t-1}", real=True)
    return (
        ("(1) first moment", sp.Eq(m, b1 * m1 + (1 - b1) * gt)),
        ("(2) second moment", sp.Eq(v, b2 * v1 + (1 - b2) * gt**2)),
        ("(3) bias-corrected first moment", sp.Eq(mh, m / (1 - b1**t))),
        ("(4) bias-corrected second moment", sp.Eq(vh, v / (1 - b2**t))),
        ("(5) Adam update", sp.Eq(th, th1 - alpha * mh / (sp.sqrt(vh) + epsilon))),
        ("AdamW update", sp.Eq(th, (1 - alpha * lam) * th1 - alpha * mh / (sp.sqrt(vh) + epsilon))),
    )


def _unrolled(name: str, beta: sp.Symbol, square: bool = False) -> Derivation:
    """The recurrence ``name_t = β name_{t−1} + (1 − β) x_t`` from 0, unrolled at t = 4 into a weighted sum."""
    gs = sp.IndexedBase("g")
    x = (lambda k: gs[k] ** 2) if square else (lambda k: gs[k])
    nested: sp.Expr = sp.Integer(0)
    for k in range(1, HORIZON + 1):
        nested = beta * nested + (1 - beta) * x(k)
    plain = (1 - beta) * sp.Add(*[beta ** (HORIZON - k) * x(k) for k in range(1, HORIZON + 1)])
    return Derivation(
        f"Unrolling ${name}_t$: a weighted sum of the whole history ($t = {HORIZON}$)",
        [
            Step(sp.Eq(sp.Symbol(f"{name}_{HORIZON}"), nested), f"({2 if square else 1}), {HORIZON} times"),
            Step(plain, "expand"),
            Step((1 - beta) * sp.Sum(beta ** (HORIZON - i) * x(i), (i, 1, HORIZON)),
                 rf"weight $(1 - {sp.latex(beta)}) {sp.latex(beta)}^{{t-i}}$"),
        ],
    )


def _bias_correction(beta: sp.Symbol, moment: sp.Symbol, hat: str, of: str, which: str) -> Derivation:
    """For a stationary gradient the bias-corrected average is unbiased: 𝔼[hat] = moment."""
    geometric = sp.Mul((1 - beta) / (1 - beta**t), moment, (1 - beta**t) / (1 - beta), evaluate=False)
    return Derivation(
        f"Bias correction: the corrected {which} moment is unbiased when $\\mathbb{{E}}[{of}]$ is the same at every step",
        [
            Step((1 - beta) * sp.Sum(beta ** (t - i) * moment, (i, 1, t)) / (1 - beta**t),
                 f"unroll; $\\mathbb{{E}}$ is linear"),
            Step(geometric, "geometric sum over $t$ terms"),
            Step(moment, "the factors cancel"),
        ],
        assumptions=Assumptions.of(beta < 1),
        lhs_latex=rf"\mathbb{{E}}[{hat}]",
    )


def _efficient_form() -> Derivation:
    """Kingma & Ba's efficient arrangement: α_t = α√(1−β₂ᵗ)/(1−β₁ᵗ) and ε̂ = ε√(1−β₂ᵗ)."""
    m, v = sp.Symbol("m_t", real=True), sp.Symbol("v_t", nonnegative=True)
    a_t, e_hat = sp.symbols(r"alpha_t \hat{\epsilon}", positive=True)
    return Derivation(
        "The efficient form: fold both bias corrections into the step size",
        [
            Step(alpha * (m / c1) / (sp.sqrt(v / c2) + epsilon), "equations (3) to (5)"),
            Step(alpha * sp.sqrt(c2) / c1 * m / (sp.sqrt(v) + epsilon * sp.sqrt(c2)),
                 r"multiply above and below by $\sqrt{1 - \beta_2^t}$"),
            Step(a_t * m / (sp.sqrt(v) + e_hat), r"name the step size $\alpha_t$ and $\hat\epsilon$"),
        ],
        where={a_t: alpha * sp.sqrt(c2) / c1, e_hat: epsilon * sp.sqrt(c2)},
        lhs_latex=r"\theta_{t-1} - \theta_t",
    )


def derivations() -> tuple[Derivation, ...]:
    """Adam's derivations, in page order: the unrolled moments, both bias corrections, the efficient form.

    Examples
    --------
    >>> [d.title for d in derivations()][0]
    'Unrolling $m_t$: a weighted sum of the whole history ($t = 4$)'
    """
    return (
        _unrolled("m", b1),
        _unrolled("v", b2, square=True),
        _bias_correction(b1, mu, r"\hat m_t", "g_i", "first"),
        _bias_correction(b2, sigma2, r"\hat v_t", "g_i^2", "second"),
        _efficient_form(),
    )


# ---------------------------------------------------------------------- registry
def _examples() -> Any:
    """Short exact runs with every option."""
    from hypothesis import strategies as st

    frac = lambda lo, hi, den: st.fractions(lo, hi, max_denominator=den)  # noqa: E731
    return st.integers(1, 2).flatmap(lambda n: st.fixed_dictionaries({
        "params": st.lists(frac(-3, 3, 4), min_size=n, max_size=n),
        "grads": st.lists(st.lists(frac(-2, 2, 4), min_size=n, max_size=n), min_size=1, max_size=3),
        "lr": st.sampled_from([Fraction(1, 10), Fraction(1, 100), Fraction(1, 1000)]),
        "betas": st.tuples(frac(0, Fraction(99, 100), 100), frac(0, Fraction(999, 1000), 1000)),
        "eps": st.sampled_from([Fraction(1, 10**8), Fraction(1, 1000), Fraction(1, 10)]),
        "weight_decay": frac(0, 1, 10),
        "amsgrad": st.booleans(),
        "maximize": st.booleans(),
    }))


def _numeric(ex: dict[str, Any], step: Callable[..., tuple[Any, AdamState[Any]]]) -> NDArray[np.float64]:
    """The float64 trajectory of ``step`` on one example: row ``t - 1`` holds the parameters after step ``t``."""
    p = np.array([float(x) for x in ex["params"]])
    state: AdamState[Any] = adam_init(p)
    kw = dict(lr=float(ex["lr"]), betas=(float(ex["betas"][0]), float(ex["betas"][1])), eps=float(ex["eps"]),
              weight_decay=float(ex["weight_decay"]), amsgrad=ex["amsgrad"], maximize=ex["maximize"])
    rows = []
    for g in ex["grads"]:
        p, state = step(p, np.array([float(x) for x in g]), state, **kw)
        rows.append(p)
    return np.array(rows)


def optimizer_concept(name: str, symbolic: Callable[..., sp.ImmutableMatrix],
                      step: Callable[..., tuple[Any, AdamState[Any]]]) -> Concept:
    """The registry entry of an optimizer: its exact trajectory against ``step`` run in float64."""
    keys = ("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize")
    return Concept(
        name=name, area="optim",
        symbolic=lambda ex: symbolic(ex["params"], ex["grads"], **{k: ex[k] for k in keys}),
        numeric=lambda ex: _numeric(ex, step),
        inputs=_examples, references=REFERENCES, page="optim/adam.md",
        tolerance=Tolerance(rtol=1e-9, atol=1e-12, why="at most three steps of well-conditioned arithmetic in float64 "
                            "(the hyperparameters are rounded to the nearest double)"),
    )


CONCEPTS = (optimizer_concept("adam", adam_symbolic, adam_step),)
