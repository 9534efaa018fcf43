r"""Preparing a claim for `refalgo.check`: reading, unifying symbols, and stating assumptions.

* `read` and `steps_of` turn strings (read together, with one syntax and one
  `refalgo.parsing.Notation`) and SymPy objects into SymPy objects;
* `conditions` turns the ``assumptions`` argument (an `Assumptions`, condition strings
  such as ``"0 < gamma < 1"``, value assumptions such as ``"gamma = 0.9"``, SymPy
  relations) into an `Assumptions` and extra relations;
* `prepared` makes equal names the same symbol everywhere, substitutes the assumed
  values, states a family condition (``p_i > 0`` with a letter index that occurs
  nowhere else) for every member ``p_1, p_2, …``, gives symbols the signs that conditions
  state, and adds the supports of declared distributions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from ._exact import exact
from .assumptions import Assumptions
from .parsing import Notation, ParseError, Reading, Syntax, parse, parse_condition, read_chain

__all__ = ["as_expr", "conditions", "prepared", "read", "steps_of"]


def as_expr(value: Any, name: str, syntax: Syntax) -> Any:
    if isinstance(value, str):
        return parse(value, syntax=syntax)
    if isinstance(value, (int, float, Fraction, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        return exact(value, name)  # the core converter: a float enters at its exact binary value
    if isinstance(value, sp.MatrixBase) or (isinstance(value, sp.Expr) and not isinstance(value, sp.Equality)):
        return value
    raise TypeError(f"{name}: expected a string or a SymPy expression; got {type(value).__name__} {value!r}"[:200])


Context = Reading | Notation | None  # how the steps were read: a whole Reading, or just a notation


def _notation_of(context: Context) -> Notation | None:
    return context.notation if isinstance(context, Reading) else context


def conditions(assumptions: Any, syntax: Syntax, context: Context = None) -> tuple[Assumptions, list[Any]]:
    """Split ``assumptions`` into an Assumptions object and extra relations (and value equations)."""
    if assumptions is None:
        return Assumptions(), []
    if isinstance(assumptions, Assumptions):
        return assumptions, []
    items = [assumptions] if isinstance(assumptions, (str, sp.Basic)) else list(assumptions)
    base, extra = Assumptions(), list[Any]()
    for item in items:
        if isinstance(item, Assumptions):
            base = item if base == Assumptions() else base.merged(item)
        elif isinstance(item, str):
            read_as = (
                context.condition(item)  # with the derivation's own names, notation and syntax
                if isinstance(context, Reading)
                else parse_condition(item, syntax=syntax, notation=context)
            )
            extra.extend(_checked_value(c, item) if isinstance(c, sp.Equality) else c for c in read_as)
        elif isinstance(item, sp.Equality):
            extra.append(_checked_value(item, str(item)))
        elif isinstance(item, sp.Basic) and (item.is_Relational or isinstance(item, sp.And)):
            extra.extend(item.args if isinstance(item, sp.And) else (item,))
        else:
            raise TypeError(f"assumptions: expected an Assumptions object or conditions such as 'x > 0'; got {item!r}"[:200])
    return base, extra


def _checked_value(eq: sp.Equality, text: str) -> sp.Equality:
    if not isinstance(eq.lhs, sp.Symbol) or eq.rhs.free_symbols or not eq.rhs.is_number or eq.rhs.is_real is False:
        raise ParseError(
            "expected a value assumption such as 'gamma = 0.9': one symbol on the left, a real number on the right",
            text,
            0,
        )
    return eq


def _unify(objects: Sequence[Any]) -> list[Any]:
    """Make equal names the same symbol across ``objects``.

    Integer symbols (sum indices and limits) win over real ones; otherwise the first
    symbol met with a name wins, so a caller's own SymPy symbols keep their assumptions.
    A symbol ``x_3`` becomes the term ``x(3)`` when ``x`` is a sequence in a sum.
    """
    chosen: dict[str, sp.Symbol] = {}
    sequences: set[str] = set()
    for obj in objects:
        for s in sorted(obj.free_symbols, key=sp.default_sort_key):
            if isinstance(s, sp.Symbol) and (s.name not in chosen or (s.is_integer and not chosen[s.name].is_integer)):
                chosen[s.name] = s
        for app in obj.atoms(sp.core.function.AppliedUndef):
            if len(app.args) == 1 and app.args[0].is_integer:
                sequences.add(app.func.__name__)  # x(i) with an integer index: the terms of a sequence
    out = []
    for obj in objects:
        mapping: dict[Any, Any] = {}
        for s in obj.free_symbols:
            if not isinstance(s, sp.Symbol):
                continue
            m = re.fullmatch(r"(.+)_(\d+)", s.name)
            if m and m.group(1) in sequences:
                mapping[s] = sp.Function(m.group(1), real=True)(sp.Integer(m.group(2)))
            elif chosen[s.name] != s:
                mapping[s] = chosen[s.name]
        out.append(obj.xreplace(mapping) if mapping else obj)
    return out


def _signs(conditions: Sequence[Any]) -> dict[sp.Symbol, sp.Symbol]:
    """Real symbols that a condition ``s > 0`` or ``s >= 0`` makes positive or nonnegative.

    Such a symbol is replaced by one that carries the assumption, so that SymPy's
    rewrites can use it (``sqrt(x**2)`` becomes ``x`` when ``x`` is positive).
    """
    out: dict[sp.Symbol, sp.Symbol] = {}
    for c in conditions:
        if not c.is_Relational or c.rel_op not in (">", ">=", "<", "<="):
            continue
        big, small = (c.lhs, c.rhs) if c.rel_op in (">", ">=") else (c.rhs, c.lhs)
        if isinstance(big, sp.Symbol) and small == 0 and big.is_real and big.is_integer is not True:
            strict = c.rel_op in (">", "<")
            if big not in out or strict:
                out[big] = sp.Symbol(big.name, positive=True) if strict else sp.Symbol(big.name, nonnegative=True)
    return out


def _families(conditions: Sequence[Any], exprs: Sequence[Any]) -> list[Any]:
    """Conditions on ``p_i`` (a letter index not in ``exprs``) stated for every ``p_<index>`` there."""
    names = {s for e in exprs for s in getattr(e, "free_symbols", set()) if isinstance(s, sp.Symbol)}
    out: list[Any] = []
    for c in conditions:
        generic = [
            (s, m.group(1))
            for s in c.free_symbols
            if isinstance(s, sp.Symbol) and s not in names and (m := re.fullmatch(r"(.+)_\{?([A-Za-z])\}?", s.name))
        ]
        if len(generic) != 1:
            out.append(c)
            continue
        s, base = generic[0]
        members = sorted((t for t in names if re.fullmatch(re.escape(base) + r"_.+", t.name)), key=sp.default_sort_key)
        out.extend([c.xreplace({s: t}) for t in members] or [c])
    return out


def _supports(notation: Notation | None) -> dict[str, tuple[Any, ...]]:
    """The finite supports of the distributions that ``notation`` declares."""
    if notation is None:
        return {}
    out = {}
    for name, over in notation.distributions.items():
        values = notation.index_values(over)
        if values:
            out[name] = tuple(values)
    return out


def prepared(exprs: list[Any], assumptions: Any, syntax: Syntax, context: Context = None) -> tuple[list[Any], Assumptions]:
    """``exprs`` with one symbol per name, the assumed values substituted and the signs the
    conditions state; and the assumptions with family conditions spread and supports added."""
    base, extra = conditions(assumptions, syntax, context)
    supports = _supports(_notation_of(context))
    if supports:
        base = base.merged(Assumptions(samples=base.samples, seed=base.seed, supports=tuple(supports.items())))
    unified = _unify([*exprs, *extra, *base.conditions])
    n = len(exprs)
    values = {eq.lhs: exact(eq.rhs, f"the value of {eq.lhs}", symbolic=True) for eq in unified[n:] if isinstance(eq, sp.Equality)}
    objs = [obj.xreplace(values) if values else obj for obj in unified if not isinstance(obj, sp.Equality)]
    conditions_in = _families(objs[n:], objs[:n])
    signs = _signs(conditions_in)
    exprs_out = [obj.xreplace(signs) for obj in objs[:n]]
    stated = tuple(c for c in (c.xreplace(signs) for c in conditions_in) if c is not sp.true)
    if any(c is sp.false for c in stated):
        raise ValueError("assumptions: a condition is false for the values assumed")
    merged = Assumptions(
        stated, base.matrices, base.functions, base.samples, base.seed, base.distributions, base.supports
    )
    return exprs_out, merged


def read(items: Sequence[Any], names: Sequence[str], syntax: Syntax, notation: Notation | None) -> tuple[list[Any], Context]:
    """The items as SymPy objects: strings read together, with one syntax and one notation.

    Returns the objects and how they were read: the `Reading` when strings were read
    together (its notation, with what it inferred, gives declared distributions to the
    sampling, and assumptions are read with its names), else the declared notation.
    """
    texts = [item for item in items if isinstance(item, str)]
    if texts and len(texts) == len(items):
        reading = read_chain(texts, syntax=syntax, notation=notation)
        return list(reading.exprs), reading
    out = []
    for item, name in zip(items, names):
        out.append(parse(item, syntax=syntax, notation=notation) if isinstance(item, str) else as_expr(item, name, syntax))
    return out, notation


def steps_of(steps: Iterable[str | sp.Basic], syntax: Syntax, notation: Notation | None) -> tuple[list[Any], Context]:
    if isinstance(steps, (str, sp.Basic)):
        raise TypeError("steps: expected a list of steps (strings or SymPy expressions); got a single one")
    items = list(steps)
    names = [f"steps[{k}]" for k in range(len(items))]
    for item, name in zip(items, names):
        if not isinstance(item, str):
            as_expr(item, name, syntax)
    used: Context = notation
    if items and all(isinstance(item, str) for item in items):
        reading = read_chain(items, syntax=syntax, notation=notation)
        out, used = list(reading.exprs), reading
    else:
        out = []
        for item, name in zip(items, names):
            out.extend(read([item], [name], syntax, notation)[0] if isinstance(item, str) else [as_expr(item, name, syntax)])
    if len(out) < 2:
        raise ValueError(f"steps: expected at least 2 steps; got {len(out)}")
    return out, used
