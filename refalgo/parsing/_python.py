r"""Python-syntax input: ``ast.parse`` and a strict whitelist of node types.

The text is parsed by Python's own parser in ``eval`` mode and never executed. The tree
is then walked by `_Reader`, which knows a handful of node types — numbers, names,
``+ - * / **``, unary ``+ -``, calls of whitelisted or undefined functions with
positional arguments, and (for conditions) chained comparisons — and refuses every
other node (attribute access, subscripts, lambdas, comprehensions, strings, keyword or
starred arguments, ``:=``…) with a `refalgo.parsing.ParseError` naming it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any

import sympy as sp

from ._common import (
    MAX_CHARS,
    MAX_DEPTH,
    Builder,
    ParseError,
    function,
    greek_name,
    integer_bounds,
    is_matrix,
    refuse_characters,
    symbol,
)
from ..functions import sigmoid
from ._notation import DIMENSION, Notation

_Fn = Callable[..., Any]

FUNCTIONS: dict[str, tuple[_Fn, tuple[int, ...]]] = {
    "sqrt": (sp.sqrt, (1,)),
    "root": (lambda x, n: sp.real_root(x, n) if n.is_Integer and n % 2 else sp.root(x, n), (2,)),
    "cbrt": (lambda x: sp.real_root(x, 3), (1,)),
    "exp": (sp.exp, (1,)),
    "log": (lambda x, b=None: sp.log(x) if b is None else sp.log(x, b), (1, 2)),
    "ln": (sp.log, (1,)),
    "sin": (sp.sin, (1,)),
    "cos": (sp.cos, (1,)),
    "tan": (sp.tan, (1,)),
    "cot": (sp.cot, (1,)),
    "sec": (sp.sec, (1,)),
    "csc": (sp.csc, (1,)),
    "asin": (sp.asin, (1,)),
    "acos": (sp.acos, (1,)),
    "atan": (sp.atan, (1,)),
    "sinh": (sp.sinh, (1,)),
    "cosh": (sp.cosh, (1,)),
    "tanh": (sp.tanh, (1,)),
    "Abs": (sp.Abs, (1,)),
    "abs": (sp.Abs, (1,)),
    "sigmoid": (sigmoid, (1,)),
    "Max": (sp.Max, (2, 3, 4, 5, 6, 7, 8)),
    "Min": (sp.Min, (2, 3, 4, 5, 6, 7, 8)),
    "max": (sp.Max, (2, 3, 4, 5, 6, 7, 8)),
    "min": (sp.Min, (2, 3, 4, 5, 6, 7, 8)),
    "factorial": (sp.factorial, (1,)),
    "binomial": (sp.binomial, (2,)),
}
# Functions whose numeric arguments are bounded (evaluating them is costly).
_COUNTED = {"factorial", "binomial"}
CONSTANTS: dict[str, Any] = {"pi": sp.pi, "E": sp.E, "e": sp.E, "oo": sp.oo, "inf": sp.oo}
_SPECIAL = {"diff", "Sum", "Product", "Derivative"}
_MAX_ARGS = 8
_MAX_ORDER = 10

_NODE_WORDS = {
    ast.Attribute: "attribute access (a.b)",
    ast.Subscript: "subscripts (a[i])",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.JoinedStr: "f-strings",
    ast.NamedExpr: "assignment expressions (:=)",
    ast.Starred: "starred arguments (*a)",
    ast.IfExp: "conditional expressions (a if c else b)",
    ast.Await: "await",
    ast.List: "lists",
    ast.Dict: "dicts",
    ast.Set: "sets",
    ast.BoolOp: "and/or",
}


def _offset(text: str, lineno: int, col_byte: int) -> int:
    """Character offset of (1-based line, UTF-8 byte column) in ``text``."""
    lines = text.split("\n")
    before = sum(len(s) + 1 for s in lines[: lineno - 1])
    line = lines[lineno - 1] if lineno - 1 < len(lines) else ""
    return before + len(line.encode("utf-8")[:col_byte].decode("utf-8", errors="ignore"))


def _depth_guard(text: str) -> None:
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ParseError(f"brackets nested more than {MAX_DEPTH} deep", text, i)
        elif ch in ")]}":
            depth -= 1


def _syntax_error(text: str, exc: SyntaxError) -> ParseError:
    # SyntaxError columns are 1-based characters (AST node columns are UTF-8 bytes).
    line = max(exc.lineno or 1, 1)
    pos = sum(len(s) + 1 for s in text.split("\n")[: line - 1]) + max((exc.offset or 1) - 1, 0)
    hint = ""
    if re.search(r"\d[A-Za-z_(]|\)[A-Za-z(]|\w[ \t]+[A-Za-z_(]", text):
        hint = "; write products with * (2*x), or use LaTeX syntax for implicit products"
    elif "^" in text:
        hint = "; write powers as x**2"
    return ParseError(f"not a valid Python expression: {exc.msg}{hint}", text, pos)


def read_python(text: str, *, relation: bool = False, notation: Notation | None = None) -> tuple[Any, list[tuple[str, str]]]:
    """The SymPy object for a Python-syntax expression and the notes on how it was read."""
    if len(text) > MAX_CHARS:
        raise ParseError(f"input of {len(text)} characters; at most {MAX_CHARS} are accepted", text, MAX_CHARS)
    refuse_characters(text)
    lead = len(text) - len(text.lstrip())
    try:
        return _parse_stripped(text[lead:], relation, notation or Notation())
    except ParseError as exc:
        raise (exc.shifted(text, lead) if lead else exc) from None


def _parse_stripped(text: str, relation: bool, notation: Notation) -> tuple[Any, list[tuple[str, str]]]:
    _depth_guard(text)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise _syntax_error(text, exc) from None
    except (RecursionError, MemoryError, ValueError) as exc:
        raise ParseError(f"cannot read the input: {type(exc).__name__}", text, 0) from None
    if relation and not isinstance(tree.body, ast.Compare):
        raise ParseError("expected a condition such as x > 0 or 0 < gamma < 1", text, 0)
    reader = _Reader(text, Builder(text), relation, notation)
    try:
        return reader.read(tree.body, 0), reader.notes
    except ParseError:
        raise
    except (TypeError, ValueError, NotImplementedError) as exc:  # SymPy refusing to combine two objects
        why = str(exc)[:80] or "a matrix where a number is expected?"
        raise ParseError(f"these parts cannot be combined ({type(exc).__name__}: {why})", text, 0) from None


class _Reader:
    """Walks a Python AST and builds SymPy objects from whitelisted nodes only."""

    def __init__(self, text: str, builder: Builder, relation: bool, notation: Notation) -> None:
        self.text = text
        self.b = builder
        self.relation = relation
        self.notation = notation
        self.notes: list[tuple[str, str]] = []

    def pos(self, node: ast.AST) -> int:
        return _offset(self.text, getattr(node, "lineno", 1), getattr(node, "col_offset", 0))

    def fail(self, message: str, node: ast.AST) -> ParseError:
        return self.b.fail(message, self.pos(node))

    def read(self, node: ast.expr, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise self.fail(f"the expression is nested more than {MAX_DEPTH} deep", node)
        if isinstance(node, ast.Compare):
            if not self.relation or depth:
                raise self.fail("a comparison is only accepted as a condition (an assumption)", node)
            return self.compare(node, depth)
        method = getattr(self, f"node_{type(node).__name__}", None)
        if method is None:
            what = _NODE_WORDS.get(type(node), type(node).__name__)
            raise self.fail(f"{what} not allowed in an expression", node)
        return method(node, depth + 1)

    def node_Constant(self, node: ast.Constant, depth: int) -> Any:
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise self.fail(f"only numbers are allowed as constants; got {type(node.value).__name__}", node)
        literal = ast.get_source_segment(self.text, node) or repr(node.value)
        return self.b.number(literal, self.pos(node))

    def node_Name(self, node: ast.Name, depth: int) -> Any:
        name = node.id
        self.b.count(self.pos(node))
        if name.startswith("_"):
            raise self.fail(f"names starting with an underscore are not allowed: {name}", node)
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS or name in _SPECIAL:
            raise self.fail(f"{name} is a function; call it as {name}(...)", node)
        if len(name) == 1 and greek_name(name):
            name = greek_name(name) or name
            return sp.pi if name == "pi" else symbol(name)
        shape = self.notation.shape(name)
        if name == "I" and shape is None and self.notation.matrices and "I" not in self.notation.scalars:
            self.notes.append((name, "the identity matrix I (the derivation has matrices)"))
            return sp.Identity(DIMENSION)
        if shape is not None:
            self.notes.append((name, f"the matrix {name} of shape {sp.latex(shape[0])} \\times {sp.latex(shape[1])}"))
            return sp.MatrixSymbol(name, *shape)
        return symbol(name)

    def node_Attribute(self, node: ast.Attribute, depth: int) -> Any:
        value = self.read(node.value, depth)
        if node.attr != "T" or not is_matrix(value):
            raise self.fail("attribute access (a.b) not allowed in an expression; only M.T, the transpose of a "
                            "declared matrix M", node)
        return value.T

    def node_UnaryOp(self, node: ast.UnaryOp, depth: int) -> Any:
        operand = self.read(node.operand, depth)
        if isinstance(node.op, ast.USub):
            return self.b.times(sp.Integer(-1), operand, self.pos(node))
        if isinstance(node.op, ast.UAdd):
            return operand
        raise self.fail(f"operator {type(node.op).__name__} not allowed", node)

    def node_BinOp(self, node: ast.BinOp, depth: int) -> Any:
        left, right = self.read(node.left, depth), self.read(node.right, depth)
        at = self.pos(node)
        op = node.op
        if isinstance(op, ast.Add):
            return self.b.plus(left, right, at)
        if isinstance(op, ast.Sub):
            return self.b.plus(left, self.b.times(sp.Integer(-1), right, at), at)
        if isinstance(op, ast.Mult):
            return self.b.times(left, right, at)
        if isinstance(op, ast.Div):
            return self.b.divide(left, right, at)
        if isinstance(op, ast.Pow):
            return self.b.power(left, right, at)
        if isinstance(op, ast.MatMult):
            if not (is_matrix(left) and is_matrix(right)):
                raise self.fail("@ multiplies declared matrices; use * for numbers", node)
            return self.b.times(left, right, at)
        if isinstance(op, ast.BitXor):
            raise self.fail("^ is not a power in Python syntax; write x**2 (or use LaTeX syntax)", node)
        raise self.fail(f"operator {type(op).__name__} not allowed; use + - * / **", node)

    def node_Call(self, node: ast.Call, depth: int) -> Any:
        if not isinstance(node.func, ast.Name):
            raise self.fail("only calls of plain function names are allowed, such as sqrt(x) or f(x)", node)
        name = node.func.id
        if node.keywords:
            raise self.fail(f"keyword arguments are not allowed in {name}(...)", node.keywords[0].value)
        if name.startswith("_"):
            raise self.fail(f"names starting with an underscore are not allowed: {name}", node)
        if len(node.args) > _MAX_ARGS:
            raise self.fail(f"{name}(...) has {len(node.args)} arguments; at most {_MAX_ARGS}", node)
        self.b.count(self.pos(node))
        if name in ("Sum", "Product"):
            return self.sum_call(node, name, depth)
        if name in ("diff", "Derivative"):
            return self.diff_call(node, depth)
        args = [self.read(a, depth) for a in node.args]
        if name in FUNCTIONS:
            fn, arities = FUNCTIONS[name]
            if len(args) not in arities:
                want = " or ".join(str(a) for a in arities[:2]) + (" or more" if len(arities) > 2 else "")
                raise self.fail(f"{name}(...) takes {want} argument(s); got {len(args)}", node)
            args = [self.b.scalar(a, f"an argument of {name}", self.pos(node)) for a in args]
            if name in _COUNTED:
                args = [self.b.count_argument(a, name, self.pos(node)) for a in args]
            return self.b.checked(fn(*args), self.pos(node))
        if name in CONSTANTS:
            raise self.fail(f"{name} is a constant, not a function", node)
        if not args:
            raise self.fail(f"{name}() needs at least one argument", node)
        applied_to = ", ".join(sp.latex(a) for a in args)
        self.notes.append((ast.get_source_segment(self.text, node) or name, f"the function {sp.latex(sp.Symbol(name))} applied to {applied_to}"))
        return function(name)(*args)

    def bound_symbol(self, node: ast.expr, what: str) -> sp.Symbol:
        if not isinstance(node, ast.Name) or node.id.startswith("_") or node.id in CONSTANTS:
            raise self.fail(f"{what} must be a plain name such as k", node)
        return symbol(node.id, integer=True)

    def sum_call(self, node: ast.Call, name: str, depth: int) -> Any:
        if len(node.args) != 2 or not isinstance(node.args[1], ast.Tuple) or len(node.args[1].elts) != 3:
            raise self.fail(f"write {name}(term, (k, lower, upper))", node)
        k_node, lo_node, hi_node = node.args[1].elts
        k = self.bound_symbol(k_node, f"the index of {name}")
        term = self.read(node.args[0], depth).subs(symbol(str(k)), k)
        lo, hi = integer_bounds(self.read(lo_node, depth)), integer_bounds(self.read(hi_node, depth))
        self.b.bounded_range(lo, hi, self.pos(node))
        cls = sp.Sum if name == "Sum" else sp.Product
        return cls(term, (k, lo, hi))

    def diff_call(self, node: ast.Call, depth: int) -> Any:
        if len(node.args) < 2:
            raise self.fail("write diff(expression, x) or diff(expression, x, y, ...)", node)
        expr = self.read(node.args[0], depth)
        variables: list[Any] = []
        for arg in node.args[1:]:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, int) and variables:
                order = arg.value
                if not 1 <= order <= _MAX_ORDER:
                    raise self.fail(f"derivative order {order} is out of range (1 to {_MAX_ORDER})", arg)
                variables[-1] = (variables[-1], order)
                continue
            v = self.read(arg, depth)
            if not isinstance(v, sp.Symbol):
                raise self.fail("diff(...) differentiates with respect to symbols such as x", arg)
            variables.append(v)
        return sp.Derivative(expr, *variables)

    def compare(self, node: ast.Compare, depth: int) -> Any:
        ops = {ast.Lt: sp.StrictLessThan, ast.LtE: sp.LessThan, ast.Gt: sp.StrictGreaterThan,
               ast.GtE: sp.GreaterThan, ast.NotEq: sp.Unequality}
        terms = [self.read(node.left, depth + 1)] + [self.read(c, depth + 1) for c in node.comparators]
        relations = []
        for op, a, b in zip(node.ops, terms, terms[1:]):
            rel = ops.get(type(op))
            if rel is None:
                raise self.fail("conditions use < <= > >= != (chained as 0 < x < 1)", node)
            relations.append(self.b.relation(rel, a, b, self.pos(node)))
        return relations
