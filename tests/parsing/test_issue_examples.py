r"""The examples of issue 10 that concern reading: each is now read as its author means it.

Class 1 listed wrong steps that the old reading made identities ("proven"); here each side
is read and the two readings differ, so a checker can refute the step. Class 4 listed
notation that was refused; each is now read (its meaning is tested against hand-built
SymPy objects in ``test_notation.py``).
"""

from __future__ import annotations

import pytest
import sympy as sp

from refalgo.parsing import Notation, parse_chain, read_chain

ACTIONS = Notation(index_sets={"a": 2, "s": 2}, distributions={"p": "a", "q": "a"}, matrices=("A", "B"))

CLASS_1 = [
    (r"v(s_1) + v(s_2) = v(s_1 + s_2)", None),
    (r"r + \gamma v(s_2) = r + v(\gamma s_2)", None),
    (r"V^{\pi}(s) = V^{\pi} \cdot s", Notation(functions=(r"V^{\pi}",))),
    (r"v_*(s) = v_* \cdot s", Notation(functions=("v_*",))),
    (r"Z(x) = Z \cdot x", Notation(functions=("Z",))),
    (r"x^{(1)} x^{(2)} = x^{(3)}", None),
    (r"A^T B^T = B^T A^T", Notation(matrices=("A", "B"))),
]


@pytest.mark.parametrize("text,notation", CLASS_1, ids=[c[0] for c in CLASS_1])
def test_class_1_wrong_steps_are_no_longer_identities(text: str, notation: Notation | None) -> None:
    lhs, rhs = parse_chain(text, syntax="latex", notation=notation)
    if isinstance(lhs, sp.MatrixExpr):
        assert lhs != rhs  # A^T B^T and B^T A^T: products of matrices in two orders
    else:
        assert sp.simplify(lhs - rhs) != 0


def test_class_1_function_applications_are_applications() -> None:
    lhs, _ = parse_chain(r"v(s_1) + v(s_2) = v(s_1 + s_2)")
    assert all(isinstance(term, sp.core.function.AppliedUndef) for term in lhs.args)
    (z,) = parse_chain(r"Z(x)")
    assert isinstance(z, sp.core.function.AppliedUndef) and str(z.func) == "Z"


CLASS_4 = [
    r"\hat{v}(s) + \bar{x} + \tilde{y}",
    r"\mathbf{x}^\top \boldsymbol{\theta}",
    r"\mathcal{L}(\theta)",
    r"\mathbb{E}_{a \sim \pi(\cdot|s)}[q(s, a)]",
    r"\nabla_\theta \theta^2",
    r"\det A",
    r"\int_0^1 x \, dx",
    r"\lim_{x \to 0} \frac{\sin x}{x}",
    r"A \odot B",
    r"\langle \mathbf{u}, \mathbf{w} \rangle",
    r"A^\top",
    r"Q^*(s, a)",
    r"\pi^*",
    r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}",
    r"\sum_a \pi(a|s)",
    r"\sum_{s'} p(s'|s, a)",
    r"s' + a'",
    r"1 + \gamma + \gamma^2 + \cdots",
    r"\pi_{\text{ref}} + \pi_{\mathrm{ref}} + \pi_{ref}",
    r"\frac12",
    r"D_{\mathrm{KL}}(p\,\|\,q)",
    r"\left. x^2 \right|_{x=1}",
    r"\max_a q(s, a)",
]


@pytest.mark.parametrize("text", CLASS_4)
def test_class_4_notation_is_read(text: str) -> None:
    reading = read_chain(text, syntax="latex", notation=ACTIONS)
    assert len(reading.exprs) == 1 and reading.explain()


def test_class_3_one_syntax_per_chain() -> None:
    x, y = sp.symbols("x y", real=True)
    assert parse_chain("xy + yx = 2xy") == [2 * x * y, 2 * x * y]
