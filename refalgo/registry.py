r"""The concept registry: every concept with its twins, inputs, tolerance, references and page.

Each chapter module defines ``CONCEPTS`` (a tuple of :class:`Concept`). One generic
parity test draws inputs from each concept's strategy and checks that the symbolic and
numeric twins agree within the concept's tolerance; a coverage test checks that each
concept's page exists. :func:`discover` finds every registered concept by walking the
``refalgo`` package, so the core names no chapter.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Concept", "Tolerance", "discover", "chapter_modules"]


@dataclass(frozen=True)
class Tolerance:
    """How closely the numeric twin must match the exact one: ``|num - exact| <= atol + rtol·|exact|``."""

    rtol: float = 1e-9
    atol: float = 1e-12
    why: str = ""

    def assert_close(self, exact: Any, numeric: Any, what: str = "") -> None:
        """Raise AssertionError unless ``numeric`` matches ``exact`` elementwise (both ways)."""
        e = np.asarray(exact, dtype=np.float64)
        n = np.asarray(numeric, dtype=np.float64)
        if e.shape != n.shape:
            raise AssertionError(f"{what}: shapes differ, exact {e.shape} vs numeric {n.shape}")
        err = np.abs(n - e)
        bound = self.atol + self.rtol * np.abs(e)
        if not np.all(err <= bound):
            k = int(np.argmax(err - bound))
            raise AssertionError(
                f"{what}: numeric {n.flat[k]!r} vs exact {e.flat[k]!r} differ by {err.flat[k]:.3g} "
                f"> {bound.flat[k]:.3g} (rtol {self.rtol}, atol {self.atol})"
            )


@dataclass(frozen=True)
class Concept:
    """A registry entry.

    Parameters
    ----------
    name
        Short identifier, e.g. ``"directional-derivative"``.
    area
        The chapter: ``calculus``, ``mdp``, ``rl``, ``optim``, ``alignment``, ``vision``, ``geometry``.
    symbolic, numeric
        Functions of one drawn example (a dict) returning the exact and the numeric
        answer; each calls its own twin, never the other.
    inputs
        A zero-argument callable returning a Hypothesis strategy of examples
        (Hypothesis is a test dependency, so it is imported only when called).
    tolerance
        How closely the answers must agree, and why.
    references
        Sources for the definitions and published numbers.
    page
        The docs page, relative to ``docs/``.
    compare
        Optional ``compare(exact, numeric, tolerance)`` for answers that are not
        arrays of numbers (e.g. a classification plus a point).
    """

    name: str
    area: str
    symbolic: Callable[[Any], Any]
    numeric: Callable[[Any], Any]
    inputs: Callable[[], Any]
    tolerance: Tolerance
    references: tuple[str, ...]
    page: str
    compare: Callable[[Any, Any, Tolerance], None] | None = field(default=None)

    def check(self, example: Any) -> None:
        """Run both twins on ``example`` and raise AssertionError if they disagree."""
        exact = self.symbolic(example)
        numeric = self.numeric(example)
        if self.compare is not None:
            self.compare(exact, numeric, self.tolerance)
        else:
            self.tolerance.assert_close(exact, numeric, f"{self.area}/{self.name}")


def chapter_modules() -> Iterator[Any]:
    """Import and yield every public module of the ``refalgo`` package (chapters included).

    Modules with a private part in their name are left out, and so is everything under
    a private package such as ``refalgo/<area>/_engine/`` (its kernels may need numba).
    """
    import refalgo

    for info in pkgutil.walk_packages(refalgo.__path__, prefix="refalgo."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]) or info.name == "refalgo.testing":
            continue
        yield importlib.import_module(info.name)


def discover() -> tuple[Concept, ...]:
    """Every registered concept, found through each module's ``CONCEPTS`` tuple."""
    found: dict[tuple[str, str], Concept] = {}
    for module in chapter_modules():
        for concept in getattr(module, "CONCEPTS", ()):
            found.setdefault((concept.area, concept.name), concept)
    return tuple(found[k] for k in sorted(found))
