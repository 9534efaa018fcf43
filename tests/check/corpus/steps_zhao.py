r"""Steps from Shiyu Zhao, *Mathematical Foundations of Reinforcement Learning* (lecture notes and book, 2023).

State values and the Bellman equation, elementwise and in matrix form
$v_\pi = r_\pi + \gamma P_\pi v_\pi$ with its solution $(I - \gamma P_\pi)^{-1} r_\pi$
(chapter 2); the Bellman optimality equation and the contraction argument (chapter 3);
stochastic approximation and mean estimation (chapter 6); TD learning, Sarsa and
Q-learning (chapter 7); value-function approximation and its projected Bellman equation
(chapter 8); actor-critic with a baseline, importance sampling and the deterministic policy
gradient (chapter 10).

Matrices and vectors are checked exactly with explicit integer matrices drawn from a fixed
seed (`_matrices`), the shapes following the declarations (``n`` states, ``m`` features).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ._build import Collection
from .model import Reference, fn, lam, orderings, real

ZH = "Zhao, Mathematical Foundations of RL"
items = Collection("zh")

g, c = real("gamma c")
s, sp1, s1, s2, a1, a2, theta, x_, w_ = real("s s' s_1 s_2 a_1 a_2 theta x w")
pi, p, v, q, u, d, phi, mu = (fn(name) for name in ("pi", "p", "v_pi", "q", "u", "d_pi", "phi", "mu"))
n_, m_ = sp.symbols("n m", integer=True, positive=True)
Pm = sp.MatrixSymbol("P_pi", n_, n_)
vpi, vk, rpi = (sp.MatrixSymbol(name, n_, 1) for name in ("v_pi", "v_k", "r_pi"))
I = sp.Identity(n_)
MAT = {"matrices": ("P_pi",), "vectors": ("v_pi", "v_k", "r_pi")}
A2 = {"a": 2}
THIRD = sp.Rational(1, 3)


def _matrices(seed: int, shapes: dict[str, tuple[int, int]], invertible: str = "", count: int = 3) -> tuple[dict, ...]:
    """``count`` substitutions of random integer matrices (entries -3..3) of the given shapes.

    ``invertible`` names a matrix M such that I - M/3 must be invertible (redrawn until it is).
    """
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < count:
        case: dict = {name: rng.integers(-3, 4, size=shape).tolist() for name, shape in shapes.items()}
        if invertible and (sp.eye(len(case[invertible])) - THIRD * sp.Matrix(case[invertible])).det() == 0:
            continue
        out.append(case)
    return tuple(out)


def _n3(cases: tuple[dict, ...], **extra: object) -> tuple[dict, ...]:
    return tuple(case | {"n": 3, "gamma": THIRD} | extra for case in cases)


# chapter 2: the Bellman equation, elementwise (2.7) and in matrix form (2.9-2.11)
REWARDS = (-1, 0, 1)
STATES = (s1, s2)
ACTIONS = (a1, a2)


def _bellman(next_value: object = None, weights: bool = True) -> sp.Expr:
    total = 0
    for a in ACTIONS:
        immediate = sum(p(rv, s, a) * rv for rv in REWARDS)
        future = sum((p(sv, s, a) if weights else 1) * (v(sv) if next_value is None else next_value) for sv in STATES)
        total += (pi(a, s) if weights else 1) * immediate + g * (pi(a, s) if weights else 1) * future
    return total


BELLMAN_DECL = {"index_sets": {"a": 2, "s": ["s_1", "s_2"], "r": [-1, 0, 1]}, "scalars": ("r",)}
BELLMAN_LHS = r"\sum_a \pi(a|s) \left[\sum_r p(r|s,a) r + \gamma \sum_{s'} p(s'|s,a) v_\pi(s')\right]"
items.right("2.7-bellman-linear", f"{ZH}, ch. 2, eq. 2.7",
            BELLMAN_LHS,
            r"\sum_a \pi(a|s) \sum_r p(r|s,a) r + \gamma \sum_a \pi(a|s) \sum_{s'} p(s'|s,a) v_\pi(s')",
            lambda: Reference(_bellman(), _bellman()), notation=BELLMAN_DECL)
BW = {"pi": lam("a s", lambda a, s: sp.Rational(1, 2)), "p": lam("x s a", lambda x, s, a: sp.Rational(1, 3)),
      "v_pi": lam("s", lambda s: s), "s": 0, "s_1": 1, "s_2": 2, "a_1": 1, "a_2": 2, "gamma": sp.Rational(1, 2)}
items.wrong("2.7-bellman-dropped-weights", f"{ZH}, ch. 2, eq. 2.7",
            BELLMAN_LHS,
            r"\sum_a \pi(a|s) \sum_r p(r|s,a) r + \gamma \sum_{s'} v_\pi(s')",
            lambda: Reference(_bellman(), sum(pi(a, s) * sum(p(rv, s, a) * rv for rv in REWARDS) for a in ACTIONS)
                              + g * sum(v(sv) for sv in STATES), witness=BW),
            "the policy and transition weights dropped from the future value", notation=BELLMAN_DECL)
items.wrong("2.7-bellman-wrong-state", f"{ZH}, ch. 2, eq. 2.7",
            BELLMAN_LHS,
            r"\sum_a \pi(a|s) \left[\sum_r p(r|s,a) r + \gamma \sum_{s'} p(s'|s,a) v_\pi(s)\right]",
            lambda: Reference(_bellman(), _bellman(next_value=v(s)), witness=BW),
            "v_pi(s) written for v_pi(s'): the sum runs over the next state", notation=BELLMAN_DECL)

CASES = _n3(_matrices(1, {"P_pi": (3, 3), "v_pi": (3, 1), "v_k": (3, 1), "r_pi": (3, 1)}, invertible="P_pi"))
WIT = CASES[0]
items.right("2.9-matrix-factor", f"{ZH}, ch. 2, eq. 2.9",
            r"v_\pi - \gamma P_\pi v_\pi", r"(I - \gamma P_\pi) v_\pi",
            lambda: Reference(vpi - g * Pm * vpi, (I - g * Pm) * vpi, instances=CASES), notation=MAT)
items.wrong("2.9-matrix-factor-sign", f"{ZH}, ch. 2, eq. 2.9",
            r"v_\pi - \gamma P_\pi v_\pi", r"(I + \gamma P_\pi) v_\pi",
            lambda: Reference(vpi - g * Pm * vpi, (I + g * Pm) * vpi, witness=WIT), "sign error", notation=MAT)
items.right("2.11-solution", f"{ZH}, ch. 2, eq. 2.11",
            r"(I - \gamma P_\pi)^{-1} (I - \gamma P_\pi) v_\pi", r"v_\pi",
            lambda: Reference((I - g * Pm).inverse() * (I - g * Pm) * vpi, vpi, instances=CASES), notation=MAT)
items.right("2.11-solution-check", f"{ZH}, ch. 2, eq. 2.11",
            r"(I - \gamma P_\pi)(I - \gamma P_\pi)^{-1} r_\pi", r"r_\pi",
            lambda: Reference((I - g * Pm) * (I - g * Pm).inverse() * rpi, rpi, instances=CASES), notation=MAT)
items.wrong("2.11-solution-truncated", f"{ZH}, ch. 2, eq. 2.11",
            r"(I - \gamma P_\pi)^{-1} r_\pi", r"r_\pi + \gamma P_\pi r_\pi",
            lambda: Reference((I - g * Pm).inverse() * rpi, rpi + g * Pm * rpi, witness=WIT),
            "the Neumann series cut after two terms and written as an equality", notation=MAT)
items.wrong("2.11-solution-scalar", f"{ZH}, ch. 2, eq. 2.11",
            r"(I - \gamma P_\pi)^{-1} r_\pi", r"\frac{1}{1 - \gamma} r_\pi",
            lambda: Reference((I - g * Pm).inverse() * rpi, rpi / (1 - g), witness=WIT),
            "the matrix P_pi treated as the number 1", notation=MAT)
neumann = (I - g * Pm) * (I + g * Pm + g**2 * Pm**2)
items.right("2.11-neumann", f"{ZH}, ch. 2, eq. 2.11 (the series for the inverse)",
            r"(I - \gamma P_\pi)(I + \gamma P_\pi + \gamma^2 P_\pi^2)", r"I - \gamma^3 P_\pi^3",
            lambda: Reference(neumann, I - g**3 * Pm**3, instances=CASES), notation=MAT)
items.wrong("2.11-neumann-power", f"{ZH}, ch. 2, eq. 2.11 (the series for the inverse)",
            r"(I - \gamma P_\pi)(I + \gamma P_\pi + \gamma^2 P_\pi^2)", r"I - \gamma^3 P_\pi^2",
            lambda: Reference(neumann, I - g**3 * Pm**2, witness=WIT), "wrong power of P_pi", notation=MAT)
items.wrong("2.11-neumann-sign", f"{ZH}, ch. 2, eq. 2.11 (the series for the inverse)",
            r"(I - \gamma P_\pi)(I + \gamma P_\pi + \gamma^2 P_\pi^2)", r"I + \gamma^3 P_\pi^3",
            lambda: Reference(neumann, I + g**3 * Pm**3, witness=WIT), "sign error", notation=MAT)
iterate = (rpi + g * Pm * vk) - (rpi + g * Pm * vpi)
items.right("2.iterative-error", f"{ZH}, ch. 2, §2.7.2 (iterative solution)",
            r"(r_\pi + \gamma P_\pi v_k) - (r_\pi + \gamma P_\pi v_\pi)", r"\gamma P_\pi (v_k - v_\pi)",
            lambda: Reference(iterate, g * Pm * (vk - vpi), instances=CASES), notation=MAT)
items.wrong("2.iterative-error-sign", f"{ZH}, ch. 2, §2.7.2 (iterative solution)",
            r"(r_\pi + \gamma P_\pi v_k) - (r_\pi + \gamma P_\pi v_\pi)", r"\gamma P_\pi (v_k + v_\pi)",
            lambda: Reference(iterate, g * Pm * (vk + vpi), witness=WIT), "sign error", notation=MAT)
items.wrong("2.iterative-error-distribution", f"{ZH}, ch. 2, §2.7.2 (iterative solution)",
            r"(r_\pi + \gamma P_\pi v_k) - (r_\pi + \gamma P_\pi v_\pi)", r"\gamma (P_\pi v_k - v_\pi)",
            lambda: Reference(iterate, g * (Pm * vk - vpi), witness=WIT),
            "P_pi distributed over one term only", notation=MAT)
E2 = sp.eye(2)
P01 = sp.Matrix([[0, 1], [0, 1]])
items.right("2.example-matrix", f"{ZH}, ch. 2, the two-state example in matrix form",
            r"\begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix} - \gamma \begin{pmatrix} 0 & 1 \\ 0 & 1 \end{pmatrix}",
            r"\begin{pmatrix} 1 & -\gamma \\ 0 & 1 - \gamma \end{pmatrix}",
            lambda: Reference(E2 - g * P01, sp.Matrix([[1, -g], [0, 1 - g]])))
items.wrong("2.example-matrix-diagonal", f"{ZH}, ch. 2, the two-state example in matrix form",
            r"\begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix} - \gamma \begin{pmatrix} 0 & 1 \\ 0 & 1 \end{pmatrix}",
            r"\begin{pmatrix} 1 - \gamma & -\gamma \\ 0 & 1 - \gamma \end{pmatrix}",
            lambda: Reference(E2 - g * P01, sp.Matrix([[1 - g, -g], [0, 1 - g]]), witness={"gamma": sp.Rational(1, 2)}),
            "gamma subtracted on the whole diagonal")
M09 = sp.Matrix([[1, sp.Rational(-9, 10)], [0, sp.Rational(1, 10)]])
items.right("2.example-solve", f"{ZH}, ch. 2, the two-state example solved (gamma = 0.9)",
            r"\begin{pmatrix} 1 & -0.9 \\ 0 & 0.1 \end{pmatrix}^{-1} \begin{pmatrix} 0 \\ 1 \end{pmatrix}",
            r"\begin{pmatrix} 9 \\ 10 \end{pmatrix}",
            lambda: Reference(M09.inv() * sp.Matrix([0, 1]), sp.Matrix([9, 10])))
items.wrong("2.example-solve-value", f"{ZH}, ch. 2, the two-state example solved (gamma = 0.9)",
            r"\begin{pmatrix} 1 & -0.9 \\ 0 & 0.1 \end{pmatrix}^{-1} \begin{pmatrix} 0 \\ 1 \end{pmatrix}",
            r"\begin{pmatrix} 10 \\ 10 \end{pmatrix}",
            lambda: Reference(M09.inv() * sp.Matrix([0, 1]), sp.Matrix([10, 10]), witness={}),
            "the first state's value not discounted")
GAMMA_RANGE = [r"0 < \gamma < 1"]
items.right("2.example-value", f"{ZH}, ch. 2, Example 2.3 (the state that moves to an absorbing state)",
            r"1 + \gamma \frac{1}{1 - \gamma}", r"\frac{1}{1 - \gamma}",
            lambda: Reference(1 + g / (1 - g), 1 / (1 - g)), assume=GAMMA_RANGE)
items.wrong("2.example-value-numerator", f"{ZH}, ch. 2, Example 2.3 (the state that moves to an absorbing state)",
            r"1 + \gamma \frac{1}{1 - \gamma}", r"\frac{1 + \gamma}{1 - \gamma}",
            lambda: Reference(1 + g / (1 - g), (1 + g) / (1 - g), (g > 0, g < 1), witness={"gamma": sp.Rational(1, 2)}),
            "the 1 not brought to the common denominator", assume=GAMMA_RANGE)
items.right("2.example-number", f"{ZH}, ch. 2, Example 2.3 with gamma = 0.9",
            r"\frac{0.9}{1 - 0.9}", "9", lambda: Reference(sp.Rational(9, 10) / (1 - sp.Rational(9, 10)), sp.Integer(9)))
items.wrong("2.example-number-10", f"{ZH}, ch. 2, Example 2.3 with gamma = 0.9",
            r"\frac{0.9}{1 - 0.9}", "10",
            lambda: Reference(sp.Rational(9, 10) / (1 - sp.Rational(9, 10)), sp.Integer(10), witness={}),
            "the value of the absorbing state, not of its predecessor")
items.right("2.example-assumed-gamma", f"{ZH}, ch. 2, Example 2.3 with gamma = 0.9 as an assumption",
            r"\frac{1}{1 - \gamma}", "10",
            lambda: Reference(1 / (1 - g), sp.Integer(10), instances=({"gamma": sp.Rational(9, 10)},)),
            assume=[r"\gamma = 0.9"])
items.wrong("2.example-assumed-gamma-9", f"{ZH}, ch. 2, Example 2.3 with gamma = 0.9 as an assumption",
            r"\frac{1}{1 - \gamma}", "9",
            lambda: Reference(1 / (1 - g), sp.Integer(9), (sp.Eq(g, sp.Rational(9, 10)),), witness={"gamma": sp.Rational(9, 10)}),
            "off by one in the geometric sum", assume=[r"\gamma = 0.9"])

# chapter 3: the Bellman optimality equation; the contraction argument
ORDERS = orderings("q")
items.right("3.max-shift", f"{ZH}, ch. 3, proof of Theorem 3.2 (the contraction)",
            r"\max_a (c + q(s, a))", r"c + \max_a q(s, a)",
            lambda: Reference(sp.Max(c + q(s, a1), c + q(s, a2)), c + sp.Max(q(s, a1), q(s, a2)), instances=ORDERS),
            notation={"index_sets": A2})
items.wrong("3.max-difference", f"{ZH}, ch. 3, proof of Theorem 3.2 (the contraction)",
            r"\max_a (q(s, a) - u(s, a))", r"\max_a q(s, a) - \max_a u(s, a)",
            lambda: Reference(sp.Max(q(s, a1) - u(s, a1), q(s, a2) - u(s, a2)), sp.Max(q(s, a1), q(s, a2)) - sp.Max(u(s, a1), u(s, a2)),
                              witness={"q": lam("s a", lambda s, a: a), "u": lam("s a", lambda s, a: -a), "s": 0, "a_1": 1, "a_2": 2}),
            "the max of a difference taken as the difference of the maxima",
            notation={"index_sets": A2, "functions": ("u",)})
P_swap = sp.Matrix([[0, 1], [1, 0]])
items.right("3.contraction-example", f"{ZH}, ch. 3, the contraction property with gamma = 0.9",
            r"\left\| 0.9 \begin{pmatrix} 0 & 1 \\ 1 & 0 \end{pmatrix} \begin{pmatrix} 1 \\ -2 \end{pmatrix} \right\|_\infty", "1.8",
            lambda: Reference(sp.Max(*[abs(e) for e in sp.Rational(9, 10) * P_swap * sp.Matrix([1, -2])]), sp.Rational(9, 5)))
items.wrong("3.contraction-example-entry", f"{ZH}, ch. 3, the contraction property with gamma = 0.9",
            r"\left\| 0.9 \begin{pmatrix} 0 & 1 \\ 1 & 0 \end{pmatrix} \begin{pmatrix} 1 \\ -2 \end{pmatrix} \right\|_\infty", "0.9",
            lambda: Reference(sp.Max(*[abs(e) for e in sp.Rational(9, 10) * P_swap * sp.Matrix([1, -2])]), sp.Rational(9, 10),
                              witness={}),
            "the first entry's magnitude taken for the max-norm")

# chapter 4: value iteration and policy iteration on numbers (gamma = 0.9)
Q09 = sp.Rational(9, 10)
items.right("4.value-iteration-step", f"{ZH}, ch. 4, §4.1 (one value-iteration update, two actions)",
            r"\max(0 + 0.9 \cdot 1, -1 + 0.9 \cdot 2)", "0.9",
            lambda: Reference(sp.Max(0 + Q09 * 1, -1 + Q09 * 2), Q09))
items.wrong("4.value-iteration-step-other", f"{ZH}, ch. 4, §4.1 (one value-iteration update, two actions)",
            r"\max(0 + 0.9 \cdot 1, -1 + 0.9 \cdot 2)", "0.8",
            lambda: Reference(sp.Max(0 + Q09 * 1, -1 + Q09 * 2), sp.Rational(4, 5), witness={}),
            "the q-value of the other action taken as the max")
items.right("4.policy-evaluation", f"{ZH}, ch. 4, §4.2 (policy evaluation solves v = r + gamma P v)",
            r"\begin{pmatrix} 1 & 0 \\ -0.9 & 1 \end{pmatrix}^{-1} \begin{pmatrix} 1 \\ 0 \end{pmatrix}",
            r"\begin{pmatrix} 1 \\ 0.9 \end{pmatrix}",
            lambda: Reference(sp.Matrix([[1, 0], [-Q09, 1]]).inv() * sp.Matrix([1, 0]), sp.Matrix([1, Q09])))
items.wrong("4.policy-evaluation-sign", f"{ZH}, ch. 4, §4.2 (policy evaluation solves v = r + gamma P v)",
            r"\begin{pmatrix} 1 & 0 \\ -0.9 & 1 \end{pmatrix}^{-1} \begin{pmatrix} 1 \\ 0 \end{pmatrix}",
            r"\begin{pmatrix} 1 \\ -0.9 \end{pmatrix}",
            lambda: Reference(sp.Matrix([[1, 0], [-Q09, 1]]).inv() * sp.Matrix([1, 0]), sp.Matrix([1, -Q09]), witness={}),
            "the inverse taken entry by entry")

# chapter 6: stochastic approximation, mean estimation
wk, xk = real("w_k x_k")
kk = sp.Symbol("k", integer=True, positive=True)
items.right("6.mean-estimation", f"{ZH}, ch. 6, §6.1 (incremental mean)",
            r"w_k - \frac{1}{k}(w_k - x_k)", r"\frac{k-1}{k} w_k + \frac{1}{k} x_k",
            lambda: Reference(wk - (wk - xk) / kk, (kk - 1) / kk * wk + xk / kk))
items.wrong("6.mean-estimation-weight", f"{ZH}, ch. 6, §6.1 (incremental mean)",
            r"w_k - \frac{1}{k}(w_k - x_k)", r"\frac{k-1}{k} w_k + x_k",
            lambda: Reference(wk - (wk - xk) / kk, (kk - 1) / kk * wk + xk, witness={"k": 2, "w_k": 0, "x_k": 1}),
            "the step size 1/k dropped from the new sample")
items.right("6.sgd-mean", f"{ZH}, ch. 6, §6.4 (mean estimation as SGD)",
            r"\frac{d}{dw} \frac{1}{2}(w - x)^2", r"w - x",
            lambda: Reference(sp.diff((w_ - x_) ** 2 / 2, w_), w_ - x_))
items.wrong("6.sgd-mean-sign", f"{ZH}, ch. 6, §6.4 (mean estimation as SGD)",
            r"\frac{d}{dw} \frac{1}{2}(w - x)^2", r"x - w",
            lambda: Reference(sp.diff((w_ - x_) ** 2 / 2, w_), x_ - w_, witness={"w": 1, "x": 0}), "sign error")
kpos = sp.Symbol("k", integer=True, positive=True)
items.right("6.robbins-monro-sum", f"{ZH}, ch. 6, §6.2 (the Robbins-Monro conditions for a_k = 1/k)",
            r"\sum_{k=1}^{\infty} \frac{1}{k^2}", r"\frac{\pi^2}{6}",
            lambda: Reference(sp.Sum(1 / kpos**2, (kpos, 1, sp.oo)), sp.pi**2 / 6))

# chapter 7: TD learning (7.1), Sarsa (7.12), Q-learning (7.18)
vt, at = fn("v_t"), fn("alpha_t")
st, st1, r1 = real("s_t s_t1 r_t1")
td = vt(st) - at(st) * (vt(st) - (r1 + g * vt(st1)))
TDDECL = {"functions": ("alpha_t",)}
items.right("7.1-td", f"{ZH}, ch. 7, eq. 7.1",
            r"v_t(s_t) - \alpha_t(s_t) [v_t(s_t) - (r_{t+1} + \gamma v_t(s_{t+1}))]",
            r"v_t(s_t) + \alpha_t(s_t) [r_{t+1} + \gamma v_t(s_{t+1}) - v_t(s_t)]",
            lambda: Reference(td, vt(st) + at(st) * (r1 + g * vt(st1) - vt(st))), notation=TDDECL)
items.wrong("7.1-td-sign", f"{ZH}, ch. 7, eq. 7.1",
            r"v_t(s_t) - \alpha_t(s_t) [v_t(s_t) - (r_{t+1} + \gamma v_t(s_{t+1}))]",
            r"v_t(s_t) + \alpha_t(s_t) [r_{t+1} + \gamma v_t(s_{t+1}) + v_t(s_t)]",
            lambda: Reference(td, vt(st) + at(st) * (r1 + g * vt(st1) + vt(st)),
                              witness={"v_t": lam("s", lambda s: 1), "alpha_t": lam("s", lambda s: sp.Rational(1, 2)),
                                       "s_t": 0, "s_t1": 1, "r_t1": 0, "gamma": sp.Rational(1, 2)}),
            "sign error when the bracket is negated", notation=TDDECL)
V, rr = fn("v"), real("r")
items.right("7.td-error-prime", f"{ZH}, ch. 7, eq. 7.3 (the TD error)",
            r"r + \gamma v(s') - v(s)", r"-(v(s) - (r + \gamma v(s')))",
            lambda: Reference(rr + g * V(sp1) - V(s), -(V(s) - (rr + g * V(sp1)))))
items.wrong("7.td-error-prime-sign", f"{ZH}, ch. 7, eq. 7.3 (the TD error)",
            r"r + \gamma v(s') - v(s)", r"v(s) - (r + \gamma v(s'))",
            lambda: Reference(rr + g * V(sp1) - V(s), V(s) - (rr + g * V(sp1)),
                              witness={"v": lam("s", lambda s: s), "s": 0, "s'": 1, "r": 0, "gamma": sp.Rational(1, 2)}),
            "the negation dropped")
qt, at2 = fn("q_t"), fn("alpha_t")
at_, at1 = real("a_t a_t1")
sarsa = qt(st, at_) - at2(st, at_) * (qt(st, at_) - (r1 + g * qt(st1, at1)))
items.right("7.12-sarsa", f"{ZH}, ch. 7, eq. 7.12",
            r"q_t(s_t, a_t) - \alpha_t(s_t, a_t)[q_t(s_t, a_t) - (r_{t+1} + \gamma q_t(s_{t+1}, a_{t+1}))]",
            r"(1 - \alpha_t(s_t, a_t)) q_t(s_t, a_t) + \alpha_t(s_t, a_t)(r_{t+1} + \gamma q_t(s_{t+1}, a_{t+1}))",
            lambda: Reference(sarsa, (1 - at2(st, at_)) * qt(st, at_) + at2(st, at_) * (r1 + g * qt(st1, at1))), notation=TDDECL)
items.wrong("7.12-sarsa-dropped-alpha", f"{ZH}, ch. 7, eq. 7.12",
            r"q_t(s_t, a_t) - \alpha_t(s_t, a_t)[q_t(s_t, a_t) - (r_{t+1} + \gamma q_t(s_{t+1}, a_{t+1}))]",
            r"(1 - \alpha_t(s_t, a_t)) q_t(s_t, a_t) + \alpha_t(s_t, a_t) r_{t+1} + \gamma q_t(s_{t+1}, a_{t+1})",
            lambda: Reference(sarsa, (1 - at2(st, at_)) * qt(st, at_) + at2(st, at_) * r1 + g * qt(st1, at1),
                              witness={"q_t": lam("s a", lambda s, a: 1), "alpha_t": lam("s a", lambda s, a: sp.Rational(1, 2)),
                                       "s_t": 0, "a_t": 0, "s_t1": 1, "a_t1": 1, "r_t1": 0, "gamma": sp.Rational(1, 2)}),
            "the step size dropped from the bootstrap term", notation=TDDECL)
qmax = sp.Max(qt(st1, a1), qt(st1, a2))
qlearn = qt(st, at_) - at2(st, at_) * (qt(st, at_) - (r1 + g * qmax))
QDECL = TDDECL | {"index_sets": A2}
items.right("7.18-q-learning", f"{ZH}, ch. 7, eq. 7.18",
            r"q_t(s_t, a_t) - \alpha_t(s_t, a_t)[q_t(s_t, a_t) - (r_{t+1} + \gamma \max_{a \in \mathcal{A}} q_t(s_{t+1}, a))]",
            r"(1 - \alpha_t(s_t, a_t)) q_t(s_t, a_t) + \alpha_t(s_t, a_t)(r_{t+1} + \gamma \max_{a \in \mathcal{A}} q_t(s_{t+1}, a))",
            lambda: Reference(qlearn, (1 - at2(st, at_)) * qt(st, at_) + at2(st, at_) * (r1 + g * qmax)), notation=QDECL)
items.wrong("7.18-q-learning-dropped-alpha", f"{ZH}, ch. 7, eq. 7.18",
            r"q_t(s_t, a_t) - \alpha_t(s_t, a_t)[q_t(s_t, a_t) - (r_{t+1} + \gamma \max_{a \in \mathcal{A}} q_t(s_{t+1}, a))]",
            r"(1 - \alpha_t(s_t, a_t)) q_t(s_t, a_t) + \alpha_t(s_t, a_t) r_{t+1} + \gamma \max_{a \in \mathcal{A}} q_t(s_{t+1}, a)",
            lambda: Reference(qlearn, (1 - at2(st, at_)) * qt(st, at_) + at2(st, at_) * r1 + g * qmax,
                              witness={"q_t": lam("s a", lambda s, a: a), "alpha_t": lam("s a", lambda s, a: sp.Rational(1, 2)),
                                       "s_t": 0, "a_t": 0, "s_t1": 1, "a_1": 1, "a_2": 2, "r_t1": 0, "gamma": sp.Rational(1, 2)}),
            "the step size dropped from the bootstrap term", notation=QDECL)

# chapter 8: value-function approximation (8.3, 8.13) and the projected Bellman equation (8.36-8.37)
S2 = (s1, s2)
objective = sum(d(sv) * (v(sv) - phi(sv) * w_) ** 2 for sv in S2)
VFA = {"index_sets": {"s": ["s_1", "s_2"]}, "functions": ("d_pi",)}
VW = {"d_pi": lam("s", lambda s: 1), "v_pi": lam("s", lambda s: 1), "phi": lam("s", lambda s: 1), "s_1": 1, "s_2": 2, "w": 0}
items.right("8.gradient", f"{ZH}, ch. 8, eq. 8.13 (one weight, two states)",
            r"\frac{\partial}{\partial w} \sum_s d_\pi(s) (v_\pi(s) - \phi(s) w)^2",
            r"-2 \sum_s d_\pi(s) (v_\pi(s) - \phi(s) w) \phi(s)",
            lambda: Reference(sp.diff(objective, w_), -2 * sum(d(sv) * (v(sv) - phi(sv) * w_) * phi(sv) for sv in S2)), notation=VFA)
items.wrong("8.gradient-factor", f"{ZH}, ch. 8, eq. 8.13 (one weight, two states)",
            r"\frac{\partial}{\partial w} \sum_s d_\pi(s) (v_\pi(s) - \phi(s) w)^2",
            r"-\sum_s d_\pi(s) (v_\pi(s) - \phi(s) w) \phi(s)",
            lambda: Reference(sp.diff(objective, w_), -sum(d(sv) * (v(sv) - phi(sv) * w_) * phi(sv) for sv in S2), witness=VW),
            "the factor 2 of the square dropped", notation=VFA)
items.wrong("8.gradient-sign", f"{ZH}, ch. 8, eq. 8.13 (one weight, two states)",
            r"\frac{\partial}{\partial w} \sum_s d_\pi(s) (v_\pi(s) - \phi(s) w)^2",
            r"2 \sum_s d_\pi(s) (v_\pi(s) - \phi(s) w) \phi(s)",
            lambda: Reference(sp.diff(objective, w_), 2 * sum(d(sv) * (v(sv) - phi(sv) * w_) * phi(sv) for sv in S2), witness=VW),
            "the inner derivative's minus sign dropped", notation=VFA)
Phi, D = sp.MatrixSymbol("Phi", n_, m_), sp.MatrixSymbol("D", n_, n_)
wv = sp.MatrixSymbol("w", m_, 1)
PROJ = {"matrices": {"Phi": ("n", "m"), "D": ("n", "n"), "P_pi": ("n", "n")}, "vectors": {"w": "m", "r_pi": "n"}}
PCASES = tuple(case | {"n": 3, "m": 2, "gamma": THIRD}
               for case in _matrices(2, {"Phi": (3, 2), "D": (3, 3), "P_pi": (3, 3), "w": (2, 1), "r_pi": (3, 1)}))
A_op = Phi.T * D * (I - g * Pm) * Phi * wv
items.right("8.projected-A", f"{ZH}, ch. 8, eq. 8.37 (A = Phi^T D (I - gamma P_pi) Phi)",
            r"\Phi^T D (I - \gamma P_\pi) \Phi w", r"\Phi^T D \Phi w - \gamma \Phi^T D P_\pi \Phi w",
            lambda: Reference(A_op, Phi.T * D * Phi * wv - g * Phi.T * D * Pm * Phi * wv, instances=PCASES), notation=PROJ)
items.wrong("8.projected-A-order", f"{ZH}, ch. 8, eq. 8.37 (A = Phi^T D (I - gamma P_pi) Phi)",
            r"\Phi^T D (I - \gamma P_\pi) \Phi w", r"\Phi^T D \Phi w - \gamma \Phi^T P_\pi D \Phi w",
            lambda: Reference(A_op, Phi.T * D * Phi * wv - g * Phi.T * Pm * D * Phi * wv, witness=PCASES[0]),
            "D and P_pi commuted", notation=PROJ)
lstd = Phi.T * D * (rpi + g * Pm * Phi * wv - Phi * wv)
items.right("8.projected-b-minus-Aw", f"{ZH}, ch. 8, eq. 8.36 (b - A w)",
            r"\Phi^T D (r_\pi + \gamma P_\pi \Phi w - \Phi w)", r"\Phi^T D r_\pi - \Phi^T D (I - \gamma P_\pi) \Phi w",
            lambda: Reference(lstd, Phi.T * D * rpi - Phi.T * D * (I - g * Pm) * Phi * wv, instances=PCASES), notation=PROJ)
items.wrong("8.projected-b-minus-Aw-sign", f"{ZH}, ch. 8, eq. 8.36 (b - A w)",
            r"\Phi^T D (r_\pi + \gamma P_\pi \Phi w - \Phi w)", r"\Phi^T D r_\pi - \Phi^T D (I + \gamma P_\pi) \Phi w",
            lambda: Reference(lstd, Phi.T * D * rpi - Phi.T * D * (I + g * Pm) * Phi * wv, witness=PCASES[0]),
            "sign error when the bracket is negated", notation=PROJ)
items.right("8.quadratic-transpose", f"{ZH}, ch. 8, eq. 8.37 (the weighted norm)",
            r"(\Phi w)^T D \Phi w", r"w^T \Phi^T D \Phi w",
            lambda: Reference((Phi * wv).T * D * Phi * wv, wv.T * Phi.T * D * Phi * wv, instances=PCASES), notation=PROJ)

# chapter 10: actor-critic, the baseline (10.4-10.5), importance sampling (10.9), the deterministic gradient (10.13)
Pn = pi(a1, s, theta)
PN = {a1: Pn, a2: 1 - Pn}
AC = {"index_sets": A2, "distributions": {"pi": "a"}}
adv = sum(PN[a] * (q(s, a) - v(s)) for a in ACTIONS)
items.right("10.advantage", f"{ZH}, ch. 10, eq. 10.5 (the baseline v_pi(s))",
            r"\sum_a \pi(a|s, \theta) (q_\pi(s, a) - v_\pi(s))", r"\sum_a \pi(a|s, \theta) q_\pi(s, a) - v_\pi(s)",
            lambda: Reference(adv, sum(PN[a] * q(s, a) for a in ACTIONS) - v(s)), notation=AC)
items.wrong("10.advantage-dropped-pi", f"{ZH}, ch. 10, eq. 10.5 (the baseline v_pi(s))",
            r"\sum_a \pi(a|s, \theta) (q_\pi(s, a) - v_\pi(s))", r"\sum_a q_\pi(s, a) - v_\pi(s)",
            lambda: Reference(adv, sum(q(s, a) for a in ACTIONS) - v(s), (sp.And(Pn >= 0, Pn <= 1),),
                              witness={"pi": lam("a s theta", lambda a, s, th: sp.Rational(1, 2)), "q": lam("s a", lambda s, a: 1),
                                       "v_pi": lam("s", lambda s: 0), "s": 0, "a_1": 1, "a_2": 2, "theta": 0}),
            "the policy weights dropped", notation=AC)
beta = fn("beta", positive=True)
IS = {"index_sets": A2, "distributions": {"beta": "a"}, "functions": ("beta",)}
items.right("10.importance-sampling", f"{ZH}, ch. 10, eq. 10.9",
            r"\sum_a \beta(a|s) \frac{\pi(a|s, \theta)}{\beta(a|s)} q_\pi(s, a)", r"\sum_a \pi(a|s, \theta) q_\pi(s, a)",
            lambda: Reference(sum(beta(a, s) * pi(a, s, theta) / beta(a, s) * q(s, a) for a in ACTIONS),
                              sum(pi(a, s, theta) * q(s, a) for a in ACTIONS)), notation=IS)
items.wrong("10.importance-sampling-inverted", f"{ZH}, ch. 10, eq. 10.9",
            r"\sum_a \beta(a|s) \frac{\beta(a|s)}{\pi(a|s, \theta)} q_\pi(s, a)", r"\sum_a \pi(a|s, \theta) q_\pi(s, a)",
            lambda: Reference(sum(beta(a, s) ** 2 / pi(a, s, theta) * q(s, a) for a in ACTIONS),
                              sum(pi(a, s, theta) * q(s, a) for a in ACTIONS),
                              witness={"beta": lam("a s", lambda a, s: sp.Rational(1, 2)), "pi": lam("a s theta", lambda a, s, th: a / 3),
                                       "q": lam("s a", lambda s, a: 1), "s": 0, "a_1": 1, "a_2": 2, "theta": 0}),
            "the importance ratio inverted", notation=IS)
aa = real("a")
dpg_rhs = sp.diff(mu(s, theta), theta) * sp.Subs(sp.diff(q(s, aa), aa), aa, mu(s, theta))
items.right("10.13-dpg-chain", f"{ZH}, ch. 10, eq. 10.13 (deterministic policy gradient)",
            r"\frac{d}{d\theta} q(s, \mu(s, \theta))",
            r"\frac{\partial \mu(s, \theta)}{\partial \theta} \left. \frac{\partial q(s, a)}{\partial a} \right|_{a = \mu(s, \theta)}",
            lambda: Reference(sp.diff(q(s, mu(s, theta)), theta), dpg_rhs))
items.wrong("10.13-dpg-chain-dropped", f"{ZH}, ch. 10, eq. 10.13 (deterministic policy gradient)",
            r"\frac{d}{d\theta} q(s, \mu(s, \theta))", r"\left. \frac{\partial q(s, a)}{\partial a} \right|_{a = \mu(s, \theta)}",
            lambda: Reference(sp.diff(q(s, mu(s, theta)), theta), sp.Subs(sp.diff(q(s, aa), aa), aa, mu(s, theta)),
                              witness={"q": lam("s a", lambda s, a: a**2), "mu": lam("s theta", lambda s, th: 2 * th), "s": 0, "theta": 1}),
            "the inner derivative of mu dropped (chain rule)")

ITEMS = list(items)
