r"""The notation model: which names are functions, matrices, vectors, finite index sets.

`Notation` is what a reader of a derivation decides before reading it: ``v(s)`` is the
function v applied to s, ``A^{\top}`` the transpose of the matrix A, ``\sum_a`` runs over a
finite set of actions. The defaults follow RL and deep-learning texts; everything else is
declared, or inferred once for a whole derivation by `refalgo.parsing.read_chain`.

Names are spelled as the symbols they make: ``"v"``, ``"pi"`` (also accepted as ``"\pi"``
or ``"π"``), ``"pi_ref"``, ``"vhat"`` (for ``\hat{v}``), ``"V^pi"``, ``"s'"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import sympy as sp

from ._common import GREEK, greek_name, symbol

__all__ = ["DEFAULT_FUNCTIONS", "DIMENSION", "Notation", "name_of"]

# The symbolic size of a matrix or vector whose shape is not declared.
DIMENSION = sp.Symbol("n", integer=True, positive=True)
# Names that apply as functions when followed by "(": v(s), Q(s, a), \pi(a|s), Z(x), f(x).
DEFAULT_FUNCTIONS = frozenset(
    "f g h p q r v F G H J L P Q R V Z pi sigma phi psi mu rho nu".split()
)
MAX_INDEX_SET = 50  # values in one declared index set
_DECORATIONS = {"hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde",
                "widetilde": "tilde", "check": "check", "dot": "dot", "ddot": "ddot", "breve": "breve"}
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9*+\-,:]+)?(\^[A-Za-z0-9*()]+)?'*")


def name_of(text: str, what: str = "name") -> str:
    r"""The symbol name that ``text`` spells: ``"\pi_{\text{ref}}"`` → ``"pi_ref"``.

    Accepted: a letter or Greek letter (``x``, ``\gamma``, ``γ``, ``gamma``), optionally
    decorated (``\hat{v}`` → ``vhat``) and with a subscript, a superscript and primes
    (``v_*``, ``V^{\pi}`` → ``V^pi``, ``s'``).

    Raises
    ------
    ValueError
        ``text`` is not such a name; the message names ``what``.
    """
    if not isinstance(text, str):
        raise TypeError(f"{what}: expected a string naming a symbol; got {type(text).__name__}")
    s = text.strip()
    s = "".join("\\" + (greek_name(c) or c) if greek_name(c) else c for c in s)
    s = re.sub(r"\\(?:text|mathrm|mathit|textrm|operatorname)\s*\{([^{}]*)\}", r"\1", s)
    m = re.fullmatch(r"\\(\w+)\s*\{(.*)\}(.*)", s)
    if m and m.group(1) in _DECORATIONS:
        s = name_of(m.group(2), what) + _DECORATIONS[m.group(1)] + m.group(3)
    s = re.sub(r"\\(" + "|".join(GREEK + [g.capitalize() for g in GREEK]) + r")(?![A-Za-z])", r"\1", s)
    s = s.replace("\\star", "*").replace("{", "").replace("}", "").replace(" ", "")
    if not _NAME.fullmatch(s):
        raise ValueError(f"{what}: expected a name such as x, \\gamma, \\pi_{{ref}} or \\hat{{v}}; got {text!r}")
    return s


def _names(values: Any, what: str) -> frozenset[str]:
    if isinstance(values, str):
        values = [v for v in values.split(",") if v.strip()]
    if not isinstance(values, Iterable):
        raise TypeError(f"{what}: expected names (a sequence of strings); got {type(values).__name__}")
    return frozenset(name_of(v, what) for v in values)


def _size(value: Any, what: str) -> Any:
    if isinstance(value, str):
        return sp.Symbol(name_of(value, what), integer=True, positive=True)
    if isinstance(value, sp.Symbol) and value.is_integer and value.is_positive:
        return value
    if isinstance(value, bool) or not isinstance(value, (int, sp.Integer)) or not 1 <= int(value) <= MAX_INDEX_SET:
        raise ValueError(f"{what}: expected a size from 1 to {MAX_INDEX_SET} or a name such as n; got {value!r}")
    return sp.Integer(int(value))


def _shapes(values: Any, what: str, vector: bool) -> dict[str, tuple[Any, Any]]:
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        return {name: (DIMENSION, sp.Integer(1) if vector else DIMENSION) for name in _names(values, what)}
    out: dict[str, tuple[Any, Any]] = {}
    for key, shape in values.items():
        name = name_of(key, what)
        if vector:
            out[name] = (_size(shape, f"{what}[{key!r}]"), sp.Integer(1))
        elif isinstance(shape, tuple) and len(shape) == 2:
            out[name] = (_size(shape[0], f"{what}[{key!r}]"), _size(shape[1], f"{what}[{key!r}]"))
        else:
            raise ValueError(f"{what}[{key!r}]: expected a shape (rows, columns); got {shape!r}")
    return out


def _index_value(value: Any, what: str) -> Any:
    if isinstance(value, str):
        return symbol(name_of(value, what))
    if isinstance(value, bool) or not isinstance(value, (int, sp.Integer)):
        raise TypeError(f"{what}: expected names (strings) or whole numbers; got {value!r}")
    return sp.Integer(int(value))


def _index_sets(values: Any) -> dict[str, tuple[Any, ...]]:
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise TypeError(f"index_sets: expected a mapping name -> values or size; got {type(values).__name__}")
    out: dict[str, tuple[Any, ...]] = {}
    for key, spec in values.items():
        name = name_of(key, "index_sets")
        what = f"index_sets[{key!r}]"
        if isinstance(spec, int) and not isinstance(spec, bool):
            if not 1 <= spec <= MAX_INDEX_SET:
                raise ValueError(f"{what}: expected a size from 1 to {MAX_INDEX_SET}; got {spec}")
            items = tuple(symbol(f"{name}_{k}") for k in range(1, spec + 1))
        elif isinstance(spec, (str, bytes)) or not isinstance(spec, Iterable):
            raise TypeError(f"{what}: expected a list of values or a size; got {spec!r}")
        else:
            items = tuple(_index_value(v, what) for v in spec)
            if not 1 <= len(items) <= MAX_INDEX_SET or len(set(items)) != len(items):
                raise ValueError(f"{what}: expected 1 to {MAX_INDEX_SET} distinct values; got {len(items)}")
        out[name] = items
    return out


@dataclass(frozen=True, init=False)
class Notation:
    r"""How names read: functions, matrices and vectors, finite index sets, distributions.

    Parameters
    ----------
    functions
        Names applied as functions when followed by ``(``, in addition to the defaults
        ``DEFAULT_FUNCTIONS`` (v V q Q π r R p P Z f g h σ and a few more). A declared
        name is always applied: ``u(s + 1)`` is then never a product.
    scalars
        Names that are never functions, even if in the defaults: with ``scalars=("r",)``,
        ``r(1 - \gamma)`` is a product.
    matrices
        Matrix names: a sequence (each ``n × n``, ``n`` a symbolic size) or a mapping name →
        ``(rows, columns)`` (whole numbers or size names such as ``"m"``).
    vectors
        Column-vector names: a sequence (each ``n × 1``) or a mapping name → length.
    index_sets
        Finite sets that ``\sum_a``, ``\max_a``, ``\mathbb{E}_{a \sim \pi}`` run over: a mapping
        name → list of values (strings name symbols, whole numbers are numbers) or → a size
        ``k`` (the values ``a_1 … a_k``). ``s'`` runs over the set of ``s``.
    distributions
        Mapping name → index name: ``{"p": "x"}`` makes ``p`` a probability distribution over
        the index set of ``x`` (``D_{\mathrm{KL}}(p \| q)`` sums over it).
    defaults
        Whether the default function names apply (default True).

    Raises
    ------
    TypeError, ValueError
        A declaration that is not a name, a shape, a size or a list of values; the message
        names the argument.

    Examples
    --------
    >>> Notation(functions=("u",), matrices=("A",), index_sets={"a": 2}).index_sets["a"]
    (a_1, a_2)
    """

    functions: frozenset[str]
    scalars: frozenset[str]
    matrices: Mapping[str, tuple[Any, Any]]
    index_sets: Mapping[str, tuple[Any, ...]]
    distributions: Mapping[str, str]
    defaults: bool = field(default=True)

    def __init__(
        self,
        *,
        functions: Iterable[str] = (),
        scalars: Iterable[str] = (),
        matrices: Any = (),
        vectors: Any = (),
        index_sets: Mapping[str, Any] | None = None,
        distributions: Mapping[str, str] | None = None,
        defaults: bool = True,
    ) -> None:
        shapes = _shapes(matrices, "matrices", vector=False) | _shapes(vectors, "vectors", vector=True)
        sets = _index_sets(index_sets)
        dists: dict[str, str] = {}
        if distributions is not None:
            if not isinstance(distributions, Mapping):
                raise TypeError(f"distributions: expected a mapping name -> index name; got {type(distributions).__name__}")
            for key, index in distributions.items():
                over = name_of(index, f"distributions[{key!r}]")
                if over.rstrip("'") not in sets:
                    raise ValueError(f"distributions[{key!r}]: {index!r} is not a declared index set")
                dists[name_of(key, "distributions")] = over
        if not isinstance(defaults, bool):
            raise TypeError(f"defaults: expected True or False; got {defaults!r}")
        object.__setattr__(self, "functions", _names(functions, "functions"))
        object.__setattr__(self, "scalars", _names(scalars, "scalars"))
        object.__setattr__(self, "matrices", MappingProxyType(shapes))
        object.__setattr__(self, "index_sets", MappingProxyType(sets))
        object.__setattr__(self, "distributions", MappingProxyType(dists))
        object.__setattr__(self, "defaults", defaults)

    def __hash__(self) -> int:
        return hash((self.functions, self.scalars, frozenset(self.matrices.items()), frozenset(self.index_sets.items()),
                     frozenset(self.distributions.items()), self.defaults))

    @classmethod
    def from_strings(
        cls,
        *,
        functions: Iterable[str] = (),
        scalars: Iterable[str] = (),
        matrices: Iterable[str] = (),
        vectors: Iterable[str] = (),
        index_sets: Iterable[str] = (),
        distributions: Iterable[str] = (),
    ) -> Notation:
        r"""The notation declared by command-line style strings.

        Each argument is a sequence of strings (the values of a repeated option); names are
        separated by commas: ``functions=["u,w"]``, ``matrices=["A,B"]``,
        ``index_sets=["a=a1,a2", "s=3"]`` (values, or a size), ``distributions=["pi=a"]``.

        Examples
        --------
        >>> Notation.from_strings(index_sets=["a=left,right"], distributions=["pi=a"]).index_sets["a"]
        (left, right)
        """
        def pairs(items: Iterable[str], what: str) -> dict[str, str]:
            out = {}
            for item in items:
                key, sep, value = str(item).partition("=")
                if not sep or not key.strip() or not value.strip():
                    raise ValueError(f"{what}: expected name=values, such as a=a1,a2; got {item!r}")
                out[key.strip()] = value.strip()
            return out

        sets: dict[str, Any] = {}
        for key, value in pairs(index_sets, "index_sets").items():
            items = [v.strip() for v in value.split(",") if v.strip()]
            if len(items) == 1 and items[0].isdigit():
                sets[key] = int(items[0])
            else:
                sets[key] = [int(v) if v.lstrip("-").isdigit() else v for v in items]

        def split(items: Iterable[str]) -> list[str]:
            return [name for item in items for name in str(item).split(",") if name.strip()]

        return cls(functions=split(functions), scalars=split(scalars), matrices=split(matrices),
                   vectors=split(vectors), index_sets=sets, distributions=pairs(distributions, "distributions"))

    def is_declared_function(self, name: str) -> bool:
        """Whether ``name`` was declared (or inferred) a function: always applied."""
        return name in self.functions and name not in self.scalars

    def is_default_function(self, name: str, base: str) -> bool:
        """Whether ``name`` (spelled from the letter ``base``) is a function by default."""
        if not self.defaults or name in self.scalars or base in self.scalars:
            return False
        return name in DEFAULT_FUNCTIONS or base in DEFAULT_FUNCTIONS

    def shape(self, name: str) -> tuple[Any, Any] | None:
        """``(rows, columns)`` of the matrix or vector ``name``; None for a scalar."""
        return self.matrices.get(name)

    def index_values(self, name: str) -> tuple[Any, ...] | None:
        """The values index ``name`` runs over (``s'`` and ``s''`` run over the set of ``s``)."""
        return self.index_sets.get(name, self.index_sets.get(name.rstrip("'")))

    def extended(self, *, functions: Iterable[str] = (), matrices: Mapping[str, tuple[Any, Any]] | None = None) -> Notation:
        """This notation with more function names and matrices (an inferred reading)."""
        out = Notation(defaults=self.defaults)
        object.__setattr__(out, "functions", self.functions | frozenset(functions))
        object.__setattr__(out, "scalars", self.scalars)
        object.__setattr__(out, "matrices", MappingProxyType(dict(self.matrices) | dict(matrices or {})))
        object.__setattr__(out, "index_sets", self.index_sets)
        object.__setattr__(out, "distributions", self.distributions)
        return out

    def describe(self) -> list[str]:
        """The declarations in force, one line each, in LaTeX."""
        lines = []
        functions = sorted((DEFAULT_FUNCTIONS if self.defaults else frozenset()) | self.functions - self.scalars)
        lines.append("functions: " + ", ".join(sp.latex(sp.Symbol(f)) for f in functions))
        for name, (rows, cols) in sorted(self.matrices.items()):
            kind = "vector" if cols == 1 else "matrix"
            lines.append(f"{sp.latex(sp.Symbol(name))}: {kind} of shape {sp.latex(rows)} \\times {sp.latex(cols)}")
        for name, items in sorted(self.index_sets.items()):
            lines.append(f"{sp.latex(sp.Symbol(name))} \\in \\{{{', '.join(sp.latex(v) for v in items)}\\}}")
        for name, over in sorted(self.distributions.items()):
            lines.append(f"{sp.latex(sp.Symbol(name))}: a probability distribution over {sp.latex(sp.Symbol(over))}")
        return lines
