"""The home page's "test your code against refalgo" recipe runs as printed."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from hypothesis import Phase, settings

from tests.docs.sitecheck import ROOT

# The recipe is written once, in the home page's snippets, and included by both languages.
HOME = ROOT / "docs" / "_snippets" / "index.md"


def _recipe() -> str:
    """The recipe's code, preceded by blank lines so that its line numbers are the page's.

    Hypothesis reads the source of a failing test back from the file it was compiled
    from; with the page's line numbers it reads the recipe, not the prose above it.
    """
    page = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    section = page[page.index("\n## Test your code against refalgo"):]
    assert '--8<-- "index.md:usage"' in section.split("\n## ", 2)[1], "the home page does not include its recipe"
    text = HOME.read_text(encoding="utf-8")
    start = text.index("--8<-- [start:usage]")
    block = re.compile(r"```python\n(.*?)```", flags=re.S).search(text, start)
    assert block, "the home page's snippets hold no Python recipe in the section 'usage'"
    return "\n" * text.count("\n", 0, block.start(1)) + block.group(1)


def test_the_recipe_passes_with_refalgos_own_numeric_twin() -> None:
    namespace: dict[str, Any] = {}
    exec(compile(_recipe(), str(HOME), "exec"), namespace)  # noqa: S102 - the page's own example
    concept = namespace["adamw"]
    namespace["my_adamw"] = concept.numeric
    test = namespace["test_my_adamw_matches_the_exact_answer"]
    settings(max_examples=5, database=None)(test)()


def test_the_recipe_catches_an_implementation_that_is_slightly_off() -> None:
    namespace: dict[str, Any] = {}
    exec(compile(_recipe(), str(HOME), "exec"), namespace)  # noqa: S102 - the page's own example
    concept = namespace["adamw"]
    namespace["my_adamw"] = lambda example: np.asarray(concept.numeric(example)) * (1 + 1e-4)
    test = namespace["test_my_adamw_matches_the_exact_answer"]
    with pytest.raises(AssertionError, match="differ by"):
        settings(max_examples=5, database=None, phases=[Phase.generate])(test)()  # no shrinking: failing is enough
