"""Pass corpus items to the checker and sort what comes back.

An `Outcome` is the checker's verdict on one item (``proven``, ``checked``, ``failed``,
``undecided``), or ``refused`` (a `ParseError`: the text cannot be read; or a
declaration that `Notation` refuses with a ValueError), ``ambiguous`` (an `AmbiguousNotation`, a kind of ParseError), or ``error`` (any
other exception: a bug in the checker). `summary` turns outcomes into the report's
metrics.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sympy as sp

from refalgo.assumptions import Assumptions
from refalgo.check import equivalent
from refalgo.parsing import AmbiguousNotation, Notation, ParseError

from .model import Item

TIMEOUT = 1.0  # seconds per step; the checker answers "undecided" when it runs out
HOLDS = ("proven", "checked")


@dataclass(frozen=True)
class Outcome:
    """What the checker said about one item, and how long it took."""

    item: Item
    status: str
    seconds: float
    detail: str

    @property
    def false_proven(self) -> bool:
        """A wrong step reported proven or checked: the one outcome that must never happen."""
        return self.item.label == "wrong" and self.status in HOLDS

    @property
    def false_alarm(self) -> bool:
        """A right step reported failed."""
        return self.item.label == "right" and self.status == "failed"


def notation_of(item: Item) -> Notation | None:
    """The item's declarations as a `Notation` (None when it declares nothing)."""
    return Notation(**item.notation) if item.notation else None


def assumptions_of(item: Item, notation: Notation | None) -> list[Any] | None:
    """The ``--assume`` strings, and the symmetric matrices as `Assumptions` (as ``--symmetric`` does)."""
    out: list[Any] = list(item.assume)
    if item.symmetric:
        assert notation is not None, f"{item.id}: a symmetric matrix must be declared a matrix"
        kinds = tuple((sp.MatrixSymbol(name, *notation.matrices[name]), "symmetric") for name in item.symmetric)
        out.append(Assumptions(matrices=kinds))
    return out or None


def check(item: Item, timeout: float = TIMEOUT) -> Outcome:
    """Run the checker on one item."""
    start = time.perf_counter()
    try:
        notation = notation_of(item)
    except (TypeError, ValueError) as exc:  # the notation model cannot express the declaration
        return Outcome(item, "refused", time.perf_counter() - start, f"declaration refused: {exc}")
    try:
        result = equivalent(item.lhs, item.rhs, assumptions_of(item, notation), syntax="latex", timeout=timeout,
                            notation=notation)
        status, detail = result.status, result.describe()
    except AmbiguousNotation as exc:
        status, detail = "ambiguous", str(exc)
    except ParseError as exc:
        status, detail = "refused", str(exc)
    except Exception as exc:  # noqa: BLE001 - anything else is a checker bug, reported as such
        status, detail = "error", f"{type(exc).__name__}: {exc}"
    return Outcome(item, status, time.perf_counter() - start, detail)


def summary(outcomes: Iterable[Outcome]) -> dict[str, float]:
    """The report's metrics: items, parsed, right, false-proven, false alarms, refused, max seconds."""
    outcomes = list(outcomes)
    counts = Counter(o.status for o in outcomes)
    return {
        "items": len(outcomes),
        "right items": sum(o.item.label == "right" for o in outcomes),
        "wrong items": sum(o.item.label == "wrong" for o in outcomes),
        "parsed": sum(o.status not in ("refused", "ambiguous") for o in outcomes),
        "right steps proven or checked": sum(o.item.label == "right" and o.status in HOLDS for o in outcomes),
        "wrong steps failed": sum(o.item.label == "wrong" and o.status == "failed" for o in outcomes),
        "false-proven (must be 0)": sum(o.false_proven for o in outcomes),
        "false alarms": sum(o.false_alarm for o in outcomes),
        "undecided": counts["undecided"],
        "refused": counts["refused"],
        "ambiguous": counts["ambiguous"],
        "errors": counts["error"],
        "max seconds": max((o.seconds for o in outcomes), default=0.0),
    }
