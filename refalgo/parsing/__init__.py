r"""Reading untrusted math text — Python syntax or LaTeX — into SymPy objects, safely.

Two readers build SymPy objects directly from the text; nothing is ever passed to
``eval``, ``exec``, ``sympify`` or ``parse_expr``:

* **Python syntax** (``x**2 + sqrt(x)``) is parsed by ``ast.parse(mode="eval")`` and
  only a whitelist of node types is accepted;
* **LaTeX** (``\frac{1}{2} x^{2}``) is read by a small recursive-descent parser.

Both readers refuse, before SymPy evaluates anything, inputs that would be costly: more
than 2000 characters, nesting deeper than 60, number literals of more than 60 digits,
numeric exponents beyond 1000, exact numbers of more than 20000 bits, factorials and
finite sums beyond 1000 terms, sums over declared sets that would write out more than
3000 parts. Every refusal is a `ParseError` that says what was not understood, where,
and the form that is accepted.

One reading for a whole derivation
----------------------------------
`read_chain` reads a derivation ``e_0 = e_1 = …`` (one text or several lines) with **one
syntax and one notation for every piece**, decided before any piece is converted: the
syntax is detected once on all the pieces together (so ``xy + yx = 2xy`` is LaTeX on both
sides), and a first pass over every piece records how each name is used (applied to
arguments, used as a value, transposed, written in bold) before the pieces are read for
good. `parse_chain` and `parse` do the same for one text. The returned `Reading` holds
``.exprs``, the resolved ``.notation`` and ``.explain()``, the lines (in LaTeX) that say
how each piece was read, e.g. ``v(s_1): the function v applied to s_{1}``. An assumption
about the derivation is read by ``Reading.condition``, with the same notation and names
(``x_1 > 0`` then speaks of the derivation's ``x_1``).

The notation model
------------------
`Notation` declares what the text cannot say by itself; everything else has a documented
default, and where two readings stay plausible the reader raises `AmbiguousNotation`
(a `ParseError` with ``.readings``, the two readings in LaTeX) instead of guessing.

**Functions.** A name followed by ``(`` is applied as a function when

1. it is declared (``Notation(functions=("u",))``), or its parenthesis holds a ``,``,
   ``;``, ``|`` or ``\mid`` (``u(a, b)``, ``\pi(a|s)``), anywhere in the derivation; or
2. it is one of the default function names ``v V q Q \pi r R p P Z f g h \sigma`` (and
   ``F G H J L \phi \psi \mu \rho \nu``) or a decorated form of one (``v_\pi``, ``v_*``,
   ``\hat{v}``, ``\pi_{\text{ref}}``, ``V^{\pi}``, ``Q^*``) — unless the same name is also
   used as a plain value in the derivation: then ``r(1 + \gamma)`` next to ``r + …`` is
   ambiguous; declare ``functions=("r",)`` or ``scalars=("r",)``.

A name whose letter is declared a scalar (``scalars=("r",)``: also ``r_t``, ``\hat{r}``)
always multiplies a parenthesis. Otherwise a name used as a value elsewhere multiplies the
parenthesis (``x(x + 1)`` is ``x \cdot (x + 1)``, ``a(b + c) = ab + ac``), and a name that
is only ever written before a parenthesis (``u(s_1) + u(s_2) = u(s_1 + s_2)``) is ambiguous. So
``v(s_1) + v(s_2) = v(s_1 + s_2)`` compares applications of an undefined function v (a
claim that can be refuted), ``r + \gamma v(s_2)`` is never ``v(\gamma s_2)``, and
``V^{\pi}(s)`` is the function ``V^\pi`` applied to s. ``\sigma(z)`` is the logistic
sigmoid; ``f'(x)``, ``g'``, ``h'``, ``\sigma'(z)`` are derivatives; ``e`` is Euler's number
and ``\pi`` alone the circle constant. ``\operatorname{name}(x)`` always applies ``name``.
A superscript between a function and its argument (``f^{-1}(x)``, ``f^2(x)``) is refused: it
means an inverse or an iterate; ``\sin^{-1} x`` is ambiguous (arcsin or a power) and asked.
Inside an argument list, ``y_w \succ y_l`` (or ``y_l \prec y_w``) is the preference event
``succ(y_w, y_l)``: ``p^*(y_1 \succ y_2 | x)`` is the function ``p^*`` applied to it and x.

**Names.** Each spelling is its own real symbol: ``\hat{v}`` (SymPy name ``vhat``),
``\bar{x}`` (``xbar``), ``\tilde{\pi}`` (``pitilde``), ``\mathcal{L}`` (``Lcal``), ``s'``
and ``a'`` (``s'``, ``a'``), ``v_*`` and ``\pi^*`` (``v_*``, ``pi^*``) are all distinct
from ``v``, ``x``, ``\pi``, ``s``. ``\pi_{\text{ref}}``, ``\pi_{\mathrm{ref}}`` and
``\pi_{ref}`` are one name, ``pi_ref``; ``G_{t:t+n}`` is the name ``G_t:t+n``. A
superscript in parentheses is an index, not a power: ``x^{(i)}`` is the symbol ``x^(i)``,
so ``x^{(1)} x^{(2)} = x^{(3)}`` is a claim about three different numbers. Letters side by
side multiply (``xy`` is ``x y``); three or more in a row are refused as a word (write
``\mathrm{KL}`` or a subscript).
Inside ``\sum_{i=1}^{n}`` (or ``\sum_i`` over a declared set), ``x_i`` (or ``x^{(i)}``) is term
i of the sequence x; then a counting subscript elsewhere in the derivation (``x_1``,
``R_{t+1}``) is a term of the same sequence.

**Matrices and vectors.** Declared names (``matrices=("A", "B")``: each ``n × n``;
``vectors=("x",)``: ``n × 1``; or explicit shapes ``matrices={"A": (2, 3)}``), names in
``\mathbf{…}``, ``\boldsymbol{…}`` or ``\vec{…}``, and names that carry ``^\top``
anywhere in the derivation are SymPy ``MatrixSymbol`` objects (capitals square, lower case
column vectors; ``n`` is the positive integer symbol `DIMENSION`). Their products do not
commute: ``A^\top B^\top = B^\top A^\top`` is a claim about matrices. ``^\top``,
``^{\top}``, ``^\intercal``, ``^{\mathsf{T}}`` are always the transpose; ``^T`` is the
transpose of a matrix, a power of a Greek letter or of an expression, and ambiguous on an
undeclared Latin letter unless T is used as a value elsewhere (then a power). ``A^{-1}``
is the inverse, ``\det A`` the determinant, ``\operatorname{tr}(A)`` the trace,
``\langle u, v \rangle`` the inner product ``u^\top v``, ``\|x\|`` the Euclidean norm,
``A \odot B`` the elementwise product. ``\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}``
(or ``bmatrix``) is an explicit matrix, ``vmatrix`` its determinant. In a derivation that
has matrices, ``I`` (also ``\mathbb{I}``, ``\mathbf{I}``) is the identity matrix, sized to the
matrix it meets. An undeclared capital letter written beside a matrix or vector
(``\mathbf{x}^\top A \mathbf{x}``) is ambiguous — as a number it would commute with the
matrices — until it is declared a matrix or a scalar. A 1 × 1 product such as
``x^\top A x`` added to a number is that number (SymPy ``Trace``).

**Finite sets.** ``index_sets={"a": ["a1", "a2"]}`` (or ``{"a": 3}`` for ``a_1, a_2,
a_3``) declares what an index runs over; ``s'`` and ``a'`` run over the set of ``s`` and
``a``. Then ``\sum_a f(a)``, ``\sum_{s'}``, ``\sum_{a \in \mathcal{A}}``, ``\prod_a``,
``\max_a``, ``\min_a`` are written out over the set, ``\arg\max_a f(a)`` is the first
value where f is largest (a ``Piecewise``), ``\mathbb{E}_{a \sim \pi}[X]`` is
``\sum_a \pi(a) X`` and ``\mathbb{E}_{a \sim \pi(\cdot|s)}[X]`` is ``\sum_a \pi(a|s) X``.
``distributions={"p": "x", "q": "x"}`` makes ``D_{\mathrm{KL}}(p \,\|\, q)`` the sum
``\sum_x p(x) \log(p(x)/q(x))`` (also ``\pi(\cdot|s)`` as a side).

**Other functions.** ``\lfloor x \rfloor``, ``\lceil x \rceil``; ``\operatorname{ReLU}(x)`` is
``\max(0, x)``, ``\operatorname{sgn}`` (or ``sign``) the sign, ``\operatorname{softplus}(x)`` is
``\log(1 + e^x)`` (each unless declared a function of one's own).

**Chains.** A chain splits at top-level ``=`` and at the definitional ``:=``,
``\triangleq``, ``\doteq``, ``\coloneqq``; ``\approx``, ``\propto``, ``\equiv`` are refused (a
step is checked only where it is written with ``=``).

**Calculus.** ``\frac{d}{dx}``, ``\frac{\partial f}{\partial x}``, ``\nabla_\theta f`` (a
scalar θ: the derivative; a declared vector θ: the gradient; ``\nabla_{x, y} f``: the column
of partial derivatives). A function whose subscript the derivation differentiates by
depends on it: beside ``\nabla_\theta``, ``\pi_\theta(a|s)`` is ``pi_theta(a, s, theta)``, so its
gradient is not 0. Under ``\nabla_\theta``, an undeclared function without a subscript that
does not mention θ (``\nabla_\theta \log \pi(a|s)``) is ambiguous — its gradient would
silently be 0 — until it is written ``\pi(a|s, \theta)`` or ``\pi_\theta(a|s)``, or declared
(then it is taken as written, constant in θ); subscripted names such as ``\pi_{\text{ref}}``
are taken as written. Also ``\int_a^b f(x)\,dx`` (a definite ``Integral``, left for the
checker to evaluate), ``\lim_{x \to a} f`` (also ``x \to 0^{+}``), and the evaluation bar
``\left. f \right|_{x=1}`` (a ``Subs``).

**Real analysis.** Symbols are real; ``\sqrt[3]{x}`` and ``root(x, 3)`` are the *real* cube
root (``\sqrt[3]{-8} = -2``, SymPy ``real_root``), as in a real-analysis text; even roots
are the principal root.

**Declaring.** ``Notation(functions=..., scalars=..., matrices=..., vectors=...,
index_sets=..., distributions=...)``, or `Notation.from_strings` with command-line style strings
(``matrices=["A,B"]``, ``index_sets=["a=a1,a2", "s=3"]``, ``distributions=["pi=a"]``).

**Elisions.** ``\cdots`` (``\dots``, ``\ldots``) is read in two unambiguous patterns only:
after at least two consecutive terms of a sequence, ``x_1 + x_2 + \cdots + x_n`` is
``\sum_{k=1}^{n} x_k`` (and x is then a sequence throughout the derivation), and after at
least three powers, ``1 + \gamma + \gamma^2 + \cdots`` is ``\sum_{k=0}^{\infty} \gamma^k`` (or
up to a last term ``\gamma^n``). Anything else is refused.

**Refused, with the accepted form named**: other elisions (write the sum with limits),
``\sum_a`` over an undeclared set, unknown commands and environments, a ``\mathbb{R}``-style
set, and letters of other scripts that look like Latin ones (a
Cyrillic ``х`` is refused as "U+0445 CYRILLIC SMALL LETTER HA looks like the Latin x;
type x"; Greek letters other than omicron and the Latin-looking capitals are accepted).

Examples
--------
>>> read_chain(r"v(s_1) + v(s_2) = v(s_1 + s_2)").exprs
(v(s_1) + v(s_2), v(s_1 + s_2))
>>> n = Notation(matrices=("A", "B"))
>>> read_chain(r"A^T B^T = B^T A^T", notation=n).exprs
(A.T*B.T, B.T*A.T)
>>> read_chain(r"\sum_a \pi(a|s) q(s, a)", notation=Notation(index_sets={"a": 2})).exprs
(pi(a_1, s)*q(s, a_1) + pi(a_2, s)*q(s, a_2),)
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from ._common import AmbiguousNotation, Builder, ParseError, refuse_characters
from ._latex_operators import read_latex
from ._notation import DEFAULT_FUNCTIONS, DIMENSION, Notation
from ._python import CONSTANTS, FUNCTIONS, read_python
from ._reading import (
    FUNCTION_LETTERS,
    Piece,
    Reading,
    Syntax,
    checked_text,
    detect_syntax,
    read_chain,
    read_pieces,
    split_chain,
)

__all__ = [
    "AmbiguousNotation",
    "DEFAULT_FUNCTIONS",
    "DIMENSION",
    "FUNCTION_LETTERS",
    "Notation",
    "PYTHON_CONSTANTS",
    "PYTHON_FUNCTIONS",
    "ParseError",
    "Reading",
    "Syntax",
    "detect_syntax",
    "parse",
    "parse_chain",
    "parse_condition",
    "read_chain",
    "split_chain",
]

PYTHON_FUNCTIONS = tuple(sorted(FUNCTIONS) + ["Sum", "Product", "diff", "Derivative"])
PYTHON_CONSTANTS = tuple(sorted(CONSTANTS))


def parse(text: str, *, syntax: Syntax = "auto", notation: Notation | None = None) -> Any:
    r"""Read one expression.

    Parameters
    ----------
    text
        The expression, e.g. ``"(x + 1)**2"`` or ``r"\frac{1}{1 + e^{-z}}"``.
    syntax
        ``"python"``, ``"latex"`` or ``"auto"`` (see `detect_syntax`).
    notation
        The declared `Notation` (default: the RL/DL defaults alone).

    Returns
    -------
    sympy.Expr or sympy.MatrixExpr
        The expression; its symbols are real.

    Raises
    ------
    AmbiguousNotation
        The text has two plausible readings (``.readings``); see `Notation`.
    ParseError
        The text cannot be read or is refused; ``.position`` is the column.
    TypeError
        ``text`` is not a string.

    Examples
    --------
    >>> parse("(x + 1)**2")
    (x + 1)**2
    >>> parse(r"\frac{\partial}{\partial x} \sigma(x)")
    Derivative(1/(1 + exp(-x)), x)
    >>> parse(r"\sum_{k=0}^{\infty} \gamma^k")
    Sum(gamma**k, (k, 0, oo))
    """
    text = checked_text(text, "text")
    return read_pieces([Piece(0, 0, text)], [text], syntax, notation).exprs[0]


def parse_chain(text: str, *, syntax: Syntax = "auto", notation: Notation | None = None) -> list[Any]:
    r"""Read ``"e0 = e1 = ..."`` into its expressions, with one syntax and one notation for all.

    A ParseError points into ``text``. `read_chain` does the same and also says how each
    piece was read.

    Examples
    --------
    >>> parse_chain("(x + 1)**2 = x**2 + 2*x + 1")
    [(x + 1)**2, x**2 + 2*x + 1]
    >>> parse_chain("xy + yx = 2xy")
    [2*x*y, 2*x*y]
    """
    text = checked_text(text, "text")
    return list(read_chain(text, syntax=syntax, notation=notation).exprs)


def parse_condition(text: str, *, syntax: Syntax = "auto", notation: Notation | None = None) -> tuple[sp.Basic, ...]:
    r"""Read a condition such as ``"x > 0"``, ``"0 < gamma < 1"`` or ``"\gamma = 0.9"``.

    A chained comparison gives one relation per link. Accepted: ``= < <= > >= !=`` and, in
    LaTeX, ``\le \leq \ge \geq \ne \neq``. An equation ``name = value`` gives ``sympy.Eq``.

    Parameters
    ----------
    text
        The condition.
    syntax, notation
        As for `parse`.

    Returns
    -------
    tuple of sympy relations

    Raises
    ------
    ParseError
        Not a condition, or not readable.

    Examples
    --------
    >>> parse_condition("0 < gamma < 1")
    (0 < gamma, gamma < 1)
    >>> parse_condition(r"\sigma \geq 0")
    (sigma >= 0,)
    >>> parse_condition(r"\gamma = 0.9")
    (Eq(gamma, 9/10),)
    """
    text = checked_text(text, "condition")
    refuse_characters(text)
    pieces = split_chain(text)
    if len(pieces) > 1:
        return _equations(text, pieces, syntax, notation)
    chosen = detect_syntax(text, notation) if syntax == "auto" else syntax
    if chosen not in ("python", "latex"):
        raise ValueError(f"syntax: expected 'auto', 'python' or 'latex'; got {syntax!r}")
    read = read_latex if chosen == "latex" else read_python
    relations, _ = read(text, relation=True, notation=notation)
    return tuple(relations)


def _equations(text: str, pieces: list[tuple[int, str]], syntax: Syntax, notation: Notation | None) -> tuple[Any, ...]:
    for offset, piece in pieces:
        if not piece:
            raise ParseError("empty expression (check the = signs)", text, offset)
    exprs = read_pieces([Piece(0, o, p) for o, p in pieces], [text], syntax, notation).exprs
    builder = Builder(text)
    return tuple(builder.relation(sp.Eq, a, b, o) for (o, _), a, b in zip(pieces[1:], exprs, exprs[1:]))
