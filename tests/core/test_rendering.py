"""Rendering: titles and justifications reach the page as written, display forms are checked, arguments counted."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import markdown
import pytest
import sympy as sp
import yaml

from refalgo import Assumptions, Derivation, Step
from refalgo.derivation import latex, markdown_text, text_latex

ROOT = Path(__file__).resolve().parents[2]

alpha, eps = sp.symbols("alpha epsilon", positive=True)
mhat, theta_prev, theta = sp.symbols("mhat_t theta_t-1 theta_t", real=True)
vhat = sp.Symbol("vhat_t", nonnegative=True)
ADAM = r"\theta_t = \theta_{t-1} - \alpha \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}"


def _site_markdown(text: str) -> str:
    """``text`` rendered to HTML by Python-Markdown with the extensions of the site's mkdocs.yml."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    names: list[str] = []
    options: dict[str, Any] = {}
    for entry in config["markdown_extensions"]:
        name, opts = next(iter(entry.items())) if isinstance(entry, dict) else (entry, None)
        names.append(name)
        if opts:
            options[name] = opts
    return markdown.markdown(text, extensions=names, extension_configs=options)


def _title_html(d: Derivation) -> str:
    """The text of the bold title line of a rendered derivation, HTML entities decoded."""
    page = _site_markdown(d.to_markdown())
    strong = re.search(r"<strong>(.*?)</strong>", page, re.S)
    assert strong is not None, page
    return html.unescape(strong.group(1))


def _chain(title: str, why: str = "expand") -> Derivation:
    x = sp.Symbol("x", real=True)
    return Derivation(title, [Step((x + 1) ** 2, ""), Step(x**2 + 2 * x + 1, why)])


@pytest.mark.parametrize(
    "title",
    [
        "Optimality gap: J(π*) − J(π*) = β KL(π* ‖ π_ref)",
        "w = αv* + β/(1 − γ)*",
        "v_pi(s4) and v_*(s_1)",
        r"a backslash \ and \frac stay, as do <tags> & [links](x)",
        "`code` and {braces} and #hash",
    ],
)
def test_title_text_reaches_the_page_literally(title: str) -> None:
    assert _title_html(_chain(title)) == title


def test_math_in_a_title_is_typeset_as_math() -> None:
    shown = _title_html(_chain(r"Contraction: $|\max_a f(a) - \max_a g(a)| \le \max_a |f(a) - g(a)|$, for *every* f"))
    assert r'<span class="arithmatex">\(|\max_a f(a) - \max_a g(a)| \le \max_a |f(a) - g(a)|\)</span>' in shown
    assert shown.endswith(", for *every* f")


def test_an_escaped_dollar_is_a_literal_dollar() -> None:
    assert _title_html(_chain(r"costs \$5, not $x$")) == r'costs $5, not <span class="arithmatex">\(x\)</span>'


def test_why_is_text_with_math() -> None:
    assert text_latex(r"divide by $1 - \gamma$") == r"\text{divide by }1 - \gamma"
    assert text_latex(r"E[g_i^2] \ ok") == r"\text{E[g\_i\unicode{x5E}2] \unicode{x5C} ok}"
    tex = _chain("t", why=r"collect the terms in $G$, then $\times 2$").to_latex()
    assert r"&& \text{collect the terms in }G\text{, then }\times 2" in tex


def test_markdown_text_escapes_only_outside_math() -> None:
    assert markdown_text(r"a*b_c $x_1 * y$") == r"a\*b\_c $x_1 * y$"


def test_an_unmatched_dollar_is_refused() -> None:
    with pytest.raises(ValueError, match="unmatched"):
        _chain("one $ only")
    with pytest.raises(ValueError, match="why of step 1"):
        _chain("fine", why="divide by $1 - gamma")


def _adam(display: str, **kw: Any) -> Derivation:
    update = sp.Eq(theta, theta_prev - alpha * mhat / (sp.sqrt(vhat) + eps), evaluate=False)
    moved = sp.Eq(theta - theta_prev, -alpha * mhat / (sp.sqrt(vhat) + eps), evaluate=False)
    return Derivation("Adam's update", [Step(update, "equation (5)", display=display), Step(moved, r"subtract $\theta_{t-1}$")], **kw)


def test_a_display_form_equal_to_the_step_is_printed() -> None:
    d = _adam(ADAM, symbols={r"\hat m_t": r"the bias-corrected first moment", r"\hat v_t": "the second"})
    assert d.verify().status == "proven"
    tex = d.to_latex()
    assert tex.splitlines()[1] == r"\theta_t &= \theta_{t-1} - \alpha \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon} && \text{equation (5)} \\"
    page = _site_markdown(d.to_markdown())
    assert r'where <span class="arithmatex">\(\hat m_t\)</span> is the bias-corrected first moment and' in page


def test_a_wrong_display_form_fails_verification() -> None:
    d = _adam(r"\theta_t = \theta_{t-1} - \alpha \frac{\hat m_t}{\sqrt{\hat v_t + \epsilon}}")
    v = d.verify()
    assert not v.ok and v.first_failure() is None  # the chain itself holds; its printed form does not
    assert "display form of step 0" in v.summary() and "but the step gives" in v.summary()
    with pytest.raises(AssertionError, match="display form of step 0"):
        d.to_markdown()


def test_a_display_that_is_not_an_equation_is_refused() -> None:
    v = _adam(r"\theta_{t-1} - \alpha \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}").verify()
    assert not v.ok and "expected an equation" in v.summary()


def test_a_display_name_that_matches_nothing_is_refused_with_its_name() -> None:
    v = _adam(r"\theta_t = \theta_{t-1} - \eta \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}").verify()
    assert not v.ok and "it names eta" in v.summary() and "names=" in v.summary()


def test_declared_names_print_and_read_the_same_symbol() -> None:
    vs, r, g = sp.Symbol("x", real=True), sp.Symbol("r", real=True), sp.Symbol("gamma", positive=True)
    d = Derivation(
        "one step of the optimal value",
        [Step(r + g * vs, "", display=r"r + \gamma v_*(s_1)"), Step(g * vs + r, "")],
        names={vs: r"v_*(s_1)"},
    )
    assert d.verify().status == "proven"
    lines = d.to_latex().splitlines()
    assert lines[1] == r"& r + \gamma v_*(s_1) \\"  # the display form, as written
    assert lines[2] == r"&= \gamma v_*(s_1) + r"  # no display form: SymPy's LaTeX, with the declared name
    wrong = Derivation("wrong", [Step(r + g * vs, "", display=r"r + v_*(s_1)"), Step(g * vs + r, "")], names={vs: r"v_*(s_1)"})
    assert not wrong.verify().ok


def test_the_default_term_order_reads_like_a_textbook() -> None:
    t, i, b1, big_g, g = sp.symbols("t i beta_1 G gamma")
    assert latex(b1 ** (t - i)) == r"\beta_{1}^{t - i}"
    assert latex(big_g * g + 1) == r"\gamma G + 1"
    assert latex(1 / (1 - g)) == r"\frac{1}{1 - \gamma}"
    assert latex(theta_prev - alpha * mhat) == r"\theta_{t-1} - \alpha \hat{m}_{t}"
    assert latex(big_g**2 + 2 * big_g + 1) == r"G^{2} + 2 G + 1"


def test_a_sampled_step_with_an_argument_is_counted_and_shown() -> None:
    gamma, n = sp.Symbol("gamma", positive=True), sp.Symbol("n", integer=True, positive=True)
    steps = [(sp.Limit((1 - gamma**n) / (1 - gamma), n, sp.oo), ""), (1 / (1 - gamma), r"$\gamma^n \to 0$")]
    bare = Derivation("limit", steps, assumptions=Assumptions.of(gamma < 1, samples=4))
    argued = Derivation("limit", steps, assumptions=Assumptions.of(gamma < 1, samples=4),
                        argument=r"Since $0 < \gamma < 1$, $\gamma^n \to 0$ as $n \to \infty$.")
    assert bare.marks() == ["checked"] and argued.marks() == ["argued"]
    page = _site_markdown(argued.to_markdown())
    assert r'<em>Argument.</em> Since <span class="arithmatex">\(0 &lt; \gamma &lt; 1\)</span>' in page
    assert "Argument" not in bare.to_markdown()


def test_a_step_argument_is_shown_under_its_number() -> None:
    x = sp.Symbol("x", real=True)
    d = Derivation("square", [Step((x + 1) ** 2, ""), Step(x**2 + 2 * x + 1, "expand", argument="Multiply out.")])
    assert d.marks() == ["proven"]
    assert "*Why step 1 holds.* Multiply out." in d.to_markdown()


def test_a_display_in_matrix_notation_is_compared_with_the_components() -> None:
    from refalgo.parsing import Notation

    a11, a12, a22, x1, x2, b1, b2 = sp.symbols("a_11 a_12 a_22 x_1 x_2 b_1 b_2", real=True)
    A, X, B = sp.ImmutableMatrix([[a11, a12], [a12, a22]]), sp.ImmutableMatrix([x1, x2]), sp.ImmutableMatrix([b1, b2])
    components = a11 * x1**2 + 2 * a12 * x1 * x2 + a22 * x2**2 + b1 * x1 + b2 * x2

    def chain(display: str) -> Derivation:
        return Derivation(
            "a quadratic in matrix notation",
            [Step(components, "", display=display), Step(sp.expand(components), "")],
            names={A: "A", X: r"\mathbf{x}", B: r"\mathbf{b}"},
            notation=Notation(matrices={"A": (2, 2)}, vectors={"x": 2, "b": 2}),
        )

    assert chain(r"\mathbf{x}^\top A \mathbf{x} + \mathbf{b}^\top \mathbf{x}").verify().status == "proven"
    wrong = chain(r"\mathbf{x}^\top A \mathbf{x} + 2 \mathbf{b}^\top \mathbf{x}").verify()
    assert not wrong.ok and "display form of step 0" in wrong.summary()
