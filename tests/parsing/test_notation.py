r"""The notation model of issue 10: each construct read into the SymPy object built by hand here.

Every expected value is written with SymPy directly (undefined functions, MatrixSymbols,
explicit sums over the declared values), never by calling the parser.
"""

from __future__ import annotations

import pytest
import sympy as sp

from refalgo.parsing import DIMENSION, Notation, parse, parse_chain, parse_condition, read_chain

R = {"real": True}
x, y, z, s, a, b, r, c, h = sp.symbols("x y z s a b r c h", **R)
gamma, theta, beta = sp.symbols("gamma theta beta", **R)
s1, s2 = sp.symbols("s_1 s_2", **R)
v, V_pi, q_star, Q_star, Z, pi, pi_ref, q, p, u = (
    sp.Function(name, **R) for name in ("v", "V^pi", "q_*", "Q^*", "Z", "pi", "pi_ref", "q", "p", "u")
)
n = DIMENSION
A, B = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("B", n, n)
xv, bv = sp.MatrixSymbol("x", n, 1), sp.MatrixSymbol("b", n, 1)
a1, a2 = sp.symbols("a_1 a_2", **R)
ACTIONS = Notation(index_sets={"a": 2})


def sym(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


# ---------------------------------------------------------------- functions read as applications
APPLICATIONS = [
    (r"v(s_1) + v(s_2) = v(s_1 + s_2)", [v(s1) + v(s2), v(s1 + s2)]),
    (r"r + \gamma v(s_2) = r + v(\gamma s_2)", [r + gamma * v(s2), r + v(gamma * s2)]),
    (r"V^{\pi}(s) = V^\pi(s)", [V_pi(s), V_pi(s)]),
    (r"v_*(s) = v_{*}(s)", [sp.Function("v_*", **R)(s), sp.Function("v_*", **R)(s)]),
    (r"Q^*(s, a) = Q^{*}(s,a)", [Q_star(s, a), Q_star(s, a)]),
    (r"q_*(s, a) + Z(x)", [q_star(s, a) + Z(x)]),
    (r"\beta \log \frac{\pi(y|x)}{\pi_{\mathrm{ref}}(y|x)} + \beta \log Z(x)",
     [beta * sp.log(pi(y, x) / pi_ref(y, x)) + beta * sp.log(Z(x))]),
    (r"\hat{v}(s) - v(s)", [sp.Function("vhat", **R)(s) - v(s)]),
    (r"p(x) \log p(x)", [p(x) * sp.log(p(x))]),
    (r"\operatorname{softmax}(z)", [sp.Function("softmax", **R)(z)]),
    (r"\sigma(z)(1 - \sigma(z))", [(1 - 1 / (1 + sp.exp(-z))) / (1 + sp.exp(-z))]),
    (r"v{\left(s \right)}", [v(s)]),  # as SymPy prints an application
]


@pytest.mark.parametrize("text,expected", APPLICATIONS, ids=[c[0] for c in APPLICATIONS])
def test_function_names_read_as_applications(text: str, expected: list[sp.Basic]) -> None:
    assert parse_chain(text, syntax="latex") == expected


def test_a_name_used_as_a_function_anywhere_is_applied_everywhere() -> None:
    # u(a, b) can only be an application, so u(s + 1) in the same derivation is one too.
    assert parse_chain(r"u(a, b) = u(s + 1)") == [u(a, b), u(s + 1)]


def test_a_declared_function_is_always_applied() -> None:
    assert parse_chain(r"u(s_1) + u(s_2) = u(s_1 + s_2)", notation=Notation(functions=("u",))) == [u(s1) + u(s2), u(s1 + s2)]


def test_a_name_used_as_a_value_multiplies_the_parenthesis() -> None:
    assert parse_chain(r"a(b + c) = ab + ac") == [a * (b + c), a * b + a * c]
    assert parse(r"x(x + 1)") == x * (x + 1)
    assert parse(r"x(x + 1)^2") == x * (x + 1) ** 2


def test_a_declared_scalar_is_never_applied() -> None:
    assert parse_chain(r"r(1 - \gamma) = r - \gamma r", notation=Notation(scalars=("r",))) == [
        r * (1 - gamma), r - gamma * r]


def test_derivatives_written_with_primes() -> None:
    f = sp.Function("f", **R)
    sig = 1 / (1 + sp.exp(-z))
    assert parse(r"f''(x)") == sp.Derivative(f(x), (x, 2))
    assert parse(r"\sigma'(z)") == sp.Derivative(sig, z)


# ---------------------------------------------------------------- names
NAMES = [
    (r"\hat{v}", "vhat"), (r"\hat v", "vhat"), (r"\widehat{v}", "vhat"), (r"\bar{x}", "xbar"),
    (r"\overline{x}", "xbar"), (r"\tilde{\pi}", "pitilde"), (r"\mathcal{L}", "Lcal"), (r"s'", "s'"),
    (r"a''", "a''"), (r"v_*", "v_*"), (r"v_\star", "v_*"), (r"\pi^*", "pi^*"), (r"\pi^{*}", "pi^*"),
    (r"\pi_{\text{ref}}", "pi_ref"), (r"\pi_{\mathrm{ref}}", "pi_ref"), (r"\pi_{ref}", "pi_ref"),
    (r"x^{(i)}", "x^(i)"), (r"x^{(1)}", "x^(1)"), (r"\hat{v}_\pi", "vhat_pi"), (r"\hat{\theta}_t", "thetahat_t"),
    (r"\pi_\theta", "pi_theta"), (r"V^{\pi}", "V^pi"), (r"s_{t+1}'", "s_t+1'"),
]


@pytest.mark.parametrize("text,name", NAMES, ids=[t for t, _ in NAMES])
def test_each_spelling_is_its_own_symbol(text: str, name: str) -> None:
    assert parse(text, syntax="latex") == sym(name)


def test_decorated_names_differ_from_the_plain_name() -> None:
    got = parse_chain(r"\hat{v} + \bar{v} + \tilde{v} + v' + v_* = v")
    assert got == [sym("vhat") + sym("vbar") + sym("vtilde") + sym("v'") + sym("v_*"), sym("v")]


def test_index_superscripts_are_names_not_powers() -> None:
    assert parse_chain(r"x^{(1)} x^{(2)} = x^{(3)}") == [sym("x^(1)") * sym("x^(2)"), sym("x^(3)")]
    assert parse(r"(x^{(1)})^2") == sym("x^(1)") ** 2


def test_a_summed_sequence_and_its_terms_are_one_sequence() -> None:
    i = sp.Symbol("i", integer=True)
    xs = sp.Function("x", **R)
    assert parse_chain(r"\sum_{i=1}^{2} x_i = x_1 + x_2") == [sp.Sum(xs(i), (i, 1, 2)), xs(1) + xs(2)]
    xi = sp.Function("x^()", **R)
    assert parse_chain(r"\sum_{i=1}^{2} x^{(i)} = x^{(1)} + x^{(2)}") == [sp.Sum(xi(i), (i, 1, 2)), xi(1) + xi(2)]


def test_frac_with_single_token_arguments() -> None:
    assert parse(r"\frac12") == sp.Rational(1, 2)
    assert parse(r"\frac1x + \frac{1}{2}") == 1 / x + sp.Rational(1, 2)
    assert parse(r"\tfrac12 \gamma") == gamma / 2


def test_cube_root_is_real() -> None:
    assert parse(r"\sqrt[3]{x}") == sp.sign(x) * sp.Abs(x) ** sp.Rational(1, 3)
    assert parse(r"\sqrt[3]{-8}") == -2
    assert parse(r"\sqrt[4]{x}") == x ** sp.Rational(1, 4)


def test_one_syntax_for_the_whole_chain() -> None:
    assert parse_chain("xy + yx = 2xy") == [2 * x * y, 2 * x * y]
    assert read_chain(["xy + yx", "= 2xy"]).exprs == (2 * x * y, 2 * x * y)
    assert read_chain(["xy + yx", "= 2xy"]).syntax == "latex"


# ---------------------------------------------------------------- matrices and vectors
MATRICES = Notation(matrices=("A", "B"))


def test_transposes_of_declared_matrices_do_not_commute() -> None:
    lhs, rhs = parse_chain(r"A^T B^T = B^T A^T", notation=MATRICES)
    assert lhs == sp.MatMul(A.T, B.T) and rhs == sp.MatMul(B.T, A.T)
    assert lhs != rhs


@pytest.mark.parametrize("top", [r"^\top", r"^{\top}", r"^T", r"^{T}", r"^{\mathsf{T}}", r"^{\mathsf T}", r"^\intercal"])
def test_every_transpose_spelling(top: str) -> None:
    assert parse(f"A{top}", notation=MATRICES) == A.T


def test_transpose_marks_a_matrix_without_declaration() -> None:
    assert parse_chain(r"(AB)^\top = B^\top A^\top") == [(A * B).T, B.T * A.T]
    assert parse(r"x^\top \mathbf{y}") == sp.MatrixSymbol("x", n, 1).T * sp.MatrixSymbol("y", n, 1)
    # an undeclared lower-case name is a number, even beside a vector
    assert parse(r"x^\top y") == sp.MatrixSymbol("x", n, 1).T * sym("y")


def test_bold_names_are_vectors_and_matrices() -> None:
    assert parse(r"\mathbf{x}^\top \mathbf{A} \mathbf{x}") == xv.T * A * xv
    assert parse(r"\boldsymbol{\theta}") == sp.MatrixSymbol("theta", n, 1)


def test_completing_the_square_in_matrix_form_reads_as_matrices() -> None:
    text = (r"\mathbf{x}^\top A \mathbf{x} - 2 \mathbf{b}^\top \mathbf{x} = (\mathbf{x} - A^{-1}\mathbf{b})^\top A "
            r"(\mathbf{x} - A^{-1} \mathbf{b}) - \mathbf{b}^\top A^{-1} \mathbf{b}")
    lhs, rhs = parse_chain(text, notation=Notation(matrices=("A",)))
    assert lhs == xv.T * A * xv - 2 * bv.T * xv
    assert rhs == (xv - A.I * bv).T * A * (xv - A.I * bv) - bv.T * A.I * bv


def test_declared_shapes() -> None:
    m = Notation(matrices={"W": (2, 3)}, vectors={"x": 3})
    assert parse(r"W x", syntax="latex", notation=m) == sp.MatrixSymbol("W", 2, 3) * sp.MatrixSymbol("x", 3, 1)


def test_matrix_literals() -> None:
    assert parse(r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}") == sp.ImmutableMatrix([[1, 2], [3, 4]])
    assert parse(r"\begin{bmatrix} x \\ y \end{bmatrix}") == sp.ImmutableMatrix([x, y])
    assert parse(r"\begin{vmatrix} a & b \\ c & x \end{vmatrix}") == a * x - b * c
    m = r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}"
    assert parse(f"{m}^\\top {m}") == sp.ImmutableMatrix([[10, 14], [14, 20]])


def test_elementwise_inner_product_determinant_trace_norm() -> None:
    u1 = r"\begin{pmatrix} 1 \\ 2 \end{pmatrix}"
    u2 = r"\begin{pmatrix} 3 \\ x \end{pmatrix}"
    assert parse(f"{u1} \\odot {u2}") == sp.ImmutableMatrix([3, 2 * x])
    assert parse(f"\\langle {u1}, {u2} \\rangle") == 3 + 2 * x
    assert parse(r"\langle a, b \rangle") == a * b
    assert parse(r"\langle \mathbf{x}, \mathbf{b} \rangle") == sp.Trace(xv.T * bv)
    assert parse(r"A \odot B", notation=MATRICES) == sp.HadamardProduct(A, B)
    assert parse(r"\det A + \det(B)", notation=MATRICES) == sp.Determinant(A) + sp.Determinant(B)
    assert parse(r"\operatorname{tr}(A)", notation=MATRICES) == sp.Trace(A)
    assert parse(f"\\|{u2}\\|") == sp.sqrt(9 + x**2)


def test_a_one_by_one_product_next_to_a_number_is_a_number() -> None:
    c_ = sym("c")
    assert parse(r"\mathbf{x}^\top A \mathbf{x} + c", notation=MATRICES) == sp.Trace(xv.T * A * xv) + c_
    assert parse_chain(r"\mathbf{x}^\top \mathbf{b} = c") == [sp.Trace(xv.T * bv), c_]


# ---------------------------------------------------------------- finite sets
def test_sums_over_declared_index_sets() -> None:
    assert parse(r"\sum_a \pi(a|s) q(s, a)", notation=ACTIONS) == pi(a1, s) * q(s, a1) + pi(a2, s) * q(s, a2)
    assert parse(r"\sum_{a \in \mathcal{A}} \pi(a|s)", notation=ACTIONS) == pi(a1, s) + pi(a2, s)
    states = Notation(index_sets={"s": ["s1", "s2"]})
    t1, t2 = sym("s1"), sym("s2")
    assert parse(r"\sum_{s'} p(s'|s) v(s')", notation=states) == p(t1, s) * v(t1) + p(t2, s) * v(t2)
    assert parse(r"\prod_a \pi(a|s)", notation=ACTIONS) == pi(a1, s) * pi(a2, s)
    numbers = Notation(index_sets={"k": [0, 1, 2]})
    assert parse(r"\sum_k \gamma^k", notation=numbers) == 1 + gamma + gamma**2


def test_max_and_argmax_over_declared_sets() -> None:
    assert parse(r"\max_a q(s, a)", notation=ACTIONS) == sp.Max(q(s, a1), q(s, a2))
    assert parse(r"\min_{a'} q(s, a')", notation=ACTIONS) == sp.Min(q(s, a1), q(s, a2))
    expected = sp.Piecewise((a1, q(s, a1) >= q(s, a2)), (a2, True))
    assert parse(r"\arg\max_a q(s, a)", notation=ACTIONS) == expected
    assert parse(r"\operatorname{argmax}_a q(s, a)", notation=ACTIONS) == expected


def test_bellman_optimality_with_stars_and_primes() -> None:
    got = parse_chain(r"q_*(s, a) = r + \gamma \max_{a'} q_*(s', a')", notation=ACTIONS)
    assert got == [q_star(s, a), r + gamma * sp.Max(q_star(sym("s'"), a1), q_star(sym("s'"), a2))]


def test_expectation_over_a_declared_support() -> None:
    assert parse(r"\mathbb{E}_{a \sim \pi(\cdot|s)}[q(s, a)]", notation=ACTIONS) == pi(a1, s) * q(s, a1) + pi(a2, s) * q(s, a2)
    assert parse(r"\mathbb{E}_{a \sim \pi}\left[ a^2 \right]", notation=Notation(index_sets={"a": [1, 2]})) == pi(1) + 4 * pi(2)


def test_kl_divergence_of_declared_distributions() -> None:
    support = Notation(index_sets={"x": ["x1", "x2"]}, distributions={"p": "x", "q": "x"})
    x1, x2 = sym("x1"), sym("x2")
    expected = p(x1) * sp.log(p(x1) / q(x1)) + p(x2) * sp.log(p(x2) / q(x2))
    for text in (r"D_{\mathrm{KL}}(p\,\|\,q)", r"D_{KL}(p \| q)", r"\mathrm{KL}(p || q)"):
        assert parse(text, notation=support) == expected, text
    policies = Notation(index_sets={"y": 2}, distributions={"pi": "y", "pi_ref": "y"})
    y1, y2 = sym("y_1"), sym("y_2")
    expected = sum((pi(w, x) * sp.log(pi(w, x) / pi_ref(w, x)) for w in (y1, y2)), sp.Integer(0))
    assert parse(r"D_{\mathrm{KL}}(\pi(\cdot|x) \,\|\, \pi_{\text{ref}}(\cdot|x))", notation=policies) == expected


# ---------------------------------------------------------------- calculus
def test_gradient() -> None:
    J = sp.Function("J", **R)
    assert parse(r"\nabla_\theta J(\theta)") == sp.Derivative(J(theta), theta)
    got = parse(r"\nabla_{\boldsymbol\theta} \boldsymbol{\theta}^\top \mathbf{b}")
    assert got == bv


def test_integral_limit_and_evaluation_bar() -> None:
    assert parse(r"\int_0^1 x^2 \, dx") == sp.Integral(x**2, (x, 0, 1))
    assert parse(r"\int_{0}^{\infty} e^{-x} \mathrm{d}x") == sp.Integral(sp.exp(-x), (x, 0, sp.oo))
    assert parse(r"\lim_{h \to 0} \frac{\sin h}{h}") == sp.Limit(sp.sin(h) / h, h, 0, "+-")
    assert parse(r"\lim_{x \to 0^+} \log x") == sp.Limit(sp.log(x), x, 0, "+")
    assert parse(r"\lim_{x \to \infty} \frac{1}{x}") == sp.Limit(1 / x, x, sp.oo, "+-")
    assert parse(r"\left. x^2 y \right|_{x=1}") == sp.Subs(x**2 * y, (x,), (1,))
    assert parse(r"\left. \frac{d}{dx} x^3 \right|_{x = 2}") == sp.Subs(sp.Derivative(x**3, x), (x,), (2,))


# ---------------------------------------------------------------- conditions with values
def test_assumptions_with_values() -> None:
    assert parse_condition(r"\gamma = 0.9") == (sp.Eq(gamma, sp.Rational(9, 10)),)
    assert parse_condition("gamma = 0.9", syntax="python") == (sp.Eq(gamma, sp.Rational(9, 10)),)
    assert parse_condition(r"p_i > 0") == (sym("p_i") > 0,)


# ---------------------------------------------------------------- whole textbook steps
def test_bellman_expectation_equation_with_subscripted_functions() -> None:
    v_pi, q_pi = sp.Function("v_pi", **R), sp.Function("q_pi", **R)
    got = parse_chain(r"v_\pi(s) = \sum_a \pi(a|s) q_\pi(s, a)", notation=ACTIONS)
    assert got == [v_pi(s), pi(a1, s) * q_pi(s, a1) + pi(a2, s) * q_pi(s, a2)]


def test_dpo_reward_and_preference() -> None:
    pi_theta, r_star, p_star = (sp.Function(name, **R) for name in ("pi_theta", "r^*", "p^*"))
    y_w, y_l, y1, y2 = sym("y_w"), sym("y_l"), sym("y_1"), sym("y_2")
    got = parse(r"\beta \log \frac{\pi_\theta(y_w|x)}{\pi_{\text{ref}}(y_w|x)} - \beta \log \frac{\pi_\theta(y_l|x)}{\pi_{ref}(y_l|x)}")
    assert got == beta * sp.log(pi_theta(y_w, x) / pi_ref(y_w, x)) - beta * sp.log(pi_theta(y_l, x) / pi_ref(y_l, x))
    succ = sp.Function("succ", **R)
    got = parse_chain(r"p^*(y_1 \succ y_2 | x) = \sigma(r^*(x, y_1) - r^*(x, y_2))")
    assert got == [p_star(succ(y1, y2), x), 1 / (1 + sp.exp(-(r_star(x, y1) - r_star(x, y2))))]
    assert parse(r"p(y_2 \prec y_1)") == p(succ(y1, y2))


def test_adam_bias_correction_names() -> None:
    m_t, v_t, beta_1, t = sym("m_t"), sym("v_t"), sym("beta_1"), sym("t")
    assert parse(r"\hat{m}_t = \frac{m_t}{1 - \beta_1^t}".split(" = ")[1]) == m_t / (1 - beta_1**t)
    assert parse(r"\hat{m}_t") == sym("mhat_t")
    theta_prev, alpha, eps = sym("theta_t-1"), sym("alpha"), sym("epsilon")
    got = parse(r"\theta_{t-1} - \alpha \frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon}")
    assert got == theta_prev - alpha * sym("mhat_t") / (sp.sqrt(sym("vhat_t")) + eps)
    assert v_t != sym("vhat_t")


def test_a_single_letter_subscript_takes_one_token() -> None:
    assert parse(r"\pi_r(y|x)") == sp.Function("pi_r", **R)(y, x)
    assert parse(r"x_12", syntax="latex") == 2 * sym("x_1")  # TeX: x_1 followed by 2
    assert parse(r"r_t(1 + \gamma)", notation=Notation(scalars=("r",))) == sym("r_t") * (1 + gamma)


def test_identity_matrix_in_a_derivation_with_matrices() -> None:
    P = sp.MatrixSymbol("P_pi", n, n)
    v_pi = sp.MatrixSymbol("v_pi", n, 1)
    decl = Notation(matrices=("P_pi",), vectors=("v_pi",))
    got = parse_chain(r"v_\pi - \gamma P_\pi v_\pi = (I - \gamma P_\pi) v_\pi", notation=decl)
    assert got == [v_pi - gamma * P * v_pi, (sp.Identity(n) - gamma * P) * v_pi]
    small = Notation(matrices={"A": (2, 2)})
    assert parse(r"I - A", notation=small) == sp.Identity(2) - sp.MatrixSymbol("A", 2, 2)
    assert parse(r"\mathbb{I} + \mathbf{I}", notation=decl) == 2 * sp.Identity(n)
    assert parse(r"I + 1") == sym("I") + 1  # no matrices: I is a number


def test_subscripts_with_a_colon_and_declared_expression_subscripts() -> None:
    assert parse(r"G_{t:t+n}") == sym("G_t:t+n")
    x_next = sp.MatrixSymbol("x_t+1", n, 1)
    assert parse(r"x_{t+1}^\top x_{t+1}", notation=Notation(vectors=("x_{t+1}",))) == x_next.T * x_next


def test_gradient_with_respect_to_several_scalars() -> None:
    f = x**2 * y**3 - 4 * y
    assert parse(r"\nabla_{x, y} (x^2 y^3 - 4y)") == sp.ImmutableMatrix([sp.Derivative(f, x), sp.Derivative(f, y)])


def test_a_subscript_differentiated_by_is_an_argument() -> None:
    pi_theta = sp.Function("pi_theta", **R)
    got = parse_chain(r"\nabla_\theta \pi_\theta(a|s) = \pi_\theta(a|s) \nabla_\theta \log \pi_\theta(a|s)")
    assert got == [sp.Derivative(pi_theta(a, s, theta), theta),
                   pi_theta(a, s, theta) * sp.Derivative(sp.log(pi_theta(a, s, theta)), theta)]
    # nothing differentiates by theta: pi_theta is a function of (a, s) alone
    assert parse(r"\pi_\theta(a|s)") == pi_theta(a, s)
    v_w = sp.Function("vhat_w", **R)
    w = sym("w")
    assert parse(r"\frac{\partial}{\partial w} \hat{v}_w(s)") == sp.Derivative(v_w(s, w), w)


def test_every_counted_term_of_a_summed_sequence_is_a_term() -> None:
    k = sp.Symbol("k", integer=True)
    t, n_ = sym("t"), sym("n")
    R_ = sp.Function("R", **R)
    lhs, rhs = parse_chain(r"\sum_{k=0}^{n-1} \gamma^k R_{t+k+1} = R_{t+1} + \gamma \sum_{k=0}^{n-2} \gamma^k R_{t+k+2}")
    n_int = sp.Symbol("n", integer=True)
    assert lhs == sp.Sum(gamma**k * R_(t + k + 1), (k, 0, n_int - 1))
    assert rhs == R_(t + 1) + gamma * sp.Sum(gamma**k * R_(t + k + 2), (k, 0, n_int - 2))
    assert n_ != n_int
    # a subscript that names rather than counts stays a name
    assert parse_chain(r"\sum_{k=1}^{2} r_k = r_\pi")[1] == sym("r_pi")


def test_floor_ceiling_and_named_functions() -> None:
    assert parse(r"\lfloor x \rfloor + \lceil \frac{5}{2} \rceil") == sp.floor(x) + 3
    assert parse(r"\operatorname{ReLU}(x)") == sp.Max(0, x)
    assert parse(r"\mathrm{sgn}(x) + \operatorname{softplus}(y)") == sp.sign(x) + sp.log(1 + sp.exp(y))
    relu = sp.Function("ReLU", **R)
    assert parse(r"\operatorname{ReLU}(x)", notation=Notation(functions=("ReLU",))) == relu(x)


def test_definitional_equals_split_the_chain() -> None:
    G_t, R_next, G_next = sym("G_t"), sym("R_t+1"), sym("G_t+1")
    assert parse_chain(r"G_t \doteq R_{t+1} + \gamma G_{t+1}") == [G_t, R_next + gamma * G_next]
    assert parse_chain(r"G_t \triangleq R_{t+1} := R_{t+1}") == [G_t, R_next, R_next]


def test_elided_sums_in_the_two_unambiguous_patterns() -> None:
    k = sp.Symbol("k", integer=True)
    n_int, i = sp.Symbol("n", integer=True), sp.Symbol("i", integer=True)
    xs = sp.Function("x", **R)
    assert parse(r"1 + \gamma + \gamma^2 + \cdots") == sp.Sum(gamma**k, (k, 0, sp.oo))
    assert parse(r"1 + \gamma + \gamma^2 + \dots + \gamma^n") == sp.Sum(gamma**k, (k, 0, n_int))
    assert parse_chain(r"x_1 + x_2 + \cdots + x_n = \sum_{i=1}^{n} x_i") == [sp.Sum(xs(k), (k, 1, n_int)),
                                                                            sp.Sum(xs(i), (i, 1, n_int))]
    assert parse(r"a + x_1 + x_2 + \cdots") == a + sp.Sum(xs(k), (k, 1, sp.oo))
