"""The worked example of CONTRIBUTING.md runs: its twins agree, its doctests pass, its derivation verifies.

The example is read from the Markdown (the Python block after ``<!-- worked example -->``)
and executed as a module of a chapter package, so the template a new chapter copies
cannot drift from the code around it.
"""

from __future__ import annotations

import ast
import doctest
import re
import sys
import types
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import given

from tests.test_chapter_shape import template_order_problems

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"<!-- worked example -->\n```python\n(.*?)^```", re.S | re.M)
NAME = "refalgo.rl.returns"


def _source() -> str:
    found = BLOCK.findall((ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8"))
    assert len(found) == 1, f"CONTRIBUTING.md holds {len(found)} worked examples, expected 1"
    return str(found[0])


SOURCE = _source()


@pytest.fixture(scope="module")
def example() -> Any:
    """The worked example as the module refalgo.rl.returns (relative imports resolve to the core)."""
    module = types.ModuleType(NAME)
    module.__package__ = NAME.rpartition(".")[0]
    sys.modules[NAME] = module  # dataclasses and doctest look a module up by name
    try:
        exec(compile(SOURCE, "CONTRIBUTING.md", "exec"), module.__dict__)  # noqa: S102 - the repository's own text
        yield module
    finally:
        del sys.modules[NAME]


def test_the_example_stands_in_the_template_order() -> None:
    """The example's parts follow the template: docstring, symbolic twin, numeric twin, derivations(), CONCEPTS."""
    assert template_order_problems(ast.parse(SOURCE)) == []


def test_the_example_doctests_pass(example: Any) -> None:
    """Every example in the worked example's docstrings prints what it says."""
    result = doctest.testmod(example, verbose=False)
    assert result.attempted >= 3 and result.failed == 0


def test_the_example_derivation_is_proven(example: Any) -> None:
    """The worked example's derivation is proven, not only checked at sample points."""
    (d,) = example.derivations()
    assert d.verify().status == "proven", d.verify().summary()


def test_the_example_twins_agree_on_drawn_episodes(example: Any) -> None:
    """The example's registry entry: the sum (1) and the recursion (2) agree on drawn episodes."""
    (concept,) = example.CONCEPTS

    @given(concept.inputs())
    def agree(ex: dict[str, Any]) -> None:
        concept.check(ex)

    agree()


def test_the_example_reproduces_sutton_barto_exercise_3_8(example: Any) -> None:
    """Sutton & Barto (2018), Exercise 3.8: γ = 1/2 and R = (−1, 2, 6, 3, 2) give G = (2, 6, 8, 4, 2)."""
    rewards = [-1, 2, 6, 3, 2]
    assert example.discounted_returns_symbolic(rewards, gamma=Fraction(1, 2)) == [2, 6, 8, 4, 2]
    assert example.discounted_returns(np.array(rewards, dtype=float), gamma=0.5).tolist() == [2.0, 6.0, 8.0, 4.0, 2.0]


def test_the_example_accepts_a_symbolic_discount_and_refuses_bad_input(example: Any) -> None:
    """A symbol γ gives the closed form; γ outside [0, 1] and a NaN reward are errors naming the argument."""
    g = sp.Symbol("gamma")
    assert sp.expand(example.discounted_returns_symbolic([1, 1], gamma=g)[0] - (1 + g)) == 0
    with pytest.raises(ValueError, match=r"gamma: expected a number in \[0, 1\]"):
        example.discounted_returns([1.0], gamma=1.5)
    with pytest.raises(ValueError, match="rewards"):
        example.discounted_returns([1.0, float("nan")], gamma=0.5)
    with pytest.raises(ValueError, match="rewards"):
        example.discounted_returns_symbolic(["1", "nan"], gamma="1/2")
