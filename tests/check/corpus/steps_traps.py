r"""The notation traps, sampling traps and conventions of issue 10, classes 1 to 3.

Class 1 — standard notation that a naive reader misreads: a function application read as
a product (``v(s_1) + v(s_2) = v(s_1 + s_2)``), a decorated name read as a power
(``V^{\pi}(s)``, ``v_*(s)``, ``\pi^*``, ``Q^*``), an example index read as a power
(``x^{(1)} x^{(2)} = x^{(3)}``), matrices read as commuting scalars
(``A^T B^T = B^T A^T``); hats, bars and primes are names of their own.

Class 2 — claims that sampling near 0 or comparing within a tolerance calls right:
``\sigma(100) = 1``, ``\exp(10^9) = \exp(10^9) + 1``, ``\min(\max(x, -10), 10) = x``,
``\sqrt{(x - 10)^2} = 10 - x``.

Class 3 — right steps that a careless convention calls wrong: ``xy + yx = 2xy``, the real
cube root ``\sqrt[3]{x^3} = x``, probabilities that sum to one.
"""

from __future__ import annotations

import sympy as sp

from ._build import Collection
from .model import Reference, fn, lam, real

ISSUE = "refalgo issue 10"
C1, C2, C3 = (f"{ISSUE}, class {k}" for k in (1, 2, 3))
items = Collection("trap")

s, s1, s2, sp1, r, g, x, y, a1, a2, c = real("s s_1 s_2 s' r gamma x y a_1 a_2 c")
v, V, vstar, Z, pistar, Qstar, vhat, q, pi, p, vpi = (
    fn(name) for name in ("v", "V^pi", "v_*", "Z", "pi^*", "Q^*", "vhat", "q", "pi", "p", "v_pi"))
SQ = lam("s", lambda s: s**2)

# class 1: function applications, decorations, indices, matrices
items.wrong("v-additive", f"{C1} (a function application read as a product)",
            r"v(s_1) + v(s_2)", r"v(s_1 + s_2)",
            lambda: Reference(v(s1) + v(s2), v(s1 + s2), witness={"v": SQ, "s_1": 1, "s_2": 1}),
            "a value function taken as linear in the state")
items.wrong("scalar-inside", f"{C1} (a function application read as a product)",
            r"r + \gamma v(s_2)", r"r + v(\gamma s_2)",
            lambda: Reference(r + g * v(s2), r + v(g * s2), witness={"v": SQ, "r": 0, "gamma": sp.Rational(1, 2), "s_2": 2}),
            "the discount moved inside the value function")
items.wrong("V-pi-additive", f"{C1} (V^pi read as a power)",
            r"V^{\pi}(s_1) + V^{\pi}(s_2)", r"V^{\pi}(s_1 + s_2)",
            lambda: Reference(V(s1) + V(s2), V(s1 + s2), witness={"V^pi": SQ, "s_1": 1, "s_2": 1}),
            "a value function taken as linear in the state")
items.wrong("V-pi-scalar", f"{C1} (V^pi read as a power)",
            r"\gamma V^{\pi}(s)", r"V^{\pi}(\gamma s)",
            lambda: Reference(g * V(s), V(g * s), witness={"V^pi": SQ, "gamma": sp.Rational(1, 2), "s": 2}),
            "the discount moved inside the value function")
items.right("V-pi-double", f"{C1} (V^pi read as a power)",
            r"V^{\pi}(s) + V^{\pi}(s)", r"2 V^{\pi}(s)", lambda: Reference(V(s) + V(s), 2 * V(s)))
items.wrong("v-star-scalar", f"{C1} (v_* as a name)",
            r"2 v_*(s)", r"v_*(2s)", lambda: Reference(2 * vstar(s), vstar(2 * s), witness={"v_*": SQ, "s": 1}),
            "a factor moved inside the optimal value function")
items.right("v-star-factor", f"{C1} (v_* as a name)",
            r"v_*(s) - \gamma v_*(s)", r"(1 - \gamma) v_*(s)", lambda: Reference(vstar(s) - g * vstar(s), (1 - g) * vstar(s)))
items.wrong("v-pi-subscript-scalar", f"{C1} (v_pi as a name)",
            r"\gamma v_\pi(s)", r"v_\pi(\gamma s)",
            lambda: Reference(g * vpi(s), vpi(g * s), witness={"v_pi": SQ, "gamma": sp.Rational(1, 2), "s": 2}),
            "the discount moved inside the value function")
items.wrong("Z-multiplicative", f"{C1} (Z(x), the DPO partition function)",
            r"Z(x) Z(y)", r"Z(x y)", lambda: Reference(Z(x) * Z(y), Z(x * y), witness={"Z": lam("x", lambda x: x + 1), "x": 1, "y": 1}),
            "the partition function taken as multiplicative")
items.wrong("Z-log-additive", f"{C1} (Z(x), the DPO partition function)",
            r"\log Z(x) + \log Z(y)", r"\log Z(x + y)",
            lambda: Reference(sp.log(Z(x)) + sp.log(Z(y)), sp.log(Z(x + y)), witness={"Z": lam("x", lambda x: x + 1), "x": 1, "y": 1}),
            "log Z(x) Z(y) taken as log Z(x + y)", assume=["Z(x) > 0"])
items.wrong("pi-star-additive", f"{C1} (pi^* as a name)",
            r"\pi^*(a_1|s) + \pi^*(a_2|s)", r"\pi^*(a_1 + a_2|s)",
            lambda: Reference(pistar(a1, s) + pistar(a2, s), pistar(a1 + a2, s),
                              witness={"pi^*": lam("a s", lambda a, s: a**2 / 8), "a_1": 1, "a_2": 2, "s": 0}),
            "a policy taken as linear in the action")
items.wrong("Q-star-shift", f"{C1} (Q^* as a name)",
            r"Q^*(s, a) + \gamma", r"Q^*(s, a + \gamma)",
            lambda: Reference(Qstar(s, a1) + g, Qstar(s, a1 + g), witness={"Q^*": lam("s a", lambda s, a: a**2), "s": 0, "a_1": 1,
                                                                             "gamma": sp.Rational(1, 2)}),
            "a constant moved inside the action-value function")
x1, x2, x3, xx = real("x1 x2 x3 x")
items.wrong("index-product", f"{C1} (x^(i), the i-th example)",
            r"x^{(1)} x^{(2)}", r"x^{(3)}", lambda: Reference(x1 * x2, x3, witness={"x1": 1, "x2": 1, "x3": 2}),
            "example indices added as exponents")
items.wrong("index-power", f"{C1} (x^(i), the i-th example)",
            r"x^{(2)}", r"x^2", lambda: Reference(x2, xx**2, witness={"x2": 1, "x": 2}), "an example index read as a square")
items.right("index-sum", f"{C1} (x^(i), the i-th example)",
            r"x^{(1)} + x^{(1)}", r"2 x^{(1)}", lambda: Reference(x1 + x1, 2 * x1))
n = sp.Symbol("n", integer=True, positive=True)
A, B = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("B", n, n)
MW = {"n": 2, "A": [[1, 2], [0, 1]], "B": [[1, 0], [3, 1]]}
items.wrong("transpose-commute", f"{C1} (matrices read as commuting scalars)",
            r"A^T B^T", r"B^T A^T", lambda: Reference(A.T * B.T, B.T * A.T, witness=MW), "matrix products commuted",
            notation={"matrices": ("A", "B")})
items.wrong("transpose-commute-undeclared", f"{C1} (matrices read as commuting scalars; nothing declared)",
            r"A^T B^T", r"B^T A^T", lambda: Reference(A.T * B.T, B.T * A.T, witness=MW), "matrix products commuted")
items.wrong("hat-dropped", f"{C1} (a hat makes a name of its own)",
            r"\hat{v}(s)", r"v(s)", lambda: Reference(vhat(s), v(s), witness={"vhat": SQ, "v": lam("s", lambda s: s), "s": 2}),
            "the estimate equated with the true value")
items.wrong("prime-dropped", f"{C1} (a prime makes a name of its own)",
            r"v(s') - v(s)", "0", lambda: Reference(v(sp1) - v(s), sp.Integer(0), witness={"v": SQ, "s'": 1, "s": 2}),
            "the next state confused with the current one")
xbar = real("xbar")
items.wrong("bar-dropped", f"{C1} (a bar makes a name of its own)",
            r"\bar{x} - x", "0", lambda: Reference(xbar - xx, sp.Integer(0), witness={"xbar": 1, "x": 2}), "the mean confused with a sample")
PI = {"index_sets": {"a": 2}, "distributions": {"pi": "a"}}
Pn = pi(a1, s)
exp_q = Pn * q(s, a1) + (1 - Pn) * q(s, a2)
items.right("expectation-finite", f"{C1} (an expectation over a declared finite support)",
            r"\mathbb{E}_{a \sim \pi(\cdot|s)}[q(s, a)]", r"\sum_a \pi(a|s) q(s, a)",
            lambda: Reference(exp_q, Pn * q(s, a1) + (1 - Pn) * q(s, a2)), notation=PI)
items.wrong("expectation-unweighted", f"{C1} (an expectation over a declared finite support)",
            r"\mathbb{E}_{a \sim \pi(\cdot|s)}[q(s, a)]", r"\sum_a q(s, a)",
            lambda: Reference(exp_q, q(s, a1) + q(s, a2), (sp.And(Pn >= 0, Pn <= 1),),
                              witness={"pi": lam("a s", lambda a, s: sp.Rational(1, 2)), "q": lam("s a", lambda s, a: 1), "s": 0,
                                       "a_1": 1, "a_2": 2}),
            "the probabilities dropped from the expectation", notation=PI)
items.right("expectation-constant", f"{C1} (an expectation over a declared finite support)",
            r"\mathbb{E}_{a \sim \pi(\cdot|s)}[c + q(s, a)]", r"c + \mathbb{E}_{a \sim \pi(\cdot|s)}[q(s, a)]",
            lambda: Reference(Pn * (c + q(s, a1)) + (1 - Pn) * (c + q(s, a2)), c + exp_q), notation=PI)
items.right("pi-sums-to-one", f"{C1} (a declared distribution)",
            r"\sum_a \pi(a|s)", "1", lambda: Reference(Pn + (1 - Pn), sp.Integer(1)), notation=PI)
P2 = {"index_sets": {"s": ["s_1", "s_2"]}, "distributions": {"p": "s'"}}
pn = p(s1, s, a1)
items.right("transition-sums-to-one", f"{C3} (transition probabilities, sampled as distributions)",
            r"\sum_{s'} p(s'|s, a)", "1", lambda: Reference(pn + (1 - pn), sp.Integer(1)), notation=P2)
items.wrong("transition-dropped", f"{C3} (transition probabilities, sampled as distributions)",
            r"\sum_{s'} p(s'|s, a) v(s')", r"\sum_{s'} v(s')",
            lambda: Reference(pn * v(s1) + (1 - pn) * v(s2), v(s1) + v(s2), (sp.And(pn >= 0, pn <= 1),),
                              witness={"p": lam("x s a", lambda x, s, a: sp.Rational(1, 2)), "v": lam("s", lambda s: 1),
                                       "s": 0, "s_1": 1, "s_2": 2, "a_1": 0}),
            "the transition probabilities dropped", notation=P2)
pr1, pr2 = fn("pi_ref")(y, x), fn("pi_ref")(y, x)
items.right("pi-ref-spellings", f"{C1} (\\pi_{{\\text{{ref}}}}, \\pi_{{\\mathrm{{ref}}}} and \\pi_{{ref}} are one name)",
            r"\log \pi_{\text{ref}}(y|x)", r"\log \pi_{\mathrm{ref}}(y|x)", lambda: Reference(sp.log(pr1), sp.log(pr2)))
items.right("pi-ref-plain", f"{C1} (\\pi_{{\\text{{ref}}}}, \\pi_{{\\mathrm{{ref}}}} and \\pi_{{ref}} are one name)",
            r"\pi_{ref}(y|x)", r"\pi_{\text{ref}}(y|x)", lambda: Reference(pr1, pr2))
items.right("frac-shorthand", f"{C1} (\\frac12 without braces)",
            r"\frac12 x + \frac12 x", "x", lambda: Reference(x / 2 + x / 2, x))
vec = {"vectors": ("a", "b")}
av, bv = sp.MatrixSymbol("a", n, 1), sp.MatrixSymbol("b", n, 1)
items.right("hadamard-commutes", f"{C1} (\\odot, the elementwise product of Adam's g_t \\odot g_t)",
            r"a \odot b", r"b \odot a",
            lambda: Reference(sp.hadamard_product(av, bv), sp.hadamard_product(bv, av),
                              instances=({"n": 3, "a": [[1], [-2], [3]], "b": [[2], [5], [-1]]},
                                         {"n": 2, "a": [[sp.Symbol("u_1")], [sp.Symbol("u_2")]], "b": [[sp.Symbol("w_1")], [sp.Symbol("w_2")]]})),
            notation=vec)

th, a_ = real("theta a")
pth = fn("pi_theta", positive=True)
items.wrong("pi-theta-gradient", f"{C1} (pi_theta depends on theta: the gradient of the policy)",
            r"\nabla_\theta \pi_\theta(a|s)", r"\nabla_\theta \log \pi_\theta(a|s)",
            lambda: Reference(sp.diff(pth(a_, s, th), th), sp.diff(sp.log(pth(a_, s, th)), th),
                              witness={"pi_theta": lam("a s theta", lambda a, s, t: t / 2), "a": 0, "s": 0, "theta": 1}),
            "the factor pi_theta(a|s) dropped from the log-derivative trick")
items.right("pi-theta-log-derivative", f"{C1} (pi_theta depends on theta: the gradient of the policy)",
            r"\nabla_\theta \pi_\theta(a|s)", r"\pi_\theta(a|s) \nabla_\theta \log \pi_\theta(a|s)",
            lambda: Reference(sp.diff(pth(a_, s, th), th), pth(a_, s, th) * sp.diff(sp.log(pth(a_, s, th)), th)))

# class 2: sampling and tolerance traps
items.wrong("sigmoid-100", f"{C2} (a tolerance calls it equal)",
            r"\sigma(100)", "1", lambda: Reference(1 / (1 + sp.exp(-100)), sp.Integer(1), witness={}), "sigma(100) is 1 - 3.7e-44, not 1")
items.wrong("exp-huge-plus-one", f"{C2} (a tolerance calls it equal)",
            r"\exp(10^{9})", r"\exp(10^{9}) + 1", lambda: Reference(sp.exp(10**9), sp.exp(10**9) + 1, witness={}),
            "a relative tolerance hides the +1")
items.wrong("tiny-constant", f"{C2} (a tolerance calls it equal)",
            r"x + 10^{-30}", "x", lambda: Reference(xx + sp.Rational(1, 10**30), xx, witness={"x": 0}), "a tiny constant dropped")
items.wrong("exp-minus-50", f"{C2} (a tolerance calls it equal)",
            r"e^{-50}", "0", lambda: Reference(sp.exp(-50), sp.Integer(0), witness={}), "a tiny positive number taken as 0")
items.wrong("clip-is-identity", f"{C2} (samples only near 0)",
            r"\min(\max(x, -10), 10)", "x", lambda: Reference(sp.Min(sp.Max(xx, -10), 10), xx, witness={"x": 11}),
            "clipping is the identity only on [-10, 10]")
items.wrong("sqrt-square-shifted", f"{C2} (samples only near 0)",
            r"\sqrt{(x - 10)^2}", r"10 - x", lambda: Reference(sp.sqrt((xx - 10) ** 2), 10 - xx, witness={"x": 11}),
            "sqrt(u^2) = -u holds only for u <= 0")
items.right("sqrt-square-abs", f"{C2} (samples only near 0)",
            r"\sqrt{(x - 10)^2}", r"|x - 10|", lambda: Reference(sp.sqrt((xx - 10) ** 2), sp.Abs(xx - 10)))
items.wrong("max-large-constant", f"{C2} (samples only near 0)",
            r"\max(x, 10^{6})", r"10^{6}", lambda: Reference(sp.Max(xx, 10**6), sp.Integer(10**6), witness={"x": 10**7}),
            "the max is the constant only for x <= 10^6")
items.wrong("sine-integers", f"{C2} (samples only at integers)",
            r"\sin(10^{6} \pi x)", "0",
            lambda: Reference(sp.sin(10**6 * sp.pi * xx), sp.Integer(0), witness={"x": sp.Rational(1, 2 * 10**6)}),
            "zero only at multiples of 10^-6")
items.right("removable-singularity", f"{C2} (a cancelled factor)",
            r"\frac{x^2 - 1}{x - 1}", r"x + 1", lambda: Reference((xx**2 - 1) / (xx - 1), xx + 1), assume=[r"x \neq 1"])

# class 3: conventions
POSITIVE = sp.Symbol("u", positive=True)
SIGNS = ({"x": POSITIVE}, {"x": -POSITIVE}, {"x": 0})  # a proof by the sign of x
items.right("juxtaposition-commutes", f"{C3} (one reading for both sides)",
            r"xy + yx", r"2xy", lambda: Reference(x * y + y * x, 2 * x * y))
items.right("real-cube-root", f"{C3} (the real cube root)",
            r"\sqrt[3]{x^3}", "x", lambda: Reference(sp.real_root(xx**3, 3), xx, instances=SIGNS))
items.right("real-cube-root-number", f"{C3} (the real cube root)",
            r"\sqrt[3]{-8}", "-2", lambda: Reference(sp.real_root(-8, 3), sp.Integer(-2)))
items.wrong("sqrt-square", f"{C3} (the principal square root)",
            r"\sqrt{x^2}", "x", lambda: Reference(sp.sqrt(xx**2), xx, witness={"x": -1}), "sqrt(x^2) = |x|, not x")
items.right("sqrt-square-positive", f"{C3} (the principal square root)",
            r"\sqrt{x^2}", "x", lambda: Reference(sp.sqrt(sp.Symbol("x", positive=True) ** 2), sp.Symbol("x", positive=True)),
            assume=["x > 0"])
items.right("log-product-positive", f"{C3} (logarithms of positive numbers)",
            r"\log(x y)", r"\log x + \log y",
            lambda: Reference(sp.log(sp.Symbol("x", positive=True) * sp.Symbol("y", positive=True)),
                              sp.log(sp.Symbol("x", positive=True)) + sp.log(sp.Symbol("y", positive=True))),
            assume=["x > 0", "y > 0"])

ITEMS = list(items)
