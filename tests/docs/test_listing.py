"""The listing helpers: a function's body without signature or docstring, tags above their lines, equations rendered."""

from __future__ import annotations

import sys
import types

import pytest

from tests.docs.sitecheck import ROOT

sys.path.insert(0, str(ROOT / "docs" / "_build"))
import listing  # noqa: E402

from refalgo.calculus import directional  # noqa: E402
from refalgo.optim.transforms import add_decayed_weights, chain, scale_by_learning_rate  # noqa: E402


def _sample(x: float, *, scale: float = 2.0) -> float:
    r"""A docstring that the body must not show.

    It has :math:`x` in it and several lines.
    """
    y = x * scale  # (1) y = s x
    return y + 1  # plain comment


def _no_docstring(x: float) -> float:
    return x


def test_body_drops_the_signature_and_the_docstring() -> None:
    """The body starts at the first statement after the docstring and keeps the comments, dedented."""
    assert listing.body(_sample) == "y = x * scale  # (1) y = s x\nreturn y + 1  # plain comment"
    assert listing.body(_no_docstring) == "return x"


def test_equation_tags_move_above_their_line_other_comments_stay() -> None:
    """A ``# (k)`` tag goes on its own line above the code, at its indentation; a short plain comment stays."""
    code = "if a:\n    y = x * scale  # (1) y = s x\nreturn y  # plain"
    assert listing.annotated(code) == "if a:\n    # (1) y = s x\n    y = x * scale\nreturn y  # plain"


def test_a_comment_that_makes_a_line_too_long_moves_above_it() -> None:
    """A trailing comment past the width moves above its line; a ``#`` inside a string is not a comment."""
    code = 'value = compute("a # b")  # ' + "x" * 80
    assert listing.annotated(code, width=60) == "# " + "x" * 80 + '\nvalue = compute("a # b")'
    assert listing.annotated('s = "# (1) not a tag"') == 's = "# (1) not a tag"'


def test_algorithm_is_a_fenced_python_block_without_docstring_math() -> None:
    """What a page prints: a python fence holding the tagged body, no docstring and no raw :math: role."""
    text = listing.algorithm(directional.directional_derivative)
    assert text.startswith("```python\n") and text.endswith("\n```")
    assert ":math:" not in text and "Parameters" not in text
    assert "# (2) u = v / ‖v‖\nu = w / np.linalg.norm(w)" in text


def test_equations_render_math_directives_and_roles() -> None:
    """Consecutive ``.. math::`` lines (with continuations) become one aligned display, numbers in a column of
    their own; a lone one stays as written; roles in prose become Markdown."""
    module = types.ModuleType("m")
    module.__doc__ = (
        "Title.\n\nEquations\n---------\nUses :math:`h` and ``code``.\n\n"
        ".. math:: a = b \\qquad (1)\n\n.. math:: c = d,\n          e = f \\qquad (2)\n\n"
        "Then one more.\n\n.. math:: g = h \\qquad (3)\n\n"
        "Notes\n-----\nNot shown.\n"
    )
    text = listing.equations(module)
    assert text.startswith("Uses $h$ and `code`.")
    block = "$$\n\\begin{aligned}\n& a = b && (1) \\\\\n& c = d, e = f && (2)\n\\end{aligned}\n$$"
    assert block in text
    assert "Then one more.\n\n$$\ng = h \\qquad (3)\n$$" in text
    assert "Not shown" not in text


def test_equations_of_a_module_without_the_section_is_an_error() -> None:
    module = types.ModuleType("m")
    module.__doc__ = "Title only."
    with pytest.raises(ValueError, match="no Equations section"):
        listing.equations(module)


def test_full_source_is_a_collapsed_block_with_one_tab_per_object() -> None:
    """The whole source, docstring included, sits in a collapsed note with a tab per object."""
    text = listing.full_source([("sample", _sample), ("other", _no_docstring)])
    assert text.startswith('??? note "Full source"\n')
    assert '    === "sample"' in text and '    === "other"' in text
    assert '            r"""A docstring that the body must not show.' in text


def _chained(weight_decay: float, lr: float) -> object:
    """A chain built from a local name and an inline call, with a second return that must not be read."""
    decay = add_decayed_weights(weight_decay)
    if lr > 0:
        return chain(decay, scale_by_learning_rate(lr))
    return chain(scale_by_learning_rate(lr))


def test_links_of_the_first_returned_chain_with_local_names_resolved() -> None:
    """The links are read in source order from the first ``return chain(...)``; a local name becomes its call."""
    assert listing.links(_chained) == ["add_decayed_weights(weight_decay)", "scale_by_learning_rate(lr)"]
    with pytest.raises(ValueError, match="returns no chain"):
        listing.links(_no_docstring)
