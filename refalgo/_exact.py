r"""Numbers into exact SymPy values: the one converter every symbolic twin uses.

A float enters at its exact binary value (``0.1`` becomes
``3602879701896397/36028797018963968``, never 1/10); a decimal string enters as the
decimal it spells (``"0.1"`` is 1/10) and a ratio string as the ratio (``"1/3"``).
Strings are matched against two small patterns and converted by :class:`fractions.Fraction`;
nothing is ever parsed as SymPy code.

Accepted everywhere: Python ``int`` and ``float``, :class:`fractions.Fraction`, NumPy
integers and floats, real SymPy numbers, ``"p/q"`` and decimal strings — alone, or in
lists, tuples, SymPy matrices and NumPy arrays of any dtype, ``object`` included.

One guard keeps every conversion cheap: a string longer than ``MAX_CHARS`` characters, a
decimal exponent of more than four digits, and an integer, numerator or denominator of
more than ``MAX_BITS`` bits are refused before they are built, so ``"1e-99999999"``
or a 10⁶-digit ratio string is an immediate ``ValueError``, not a minute of arithmetic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, TypeAlias

import numpy as np
import sympy as sp
from numpy.typing import NDArray

__all__ = [
    "MAX_BITS",
    "MAX_CHARS",
    "ExactNumber",
    "ExactNumbers",
    "exact",
    "exact_array",
    "exact_discount",
    "exact_distribution",
    "exact_matrix",
    "exact_positive",
    "exact_vector",
    "is_exact_input",
]

MAX_BITS = 20_000  # the largest integer, numerator or denominator accepted (about 6000 digits)
MAX_CHARS = 2_000  # the longest number string accepted
# Exponents are capped at four digits: "1e999999999" would otherwise build a
# billion-digit integer before any check could refuse it.
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,4})?")
_RATIO = re.compile(r"[+-]?\d+/\d+")
_LONG_EXPONENT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d{5,}")
_NOT_FINITE = (sp.nan, sp.zoo, sp.oo, -sp.oo)
_EXACT_KINDS = (int, np.integer, Fraction, str, sp.Rational)

# What the converters accept, for type hints of the symbolic twins.
ExactNumber: TypeAlias = int | float | Fraction | str | sp.Expr | np.number | NDArray[Any]
ExactNumbers: TypeAlias = Sequence[ExactNumber] | NDArray[Any] | sp.MatrixBase


def exact(value: Any, name: str, *, symbolic: bool = False) -> sp.Expr:
    r"""``value`` as an exact real SymPy number (or, with ``symbolic``, a real expression).

    Parameters
    ----------
    value
        An ``int``, ``float`` (finite), :class:`fractions.Fraction`, NumPy integer or
        float, a decimal string such as ``"0.25"`` or ``"-1.5e-3"``, a ratio string such
        as ``"1/3"``, or a finite real SymPy number; alone or as a 0-D NumPy array.
        With ``symbolic=True`` also a SymPy expression with free symbols, unless it is
        known not to be real.
    name
        The argument's name, used in every error message (e.g. ``"point[1]"``).
    symbolic
        Whether expressions with free symbols (or undefined functions) are accepted.

    Returns
    -------
    sympy.Expr
        An exact value: Python and NumPy numbers become ``Integer`` or ``Rational``,
        SymPy numbers are returned as they are except that every ``Float`` inside is
        replaced by its exact binary value.

    Raises
    ------
    TypeError
        A ``bool``, ``None``, complex, bytes, a matrix or any other non-number.
    ValueError
        A NaN or infinite value, a string that is neither a decimal nor a ratio of
        integers (or has denominator 0, or is too long), a number beyond ``MAX_BITS``
        bits, a SymPy value that is not real, or an expression with free symbols when
        ``symbolic`` is false.

    Examples
    --------
    >>> exact(0.25, "x"), exact("0.1", "x"), exact("-2/6", "x")
    (1/4, 1/10, -1/3)
    >>> exact(0.1, "x")
    3602879701896397/36028797018963968
    >>> exact(sp.Float(0.5) * sp.Symbol("t"), "x", symbolic=True)
    t/2
    >>> exact(float("nan"), "gamma")
    Traceback (most recent call last):
    ...
    ValueError: gamma: expected a finite number; got nan
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]  # a 0-D array is its one entry
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected a real number; got bool {value!r}")
    if isinstance(value, (int, np.integer)):
        return _bounded(sp.Integer(_small_int(int(value), name)), name)
    if isinstance(value, Fraction):
        _small_int(value.numerator, name), _small_int(value.denominator, name)
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, (float, np.floating)):
        if not np.isfinite(value):
            raise ValueError(f"{name}: expected a finite number; got {value}")
        return sp.Rational(*float(value).as_integer_ratio())
    if isinstance(value, (str, np.str_)):
        return _from_string(str(value), name)
    if isinstance(value, sp.Expr) and not getattr(value, "is_Matrix", False):
        return _from_sympy(value, name, symbolic=symbolic)
    kinds = f"int, float, Fraction, decimal string or real SymPy {'expression' if symbolic else 'number'}"
    raise TypeError(f"{name}: expected a real number ({kinds}); got {type(value).__name__} {value!r}"[:200])


def _small_int(n: int, name: str) -> int:
    if n.bit_length() > MAX_BITS:
        raise ValueError(f"{name}: expected a number of at most {MAX_BITS} bits; got one of {n.bit_length()} bits")
    return n


def _bounded(q: sp.Expr, name: str) -> sp.Expr:
    """``q`` unchanged when every rational in it fits in ``MAX_BITS`` bits."""
    for r in q.atoms(sp.Rational):
        _small_int(int(r.p), name), _small_int(int(r.q), name)
    return q


def _from_string(text: str, name: str) -> sp.Rational:
    """A decimal or ratio string as an exact rational, or a ValueError naming ``name``."""
    if len(text) > MAX_CHARS:
        raise ValueError(f"{name}: expected a number string of at most {MAX_CHARS} characters; got {len(text)}")
    s = text.strip()
    if _LONG_EXPONENT.fullmatch(s):
        raise ValueError(f"{name}: expected a decimal exponent of at most four digits; got {text!r}"[:200])
    if not (_DECIMAL.fullmatch(s) or _RATIO.fullmatch(s)):
        raise ValueError(
            f"{name}: expected a decimal string such as '0.25' or a ratio such as '1/3'; got {text!r}"[:200]
        )
    try:
        q = Fraction(s)
    except ZeroDivisionError:
        raise ValueError(f"{name}: expected a nonzero denominator; got {text!r}") from None
    _small_int(q.numerator, name), _small_int(q.denominator, name)
    return sp.Rational(q.numerator, q.denominator)


def _from_sympy(value: sp.Expr, name: str, *, symbolic: bool) -> sp.Expr:
    """A SymPy value checked finite, real and small, its Floats replaced by their exact binary values."""
    if value.has(*_NOT_FINITE):
        raise ValueError(f"{name}: expected a finite real number; got {value}"[:200])
    value = value.xreplace({f: sp.Rational(*float(f).as_integer_ratio()) for f in value.atoms(sp.Float)})
    _bounded(value, name)
    if not value.is_number:
        if not symbolic:
            raise ValueError(f"{name}: expected a number; got the expression {value}"[:200])
        if value.is_extended_real is False:
            raise ValueError(f"{name}: expected a real value; got {value}"[:200])
        return value
    if value.is_extended_real is False or value.is_finite is False:
        raise ValueError(f"{name}: expected a finite real number; got {value}"[:200])
    return value


# ---------------------------------------------------------------------- containers
def _entries(values: Any, name: str) -> NDArray[Any]:
    """``values`` as a NumPy object array of its entries (not yet converted)."""
    if values is None or isinstance(values, (str, bytes, np.str_, bool, int, float, Fraction, np.generic)):
        raise TypeError(f"{name}: expected a sequence or array of numbers; got {type(values).__name__} {values!r}"[:200])
    if isinstance(values, sp.MatrixBase):
        return np.array(values.tolist(), dtype=object)
    if isinstance(values, sp.Basic):
        raise TypeError(f"{name}: expected a sequence or array of numbers; got the SymPy object {values}"[:200])
    try:
        arr = np.array(values, dtype=object)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name}: expected a rectangular array of numbers; got ragged rows ({exc})"[:200]) from None
    if arr.dtype != object or any(isinstance(v, (list, tuple)) for v in arr.flat):
        raise ValueError(f"{name}: expected a rectangular array of numbers; got ragged rows")
    return arr


def exact_array(
    values: Any,
    name: str,
    *,
    shape: tuple[int | None, ...] | None = None,
    ndim: int | None = None,
    symbolic: bool = False,
) -> NDArray[Any]:
    """``values`` as a NumPy ``object`` array of exact SymPy numbers, entries named ``name[i, j]``.

    ``shape`` may hold ``None`` for "any size"; ``ndim`` checks the number of axes.

    Examples
    --------
    >>> exact_array([[0.5, "1/3"], [Fraction(1, 4), 2]], "P").tolist()
    [[1/2, 1/3], [1/4, 2]]
    """
    arr = _entries(values, name)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name}: expected a {ndim}-D array; got shape {arr.shape}")
    if shape is not None and (
        arr.ndim != len(shape) or any(w is not None and w != g for w, g in zip(shape, arr.shape))
    ):
        want = "(" + ", ".join("any" if w is None else str(w) for w in shape) + ")"
        raise ValueError(f"{name}: expected shape {want}; got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name}: expected at least one number; got shape {arr.shape}")
    out = np.empty(arr.shape, dtype=object)
    for idx, v in np.ndenumerate(arr):
        out[idx] = exact(v, f"{name}[{', '.join(map(str, idx))}]", symbolic=symbolic)
    return out


def exact_vector(values: Any, name: str, *, length: int | None = None, symbolic: bool = False) -> list[sp.Expr]:
    """``values`` (a 1-D sequence, array or SymPy row/column) as a list of exact numbers.

    Examples
    --------
    >>> exact_vector(np.array([0.25, "3/10"], dtype=object), "b")
    [1/4, 3/10]
    >>> exact_vector([1, 2], "b", length=3)
    Traceback (most recent call last):
    ...
    ValueError: b: expected 3 entries; got 2
    """
    arr = _entries(values, name)
    if isinstance(values, sp.MatrixBase) and 1 in arr.shape:
        arr = arr.reshape(-1)
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D sequence of numbers; got shape {arr.shape}")
    if length is not None and arr.shape[0] != length:
        raise ValueError(f"{name}: expected {length} entries; got {arr.shape[0]}")
    return list(exact_array(arr, name, symbolic=symbolic))


def exact_matrix(
    values: Any, name: str, *, shape: tuple[int | None, int | None] | None = None, symbolic: bool = False
) -> sp.Matrix:
    """``values`` (nested sequences, a 2-D array or a SymPy matrix) as an exact SymPy ``Matrix``.

    Examples
    --------
    >>> exact_matrix([[1, "1/2"], [0.5, 3]], "A")
    Matrix([
    [  1, 1/2],
    [1/2,   3]])
    """
    arr = exact_array(values, name, ndim=2, shape=shape, symbolic=symbolic)
    return sp.Matrix(arr.tolist())


def exact_distribution(values: Any, name: str, *, length: int | None = None) -> list[sp.Expr]:
    """``values`` as exact probabilities: each at least 0, summing to exactly 1.

    Examples
    --------
    >>> exact_distribution(["1/3", "2/3"], "p")
    [1/3, 2/3]
    >>> exact_distribution([1 / (1 + sp.E), sp.E / (1 + sp.E)], "p")  # sums to 1 after simplifying
    [1/(1 + E), E/(1 + E)]
    >>> exact_distribution([0.3, 0.7], "p")
    Traceback (most recent call last):
    ...
    ValueError: p: expected probabilities summing to exactly 1; got sum 1 - 1/18014398509481984 (floats enter at their exact binary value: pass decimal strings such as "0.3" or Fractions)
    """
    out = exact_vector(values, name, length=length)
    for i, v in enumerate(out):
        if v < 0:
            raise ValueError(f"{name}[{i}]: expected a probability >= 0; got {v}")
    total = sp.Add(*out)
    if total != 1 and (total.is_Rational or sp.simplify(total - 1) != 0):
        hint = " (floats enter at their exact binary value: pass decimal strings such as \"0.3\" or Fractions)" if any(
            isinstance(v, (float, np.floating)) for v in np.asarray(values, dtype=object).ravel()
        ) else ""
        raise ValueError(f"{name}: expected probabilities summing to exactly 1; got sum {_as_one_minus(total)}{hint}")
    return out


def _as_one_minus(total: sp.Expr) -> str:
    gap = 1 - total
    return f"1 - {gap}" if gap > 0 else f"1 + {-gap}"


def exact_discount(value: Any, name: str = "gamma", *, below_one: bool = False, symbolic: bool = False) -> sp.Expr:
    r"""A discount factor as an exact number in :math:`[0, 1]` (``[0, 1)`` with ``below_one``).

    With ``symbolic``, a SymPy ``Symbol`` is returned as it is (for closed forms in
    :math:`\gamma`).

    Examples
    --------
    >>> exact_discount("0.9"), exact_discount(Fraction(1, 2), "g")
    (9/10, 1/2)
    >>> exact_discount(1, below_one=True)
    Traceback (most recent call last):
    ...
    ValueError: gamma: expected a number in [0, 1); got 1
    """
    if symbolic and isinstance(value, sp.Symbol):
        return value
    g = exact(value, name)
    if not (0 <= g and (g < 1 if below_one else g <= 1)):
        interval = "[0, 1)" if below_one else "[0, 1]"
        raise ValueError(f"{name}: expected a number in {interval}; got {g if g.q < 10**6 else float(g)}")
    return g


def exact_positive(value: Any, name: str) -> sp.Expr:
    """``value`` as an exact number > 0, or a ValueError naming ``name``.

    Examples
    --------
    >>> exact_positive("0.1", "beta")
    1/10
    >>> exact_positive(0, "beta")
    Traceback (most recent call last):
    ...
    ValueError: beta: expected a number > 0; got 0
    """
    v = exact(value, name)
    if not v > 0:
        raise ValueError(f"{name}: expected a number > 0; got {v}"[:200])
    return v


def is_exact_input(values: Any) -> bool:
    """Whether ``values`` holds only numbers that carry an exact value of their own.

    Ints, ``Fraction``s, SymPy rationals and number strings are exact inputs; a float
    (or any array of a float dtype) is not, since its decimal meaning is lost. A model
    container keeps exact entries only when given exact inputs.

    Examples
    --------
    >>> is_exact_input([["3/10", Fraction(7, 10)]]), is_exact_input(np.array([0.3, 0.7]))
    (True, False)
    """
    if isinstance(values, np.ndarray) and values.dtype != object:
        return bool(np.issubdtype(values.dtype, np.integer))
    if isinstance(values, _EXACT_KINDS) and not isinstance(values, bool):
        return True
    if isinstance(values, (Sequence, np.ndarray, sp.MatrixBase)) and not isinstance(values, (str, bytes)):
        items = list(values) if not isinstance(values, np.ndarray) else list(values.ravel())
        return len(items) > 0 and all(is_exact_input(v) for v in items)
    return False
