"""The page helpers: output lands in the executed block, tables and links are right, only verified chains render."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest
import sympy as sp

from tests.docs.sitecheck import ROOT

sys.path.insert(0, str(ROOT / "docs" / "_build"))
import refdoc  # noqa: E402

from refalgo import Assumptions, Derivation, DerivationError, Step  # noqa: E402
from refalgo.registry import Concept, Tolerance  # noqa: E402

x = sp.Symbol("x", real=True)


def _run_block(code: str) -> str:
    """Run ``code`` the way markdown-exec does: output through a ``print`` in its globals."""
    out: list[str] = []

    def block_print(*texts: Any, end: str = "\n") -> None:
        out.append(" ".join(str(t) for t in texts) + end)

    exec(compile(code, "<code block>", "exec"), {"print": block_print, "refdoc": refdoc})  # noqa: S102 - test harness
    return "".join(out)


def test_helpers_print_into_the_block_output_not_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    text = _run_block('print("before")\nrefdoc.table(["a", "b"], [(1, 2)])\nprint("after")')
    assert text == "before\n| a | b |\n|---|---|\n| 1 | 2 |\nafter\n"
    assert capsys.readouterr().out == ""


def test_cells_escape_pipes_and_line_breaks() -> None:
    assert refdoc.cell("a | b\nc") == r"a \| b <br> c"


@pytest.mark.parametrize(
    ("target", "page", "expected"),
    [
        ("calculus/gradient.md", "reference/registry.md", "../calculus/gradient.md"),
        ("check.md", "index.md", "check.md"),
        ("reference/api.md", "reference/registry.md", "api.md"),
    ],
)
def test_links_are_relative_to_the_page_that_shows_them(target: str, page: str, expected: str) -> None:
    assert refdoc.link(target, page) == expected


def _concept(name: str, area: str, page: str, why: str = "") -> Concept:
    return Concept(
        name=name,
        area=area,
        symbolic=lambda ex: ex,
        numeric=lambda ex: ex,
        inputs=lambda: None,
        tolerance=Tolerance(rtol=1e-6, atol=0.0, why=why),
        references=("Book, eq. 1", "Paper | section 2"),
        page=page,
    )


def test_registry_table_orders_areas_links_pages_and_gives_the_tolerance() -> None:
    concepts = [
        _concept("zeta", "geometry", "geometry/zeta.md"),
        _concept("adam", "optim", "optim/adam.md", why="float64 rounding over 10 steps"),
    ]
    text = _run_block_with(refdoc.registry_table, page="reference/registry.md", concepts=concepts)
    rows = text.strip().splitlines()
    assert rows[0] == "| Area | Concept | Tolerance (why) | References |"
    assert rows[2] == (
        "| Optimizers | [adam](../optim/adam.md) | rtol 1e-06, atol 0 — float64 rounding over 10 steps "
        r"| Book, eq. 1 <br> Paper \| section 2 |"
    )
    assert rows[3].startswith("| Computational geometry | [zeta](../geometry/zeta.md) | rtol 1e-06, atol 0 |")


def _run_block_with(fn: Any, **kwargs: Any) -> str:
    out: list[str] = []

    def call() -> None:
        fn(**kwargs)

    namespace = {"print": lambda *t, end="\n": out.append(" ".join(map(str, t)) + end), "call": call}
    exec("call()", namespace)  # noqa: S102 - the helper must find the block's print
    return "".join(out)


def _chapter_module(name: str, chains: tuple[Derivation, ...]) -> types.ModuleType:
    module = types.ModuleType(name, "A made-up chapter.\n\nMore text.")

    def derivations() -> tuple[Derivation, ...]:
        return chains

    derivations.__module__ = name
    module.derivations = derivations  # type: ignore[attr-defined]
    return module


PROVEN = Derivation("square of a sum", [((x + 1) ** 2, ""), (x**2 + 2 * x + 1, "expand")])
gamma = sp.Symbol("gamma", positive=True)
n = sp.Symbol("n", integer=True, positive=True)
# No SymPy rewrite reduces this limit's difference to zero, so it is sampled.
CHECKED = Derivation(
    "limit of the partial sums",
    [(sp.Limit((1 - gamma**n) / (1 - gamma), n, sp.oo), ""), (1 / (1 - gamma), "the powers vanish")],
    assumptions=Assumptions.of(gamma < 1, samples=4),
)
ARGUED = Derivation(
    "limit of the partial sums, with its argument",
    [(sp.Limit((1 - gamma**n) / (1 - gamma), n, sp.oo), ""), (1 / (1 - gamma), "the powers vanish")],
    assumptions=Assumptions.of(gamma < 1, samples=4),
    argument=r"$\gamma^n \to 0$ because $0 < \gamma < 1$.",
)
WRONG = Derivation("a wrong square", [((x + 1) ** 2, ""), (x**2 + 1, "forgot 2x")])


def test_derivation_index_groups_by_area_and_counts_each_mark() -> None:
    modules = [
        _chapter_module("refalgo.optim.made_up", (PROVEN,)),
        _chapter_module("refalgo.calculus.made_up", (PROVEN, CHECKED, ARGUED)),
        types.ModuleType("refalgo.calculus.no_derivations"),
    ]
    text = _run_block_with(refdoc.derivation_index, page="reference/derivations.md", modules=modules)
    # derivations, steps, proven, checked with a written argument, checked only
    assert "| Calculus | `refalgo.calculus.made_up` | 3 | 3 | 1 | 1 | 1 |" in text
    assert "| Optimizers | `refalgo.optim.made_up` | 1 | 1 | 1 | 0 | 0 |" in text
    assert "| **All** |  | **4** | **4** | **2** | **1** | **1** |" in text
    assert "*✓ checked*" in text and "*✓ proven*" in text
    assert "*Argument.* $\\gamma^n \\to 0$" in text
    assert text.index("## Calculus") < text.index("## Optimizers")
    assert "A made-up chapter." in text and "More text." not in text
    assert text.count("**square of a sum**") == 2


def test_a_wrong_derivation_is_never_rendered() -> None:
    with pytest.raises(DerivationError, match="does not follow"):
        _run_block_with(refdoc.derivation, d=WRONG)
    with pytest.raises(DerivationError):
        _run_block_with(refdoc.derivation_index, page="x.md", modules=[_chapter_module("refalgo.optim.bad", (WRONG,))])


def test_a_chain_with_the_same_content_is_verified_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    render = Derivation.to_markdown

    def counting(self: Derivation, *args: Any, **kwargs: Any) -> str:
        calls.append(self.title)
        return render(self, *args, **kwargs)

    monkeypatch.setattr(Derivation, "to_markdown", counting)
    y = sp.Symbol("y", positive=True)

    def make(title: str) -> Derivation:
        return Derivation(title, [Step(y * (y + 1), ""), Step(y**2 + y, "expand")])

    first = _run_block_with(refdoc.derivation, d=make("cached chain"))
    again = _run_block_with(refdoc.derivation, d=make("cached chain"))
    other = _run_block_with(refdoc.derivation, d=make("another title"))
    assert first == again and first != other
    assert calls == ["cached chain", "another title"]


def test_figures_are_inline_svg_with_text_as_paths_and_no_date() -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0], label="γ")
    ax.legend()
    text = _run_block_with(refdoc.figure, fig=fig, caption="a line")
    assert text.startswith('<figure class="plot" markdown="0">\n<svg')
    assert "<figcaption>a line</figcaption>" in text
    assert "<text" not in text and "<dc:date>" not in text


def test_summary_line_cross_reference_roles_become_code() -> None:
    # A summary such as "run online in an :class:`~refalgo.mdp.MDP`" must not show a raw role.
    assert refdoc.rst_inline("in an :class:`~refalgo.mdp.MDP` (:func:`refalgo.rl.td_fixed_point`)") == (
        "in an `MDP` (`refalgo.rl.td_fixed_point`)"
    )
    assert refdoc.rst_inline(":math:`\\gamma` and ``x``") == "$\\gamma$ and `x`"
