r"""One corpus item, its hand-built SymPy reference, and how the label is confirmed.

An `Item` is one step ``lhs = rhs`` written as its author writes it (LaTeX), with the
conditions (``--assume`` strings) and the notation declarations the checker needs, and a
label, ``"right"`` or ``"wrong"``. The label is not taken from the checker: each item
carries a `Reference` that builds both sides directly from SymPy objects (``Symbol``,
``Function``, ``MatrixSymbol``, explicit matrices), never through refalgo's parser, and
`confirm` establishes the label from it:

* a **right** item's difference simplifies to exactly 0 — as it stands, or at each of
  the reference's ``instances`` (for example the horizons t = 1…6 of an identity in t,
  explicit integer matrices for a matrix identity, exact values of γ for a series);
* a **wrong** item has a ``witness``: exact values for every symbol and a concrete
  function for every unspecified one, satisfying the reference's ``conditions``, at
  which the two sides evaluate to different numbers (decided with 100 significant
  digits of a nonzero exact difference).

Declarations are kept as plain data (the keyword arguments of
`refalgo.parsing.Notation`), so a corpus file reads without importing refalgo.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import sympy as sp
from sympy.core.function import AppliedUndef

Label = Literal["right", "wrong"]


@dataclass(frozen=True)
class Reference:
    """Both sides built by hand, with what confirms the label.

    Attributes
    ----------
    lhs, rhs
        SymPy expressions or matrices.
    conditions
        SymPy relations that the item's assumptions state; a witness must satisfy them.
    witness
        Wrong items: name → value for every symbol, matrix (a nested list) and
        unspecified function (a ``sympy.Lambda``) in the two sides.
    instances
        Right items proven case by case: substitutions (name → value) under each of
        which the difference must simplify to 0.
    """

    lhs: Any
    rhs: Any
    conditions: tuple[Any, ...] = ()
    witness: Mapping[str, Any] | None = None
    instances: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class Item:
    r"""One step of a derivation, as written in its source.

    Attributes
    ----------
    id
        Unique, ``<source>-<topic>[-<variant>]``.
    source
        Book and section or equation, or paper and equation.
    lhs, rhs
        The two sides, in the author's LaTeX.
    label
        ``"right"`` or ``"wrong"``.
    reference
        Builds the `Reference` (a function, so that importing the corpus builds nothing).
    assume
        Conditions as ``--assume`` strings (``"0 < \gamma < 1"``).
    notation
        Keyword arguments of `refalgo.parsing.Notation`: ``functions``, ``scalars``,
        ``matrices``, ``vectors``, ``index_sets``, ``distributions``.
    mistake
        For a wrong item, the slip it makes.
    symmetric
        Matrices declared symmetric (``refalgo check --symmetric A``).
    """

    id: str
    source: str
    lhs: str
    rhs: str
    label: Label
    reference: Callable[[], Reference]
    assume: tuple[str, ...] = ()
    notation: Mapping[str, Any] = field(default_factory=dict)
    mistake: str = ""
    symmetric: tuple[str, ...] = ()


def real(names: str, **assumptions: Any) -> Any:
    """Real symbols, ``real("x y")``; more assumptions as keywords (``positive=True``)."""
    return sp.symbols(names, real=True, **assumptions)


def fn(name: str, **assumptions: Any) -> Any:
    """An unspecified real function (``positive=True`` for a probability or partition function)."""
    return sp.Function(name, real=True, **assumptions)


def lam(args: str, body: Callable[..., Any]) -> sp.Lambda:
    """A concrete function for a witness: ``lam("s", lambda s: s**2)``."""
    variables = sp.symbols(args)
    variables = variables if isinstance(variables, tuple) else (variables,)
    return sp.Lambda(variables, body(*variables))


def orderings(function: str, values: Iterable[Any] = (1, 2)) -> tuple[dict[str, Any], ...]:
    """Instances covering every order of ``function(s, a)`` at the actions ``a_1, a_2``.

    A max over two actions is proven case by case: the first action's value is ``u`` and
    the other's ``u + w`` with ``w > 0``, then the reverse, then both equal to ``u``.
    """
    u, w = sp.Symbol("u", real=True), sp.Symbol("w", positive=True)
    first, second = values
    actions = {"a_1": first, "a_2": second}
    out = [{function: sp.Lambda(sp.symbols("s a"), sp.Piecewise((u, sp.Eq(sp.Symbol("a"), low)), (u + w, True)))} | actions
           for low in (first, second)]
    out.append({function: sp.Lambda(sp.symbols("s a"), u)} | actions)
    return tuple(out)


def _substituted(expr: Any, values: Mapping[str, Any]) -> Any:
    """``expr`` with functions, matrices and symbols replaced by the values named in ``values``."""
    expr = sp.sympify(expr)
    while True:  # outermost function first: d/dmu q(s, mu(s, theta)) needs q concrete before mu
        named = [f for f in expr.atoms(AppliedUndef) if f.func.__name__ in values]
        if not named:
            break
        outer = max(named, key=lambda f: (sp.count_ops(f), sp.default_sort_key(f)))
        expr = expr.replace(outer.func, values[outer.func.__name__]).doit()
    if isinstance(expr, sp.MatrixExpr) and not isinstance(expr, sp.MatrixBase):
        return _matrix_value(expr, values)
    expr = expr.replace(lambda e: isinstance(e, sp.Determinant), lambda e: _matrix_value(e.arg, values).det())
    swap: dict[Any, Any] = {}
    for s in expr.free_symbols:
        if isinstance(s, sp.Symbol) and s.name in values:
            swap[s] = sp.sympify(values[s.name])
    return expr.xreplace(swap).doit()


def _matrix_value(expr: Any, values: Mapping[str, Any]) -> Any:
    """An explicit matrix for a matrix expression, built operation by operation from ``values``."""
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(lambda e: _substituted(e, values))
    if isinstance(expr, sp.MatrixSymbol):
        return sp.Matrix(values[expr.name])
    if isinstance(expr, sp.Identity):
        return sp.eye(int(_substituted(expr.rows, values)))
    parts = [_matrix_value(a, values) if isinstance(a, sp.MatrixExpr) else _substituted(a, values) for a in expr.args]
    if isinstance(expr, sp.MatAdd):
        return sum(parts[1:], parts[0])
    if isinstance(expr, sp.MatMul):
        out = parts[0]
        for part in parts[1:]:
            out = out * part
        return out
    if isinstance(expr, sp.MatPow):
        return parts[0] ** int(parts[1])
    if isinstance(expr, sp.Inverse):
        return parts[0].inv()
    if isinstance(expr, sp.Transpose):
        return parts[0].T
    if isinstance(expr, sp.HadamardProduct):
        out = parts[0]
        for part in parts[1:]:
            out = out.multiply_elementwise(part)
        return out
    raise TypeError(f"no explicit value for {type(expr).__name__}: {expr}")


def _entries(value: Any) -> list[Any]:
    return list(value) if isinstance(value, sp.MatrixBase) else [value]


def is_zero(expr: Any) -> bool:
    """Whether ``expr`` simplifies to exactly 0 (logarithms of positive quantities expanded)."""
    if isinstance(expr, sp.MatrixExpr) and not isinstance(expr, sp.MatrixBase):
        expr = expr.doit()
        if isinstance(expr, sp.ZeroMatrix):
            return True
        if isinstance(expr, sp.MatrixExpr):
            return False  # a symbolic matrix identity is confirmed on explicit instances instead
    for entry in _entries(expr):
        entry = sp.sympify(entry).doit()
        if entry == 0 or sp.expand(entry) == 0:
            continue
        logs = sp.expand_log(sp.expand(entry), force=True)
        if sp.cancel(sp.together(logs)) == 0 or sp.simplify(entry) == 0 or sp.simplify(logs) == 0:
            continue
        return False
    return True


def differs(lhs: Any, rhs: Any) -> bool:
    """Whether two closed values (no free symbols) are different numbers, decided exactly."""
    left, right = _entries(lhs), _entries(rhs)
    if len(left) != len(right):
        raise ValueError(f"sides of different sizes: {len(left)} and {len(right)} entries")
    for a, b in zip(left, right):
        d = sp.sympify(a) - sp.sympify(b)
        if d.free_symbols:
            raise ValueError(f"the witness leaves symbols free: {sorted(map(str, d.free_symbols))}")
        d = sp.simplify(d)
        if d == 0:
            continue
        if d.is_zero is False or sp.Abs(d.evalf(100)) > sp.Float(10) ** -90:
            return True
    return False


def confirm(label: Label, ref: Reference) -> str:
    """Why the reference supports ``label``; raises AssertionError when it does not."""
    if label == "right":
        cases: Iterable[Mapping[str, Any]] = ref.instances or ({},)
        for case in cases:
            d = _substituted(ref.lhs, case) - _substituted(ref.rhs, case) if case else ref.lhs - ref.rhs
            assert is_zero(d), f"the difference does not simplify to 0 at {dict(case)}: {d}"
        return f"simplifies to 0 at {len(ref.instances)} instances" if ref.instances else "simplifies to 0"
    assert ref.witness is not None, "a wrong item needs a witness"
    for condition in ref.conditions:
        holds = _substituted(condition, ref.witness)
        assert holds is sp.true, f"the witness breaks the condition {condition}: {holds}"
    left, right = _substituted(ref.lhs, ref.witness), _substituted(ref.rhs, ref.witness)
    assert differs(left, right), f"the sides agree at the witness: {left} and {right}"
    return f"differs at the witness: {left} vs {right}"
