r"""Steps from Sutton & Barto, *Reinforcement Learning: An Introduction*, 2nd ed., 2018.

Returns (§3.3, eqs. 3.8–3.10), the Bellman equation (§3.5, 3.14), incremental means
(§2.4, 2.3), the gradient bandit (§2.8, 2.12), TD(0) and the TD error (§6.1, 6.2, 6.5–6.6),
Sarsa, Q-learning and Expected Sarsa (§6.4–6.6, 6.7–6.9), n-step returns (§7.1, 7.1–7.2),
linear semi-gradient TD (§9.4, 9.9–9.10), the λ-return (§12.1, 12.2–12.3) and the policy
gradient theorem, REINFORCE and its baseline (§13.2–13.4, 13.5–13.11).
"""

from __future__ import annotations

import sympy as sp

from ._build import Collection
from .model import Reference, fn, lam, orderings, real

SB = "Sutton & Barto 2018"
items = Collection("sb")

g, alpha, c, lam_ = real("gamma alpha c lambda")
R1, R2, R3, R4 = real("R_1 R_2 R_3 R_4")
G1, G2 = real("G_1 G_2")
St, St1, St2, At, At1 = real("S_t S_t1 S_t2 A_t A_t1")
s, s1, a1, a2, theta = real("s s_1 a_1 a_2 theta")
t_, k_ = sp.symbols("t k", integer=True)
n_ = sp.Symbol("n", integer=True, positive=True)
V, Q, Rf, S_of, b, pi, q, xf = fn("V"), fn("Q"), fn("R"), fn("S"), fn("b"), fn("pi"), fn("q"), fn("x")
ppos = fn("pi", positive=True)
GAMMAS = ({"gamma": sp.Rational(1, 2)}, {"gamma": sp.Rational(9, 10)}, {"gamma": sp.Rational(1, 7)})
A2 = {"a": 2}


def _returns(*exps: int) -> sp.Expr:
    return R1 + g * (R2 + g ** (exps[0] - 1) * R3 + g ** (exps[1] - 1) * R4)


# §3.3 returns, eq. 3.8 -> 3.9
items.right("3.9-unroll", f"{SB}, §3.3, eq. 3.9",
            r"R_{t+1} + \gamma R_{t+2} + \gamma^2 R_{t+3} + \gamma^3 R_{t+4}",
            r"R_{t+1} + \gamma (R_{t+2} + \gamma R_{t+3} + \gamma^2 R_{t+4})",
            lambda: Reference(R1 + g * R2 + g**2 * R3 + g**3 * R4, _returns(2, 3)))
items.wrong("3.9-unroll-exponent", f"{SB}, §3.3, eq. 3.9",
            r"R_{t+1} + \gamma R_{t+2} + \gamma^2 R_{t+3} + \gamma^3 R_{t+4}",
            r"R_{t+1} + \gamma (R_{t+2} + \gamma^2 R_{t+3} + \gamma^3 R_{t+4})",
            lambda: Reference(R1 + g * R2 + g**2 * R3 + g**3 * R4, _returns(3, 4),
                              witness={"gamma": 2, "R_1": 1, "R_2": 1, "R_3": 1, "R_4": 1}),
            "the discount exponents are not lowered after factoring out gamma")
items.wrong("3.9-unroll-factor", f"{SB}, §3.3, eq. 3.9",
            r"R_{t+1} + \gamma R_{t+2} + \gamma^2 R_{t+3}",
            r"\gamma (R_{t+1} + R_{t+2} + \gamma R_{t+3})",
            lambda: Reference(R1 + g * R2 + g**2 * R3, g * (R1 + R2 + g * R3),
                              witness={"gamma": sp.Rational(1, 2), "R_1": 1, "R_2": 0, "R_3": 0}),
            "gamma factored out of the first reward too")
items.right("3.9-recursion", f"{SB}, §3.3, eq. 3.9",
            r"R_{t+1} + \gamma (R_{t+2} + \gamma G_{t+2})",
            r"R_{t+1} + \gamma R_{t+2} + \gamma^2 G_{t+2}",
            lambda: Reference(R1 + g * (R2 + g * G2), R1 + g * R2 + g**2 * G2))
items.wrong("3.9-recursion-exponent", f"{SB}, §3.3, eq. 3.9",
            r"R_{t+1} + \gamma (R_{t+2} + \gamma G_{t+2})",
            r"R_{t+1} + \gamma R_{t+2} + \gamma G_{t+2}",
            lambda: Reference(R1 + g * (R2 + g * G2), R1 + g * R2 + g * G2,
                              witness={"gamma": sp.Rational(1, 2), "R_1": 0, "R_2": 0, "G_2": 1}),
            "wrong discount exponent on the tail return")
items.right("3.10-geometric", f"{SB}, §3.3, eq. 3.10",
            r"\sum_{k=0}^{\infty} \gamma^k", r"\frac{1}{1 - \gamma}",
            lambda: Reference(sp.Sum(g**k_, (k_, 0, sp.oo)), 1 / (1 - g), instances=GAMMAS),
            assume=[r"0 < \gamma < 1"])
items.wrong("3.10-geometric-sign", f"{SB}, §3.3, eq. 3.10",
            r"\sum_{k=0}^{\infty} \gamma^k", r"\frac{1}{1 + \gamma}",
            lambda: Reference(sp.Sum(g**k_, (k_, 0, sp.oo)), 1 / (1 + g), (g > 0, g < 1),
                              witness={"gamma": sp.Rational(1, 2)}),
            "sign error in the closed form", assume=[r"0 < \gamma < 1"])
items.wrong("3.10-geometric-start", f"{SB}, §3.3, eq. 3.10",
            r"\sum_{k=0}^{\infty} \gamma^k", r"\frac{\gamma}{1 - \gamma}",
            lambda: Reference(sp.Sum(g**k_, (k_, 0, sp.oo)), g / (1 - g), (g > 0, g < 1),
                              witness={"gamma": sp.Rational(1, 2)}),
            "off by one: the closed form of the sum from k = 1", assume=[r"0 < \gamma < 1"])
items.right("3.10-geometric-from-1", f"{SB}, §3.3, eq. 3.10",
            r"\sum_{k=1}^{\infty} \gamma^k", r"\frac{\gamma}{1 - \gamma}",
            lambda: Reference(sp.Sum(g**k_, (k_, 1, sp.oo)), g / (1 - g), instances=GAMMAS),
            assume=[r"0 < \gamma < 1"])
items.right("ex3.8-return", f"{SB}, Exercise 3.8 (gamma = 0.5, rewards -1, 2, 6, 3, 2)",
            r"-1 + 0.5 \cdot 2 + 0.5^2 \cdot 6 + 0.5^3 \cdot 3 + 0.5^4 \cdot 2", "2",
            lambda: Reference(sum(sp.Rational(1, 2) ** i * r for i, r in enumerate([-1, 2, 6, 3, 2])), sp.Integer(2)))
items.wrong("ex3.8-return-discount", f"{SB}, Exercise 3.8 (gamma = 0.5, rewards -1, 2, 6, 3, 2)",
            r"0.5 \cdot (-1) + 0.5^2 \cdot 2 + 0.5^3 \cdot 6 + 0.5^4 \cdot 3 + 0.5^5 \cdot 2", "2",
            lambda: Reference(sum(sp.Rational(1, 2) ** (i + 1) * r for i, r in enumerate([-1, 2, 6, 3, 2])),
                              sp.Integer(2), witness={}),
            "the first reward discounted too (exponents start at 1)")
items.right("ex3.9-return", f"{SB}, Exercise 3.9 (gamma = 0.9, R_1 = 2, then 7 forever)",
            r"2 + 0.9 \sum_{k=0}^{\infty} 0.9^k \cdot 7", "65",
            lambda: Reference(2 + sp.Rational(9, 10) * sp.Sum(sp.Rational(9, 10) ** k_ * 7, (k_, 0, sp.oo)), sp.Integer(65)))
items.wrong("ex3.9-return-undiscounted", f"{SB}, Exercise 3.9 (gamma = 0.9, R_1 = 2, then 7 forever)",
            r"2 + 0.9 \sum_{k=0}^{\infty} 0.9^k \cdot 7", "72",
            lambda: Reference(2 + sp.Rational(9, 10) * sp.Sum(sp.Rational(9, 10) ** k_ * 7, (k_, 0, sp.oo)),
                              sp.Integer(72), witness={}),
            "the tail's discount gamma dropped (2 + 70)")
items.right("ex3.15-constant", f"{SB}, Exercise 3.15 (adding a constant c to all rewards)",
            r"\sum_{k=0}^{2} \gamma^k (R_{t+k+1} + c)",
            r"\sum_{k=0}^{2} \gamma^k R_{t+k+1} + c (1 + \gamma + \gamma^2)",
            lambda: Reference(sp.Sum(g**k_ * (Rf(t_ + k_ + 1) + c), (k_, 0, 2)).doit(),
                              sp.Sum(g**k_ * Rf(t_ + k_ + 1), (k_, 0, 2)).doit() + c * (1 + g + g**2)))
items.wrong("ex3.15-constant-undiscounted", f"{SB}, Exercise 3.15 (adding a constant c to all rewards)",
            r"\sum_{k=0}^{2} \gamma^k (R_{t+k+1} + c)", r"\sum_{k=0}^{2} \gamma^k R_{t+k+1} + 3c",
            lambda: Reference(sp.Sum(g**k_ * (Rf(t_ + k_ + 1) + c), (k_, 0, 2)).doit(),
                              sp.Sum(g**k_ * Rf(t_ + k_ + 1), (k_, 0, 2)).doit() + 3 * c,
                              witness={"gamma": sp.Rational(1, 2), "c": 1, "t": 0, "R": lam("i", lambda i: 0)}),
            "the constant is not discounted")
items.right("ex3.15-constant-infinite", f"{SB}, Exercise 3.15 (adding a constant c to all rewards)",
            r"\sum_{k=0}^{\infty} \gamma^k c", r"\frac{c}{1 - \gamma}",
            lambda: Reference(sp.Sum(g**k_ * c, (k_, 0, sp.oo)), c / (1 - g), instances=GAMMAS),
            assume=[r"0 < \gamma < 1"])
items.wrong("ex3.15-constant-infinite-square", f"{SB}, Exercise 3.15 (adding a constant c to all rewards)",
            r"\sum_{k=0}^{\infty} \gamma^k c", r"\frac{c}{(1 - \gamma)^2}",
            lambda: Reference(sp.Sum(g**k_ * c, (k_, 0, sp.oo)), c / (1 - g) ** 2, (g > 0, g < 1),
                              witness={"gamma": sp.Rational(1, 2), "c": 1}),
            "the closed form of sum k gamma^k used for sum gamma^k", assume=[r"0 < \gamma < 1"])

# §3.5 the Bellman equation for q_pi (Exercise 3.17), two states and two actions
sa1, sa2 = real("s_1 s_2")
qp, pp, rf = fn("q_pi"), fn("p"), fn("r")
a_ = real("a")
QDECL = {"index_sets": {"s": ["s_1", "s_2"], "a": 2}}


def _q_backup(next_state_of: object = None) -> sp.Expr:
    total = 0
    for nxt in (sa1, sa2):
        base = nxt if next_state_of is None else s
        total += pp(nxt, s, a_) * (rf(s, a_, nxt) + g * sum(pi(b_, base) * qp(base, b_) for b_ in (a1, a2)))
    return total


items.right("3.17-bellman-q", f"{SB}, §3.5, Exercise 3.17",
            r"\sum_{s'} p(s'|s, a) \left[r(s, a, s') + \gamma \sum_{a'} \pi(a'|s') q_\pi(s', a')\right]",
            r"\sum_{s'} p(s'|s, a) r(s, a, s') + \gamma \sum_{s'} \sum_{a'} p(s'|s, a) \pi(a'|s') q_\pi(s', a')",
            lambda: Reference(_q_backup(), sum(pp(n, s, a_) * rf(s, a_, n) for n in (sa1, sa2))
                              + g * sum(pp(n, s, a_) * pi(b_, n) * qp(n, b_) for n in (sa1, sa2) for b_ in (a1, a2))),
            notation=QDECL)
items.wrong("3.17-bellman-q-current-state", f"{SB}, §3.5, Exercise 3.17",
            r"\sum_{s'} p(s'|s, a) \left[r(s, a, s') + \gamma \sum_{a'} \pi(a'|s') q_\pi(s', a')\right]",
            r"\sum_{s'} p(s'|s, a) \left[r(s, a, s') + \gamma \sum_{a'} \pi(a'|s) q_\pi(s, a')\right]",
            lambda: Reference(_q_backup(), _q_backup(next_state_of=s),
                              witness={"p": lam("x s a", lambda x, s, a: sp.Rational(1, 2)), "r": lam("s a x", lambda s, a, x: 0),
                                       "pi": lam("b s", lambda b, s: sp.Rational(1, 2)), "q_pi": lam("s b", lambda s, b: s),
                                       "s": 0, "a": 0, "s_1": 1, "s_2": 2, "a_1": 1, "a_2": 2, "gamma": sp.Rational(1, 2)}),
            "the bootstrap taken at the current state s instead of the next state s'", notation=QDECL)

# §2.4 incremental mean, eq. 2.3
n = n_
S_prev = sp.Sum(Rf(k_), (k_, 1, n - 1))
items.right("2.3-incremental-sum", f"{SB}, §2.4, eq. 2.3",
            r"\frac{1}{n}\left(R_n + \sum_{i=1}^{n-1} R_i\right)",
            r"\frac{1}{n} R_n + \frac{n-1}{n} \cdot \frac{1}{n-1} \sum_{i=1}^{n-1} R_i",
            lambda: Reference((Rf(n) + S_prev) / n, Rf(n) / n + (n - 1) / n * S_prev / (n - 1)),
            assume=["n > 1"])
items.wrong("2.3-incremental-sum-weight", f"{SB}, §2.4, eq. 2.3",
            r"\frac{1}{n}\left(R_n + \sum_{i=1}^{n-1} R_i\right)",
            r"\frac{1}{n} R_n + \frac{1}{n-1} \sum_{i=1}^{n-1} R_i",
            lambda: Reference((Rf(n) + S_prev) / n, Rf(n) / n + S_prev / (n - 1), (n > 1,),
                              witness={"n": 2, "R": lam("i", lambda i: i)}),
            "the factor (n-1)/n dropped", assume=["n > 1"])
Qn, Rn = real("Q_n R_n")
items.right("2.3-incremental", f"{SB}, §2.4, eq. 2.3",
            r"\frac{1}{n} R_n + \frac{n-1}{n} Q_n", r"Q_n + \frac{1}{n}(R_n - Q_n)",
            lambda: Reference(Rn / n + (n - 1) / n * Qn, Qn + (Rn - Qn) / n))
items.wrong("2.3-incremental-step", f"{SB}, §2.4, eq. 2.3",
            r"\frac{1}{n} R_n + \frac{n-1}{n} Q_n", r"Q_n + \frac{1}{n-1}(R_n - Q_n)",
            lambda: Reference(Rn / n + (n - 1) / n * Qn, Qn + (Rn - Qn) / (n - 1), (n > 1,),
                              witness={"n": 3, "R_n": 1, "Q_n": 0}),
            "off by one in the step size", assume=["n > 1"])
items.wrong("2.3-incremental-sign", f"{SB}, §2.4, eq. 2.3",
            r"\frac{1}{n} R_n + \frac{n-1}{n} Q_n", r"Q_n + \frac{1}{n}(Q_n - R_n)",
            lambda: Reference(Rn / n + (n - 1) / n * Qn, Qn + (Qn - Rn) / n, witness={"n": 2, "R_n": 1, "Q_n": 0}),
            "sign error in the error term")

# §2.8 gradient bandit, soft-max preferences (2.11) and the derivative behind (2.12)
h1, h2 = real("h_1 h_2")
soft = sp.exp(h1) / (sp.exp(h1) + sp.exp(h2))
items.right("2.12-softmax-own", f"{SB}, §2.8, eqs. 2.11-2.12",
            r"\frac{\partial}{\partial h_1} \ln \frac{e^{h_1}}{e^{h_1} + e^{h_2}}",
            r"1 - \frac{e^{h_1}}{e^{h_1} + e^{h_2}}",
            lambda: Reference(sp.diff(sp.log(soft), h1), 1 - soft))
items.wrong("2.12-softmax-own-dropped-1", f"{SB}, §2.8, eqs. 2.11-2.12",
            r"\frac{\partial}{\partial h_1} \ln \frac{e^{h_1}}{e^{h_1} + e^{h_2}}",
            r"-\frac{e^{h_1}}{e^{h_1} + e^{h_2}}",
            lambda: Reference(sp.diff(sp.log(soft), h1), -soft, witness={"h_1": 0, "h_2": 0}),
            "the derivative of the numerator's log, 1, dropped")
items.wrong("2.12-softmax-own-other", f"{SB}, §2.8, eqs. 2.11-2.12",
            r"\frac{\partial}{\partial h_1} \ln \frac{e^{h_1}}{e^{h_1} + e^{h_2}}",
            r"1 - \frac{e^{h_2}}{e^{h_1} + e^{h_2}}",
            lambda: Reference(sp.diff(sp.log(soft), h1), 1 - sp.exp(h2) / (sp.exp(h1) + sp.exp(h2)),
                              witness={"h_1": 1, "h_2": 0}),
            "the other action's probability")
items.right("2.12-softmax-other", f"{SB}, §2.8, eqs. 2.11-2.12",
            r"\frac{\partial}{\partial h_2} \ln \frac{e^{h_1}}{e^{h_1} + e^{h_2}}",
            r"-\frac{e^{h_2}}{e^{h_1} + e^{h_2}}",
            lambda: Reference(sp.diff(sp.log(soft), h2), -sp.exp(h2) / (sp.exp(h1) + sp.exp(h2))))

# §6.1 TD(0), eq. 6.2; the TD error and the Monte Carlo error, eqs. 6.5-6.6
R, G = real("R G")
td = V(St) + alpha * (R + g * V(St1) - V(St))
items.right("6.2-td0", f"{SB}, §6.1, eq. 6.2",
            r"V(S_t) + \alpha [R_{t+1} + \gamma V(S_{t+1}) - V(S_t)]",
            r"(1 - \alpha) V(S_t) + \alpha (R_{t+1} + \gamma V(S_{t+1}))",
            lambda: Reference(td, (1 - alpha) * V(St) + alpha * (R + g * V(St1))))
TDW = {"V": lam("s", lambda s: s), "S_t": 1, "S_t1": 2, "alpha": sp.Rational(1, 2), "gamma": sp.Rational(1, 2), "R": 1}
items.wrong("6.2-td0-dropped-alpha", f"{SB}, §6.1, eq. 6.2",
            r"V(S_t) + \alpha [R_{t+1} + \gamma V(S_{t+1}) - V(S_t)]",
            r"(1 - \alpha) V(S_t) + \alpha R_{t+1} + \gamma V(S_{t+1})",
            lambda: Reference(td, (1 - alpha) * V(St) + alpha * R + g * V(St1), witness=TDW),
            "the step size alpha dropped from the bootstrap term")
items.wrong("6.2-td0-sign", f"{SB}, §6.1, eq. 6.2",
            r"V(S_t) + \alpha [R_{t+1} + \gamma V(S_{t+1}) - V(S_t)]",
            r"(1 + \alpha) V(S_t) + \alpha (R_{t+1} + \gamma V(S_{t+1}))",
            lambda: Reference(td, (1 + alpha) * V(St) + alpha * (R + g * V(St1)), witness=TDW),
            "sign error on the old estimate")
items.wrong("6.2-td0-scalar-inside", f"{SB}, §6.1, eq. 6.2",
            r"R_{t+1} + \gamma V(S_{t+1})", r"R_{t+1} + V(\gamma S_{t+1})",
            lambda: Reference(R + g * V(St1), R + V(g * St1),
                              witness={"V": lam("s", lambda s: s**2), "gamma": sp.Rational(1, 2), "S_t1": 2, "R": 0}),
            "the discount moved inside the value function")
items.right("6.6-mc-error", f"{SB}, §6.1, eq. 6.6",
            r"R_{t+1} + \gamma G_{t+1} - V(S_t)",
            r"R_{t+1} + \gamma V(S_{t+1}) - V(S_t) + \gamma (G_{t+1} - V(S_{t+1}))",
            lambda: Reference(R + g * G1 - V(St), R + g * V(St1) - V(St) + g * (G1 - V(St1))))
MCW = {"V": lam("s", lambda s: s), "S_t": 0, "S_t1": 1, "gamma": sp.Rational(1, 2), "R": 0, "G_1": 0}
items.wrong("6.6-mc-error-sign", f"{SB}, §6.1, eq. 6.6",
            r"R_{t+1} + \gamma G_{t+1} - V(S_t)",
            r"R_{t+1} + \gamma V(S_{t+1}) - V(S_t) + \gamma (G_{t+1} + V(S_{t+1}))",
            lambda: Reference(R + g * G1 - V(St), R + g * V(St1) - V(St) + g * (G1 + V(St1)), witness=MCW),
            "sign error inside the tail")
items.wrong("6.6-mc-error-tail-sign", f"{SB}, §6.1, eq. 6.6",
            r"R_{t+1} + \gamma G_{t+1} - V(S_t)",
            r"R_{t+1} + \gamma V(S_{t+1}) - V(S_t) - \gamma (G_{t+1} - V(S_{t+1}))",
            lambda: Reference(R + g * G1 - V(St), R + g * V(St1) - V(St) - g * (G1 - V(St1)), witness=MCW),
            "the tail subtracted instead of added")
R_1, R_2 = real("R_t1 R_t2")
two_lhs = R_1 + g * R_2 + g**2 * G2 - V(St)
two_td = (R_1 + g * V(St1) - V(St)) + g * (R_2 + g * V(St2) - V(St1))
items.right("6.6-two-td-errors", f"{SB}, §6.1, eq. 6.6",
            r"R_{t+1} + \gamma R_{t+2} + \gamma^2 G_{t+2} - V(S_t)",
            r"(R_{t+1} + \gamma V(S_{t+1}) - V(S_t)) + \gamma (R_{t+2} + \gamma V(S_{t+2}) - V(S_{t+1})) + \gamma^2 (G_{t+2} - V(S_{t+2}))",
            lambda: Reference(two_lhs, two_td + g**2 * (G2 - V(St2))))
items.wrong("6.6-two-td-errors-exponent", f"{SB}, §6.1, eq. 6.6",
            r"R_{t+1} + \gamma R_{t+2} + \gamma^2 G_{t+2} - V(S_t)",
            r"(R_{t+1} + \gamma V(S_{t+1}) - V(S_t)) + \gamma (R_{t+2} + \gamma V(S_{t+2}) - V(S_{t+1})) + \gamma (G_{t+2} - V(S_{t+2}))",
            lambda: Reference(two_lhs, two_td + g * (G2 - V(St2)),
                              witness={"V": lam("s", lambda s: 0), "S_t": 0, "S_t1": 1, "S_t2": 2, "gamma": sp.Rational(1, 2),
                                       "R_t1": 0, "R_t2": 0, "G_2": 1}),
            "wrong discount exponent on the last term")

# §6.4-6.6 Sarsa (6.7), Q-learning (6.8), Expected Sarsa (6.9)
sarsa = Q(St, At) + alpha * (R + g * Q(St1, At1) - Q(St, At))
items.right("6.7-sarsa", f"{SB}, §6.4, eq. 6.7",
            r"Q(S_t, A_t) + \alpha [R_{t+1} + \gamma Q(S_{t+1}, A_{t+1}) - Q(S_t, A_t)]",
            r"(1 - \alpha) Q(S_t, A_t) + \alpha R_{t+1} + \alpha \gamma Q(S_{t+1}, A_{t+1})",
            lambda: Reference(sarsa, (1 - alpha) * Q(St, At) + alpha * R + alpha * g * Q(St1, At1)))
items.wrong("6.7-sarsa-dropped-alpha", f"{SB}, §6.4, eq. 6.7",
            r"Q(S_t, A_t) + \alpha [R_{t+1} + \gamma Q(S_{t+1}, A_{t+1}) - Q(S_t, A_t)]",
            r"(1 - \alpha) Q(S_t, A_t) + \alpha R_{t+1} + \gamma Q(S_{t+1}, A_{t+1})",
            lambda: Reference(sarsa, (1 - alpha) * Q(St, At) + alpha * R + g * Q(St1, At1),
                              witness={"Q": lam("s a", lambda s, a: s + a), "S_t": 0, "A_t": 0, "S_t1": 1, "A_t1": 1,
                                       "alpha": sp.Rational(1, 2), "gamma": sp.Rational(1, 2), "R": 0}),
            "the step size alpha dropped from the bootstrap term")
Qa1, Qa2 = Q(St1, a1), Q(St1, a2)
ORDERS = orderings("Q")
gp = sp.Symbol("gamma", positive=True)
items.right("6.8-q-learning-target", f"{SB}, §6.5, eq. 6.8",
            r"R_{t+1} + \gamma \max_a Q(S_{t+1}, a)", r"\max_a (R_{t+1} + \gamma Q(S_{t+1}, a))",
            lambda: Reference(R + gp * sp.Max(Qa1, Qa2), sp.Max(R + gp * Qa1, R + gp * Qa2), instances=ORDERS),
            assume=[r"0 < \gamma < 1"], notation={"index_sets": A2})
items.right("6.8-q-learning-discount", f"{SB}, §6.5, eq. 6.8",
            r"\gamma \max_a Q(S_{t+1}, a)", r"\max_a \gamma Q(S_{t+1}, a)",
            lambda: Reference(gp * sp.Max(Qa1, Qa2), sp.Max(gp * Qa1, gp * Qa2), instances=ORDERS),
            assume=[r"0 < \gamma < 1"], notation={"index_sets": A2})
QW = {"Q": lam("s a", lambda s, a: a), "a_1": 1, "a_2": 2, "S_t1": 0, "gamma": sp.Rational(1, 2), "R": 0}
items.wrong("6.8-q-learning-negated", f"{SB}, §6.5, eq. 6.8",
            r"-\gamma \max_a Q(S_{t+1}, a)", r"\max_a (-\gamma Q(S_{t+1}, a))",
            lambda: Reference(-g * sp.Max(Qa1, Qa2), sp.Max(-g * Qa1, -g * Qa2), (g > 0, g < 1), witness=QW),
            "a negative factor taken inside a max", assume=[r"0 < \gamma < 1"], notation={"index_sets": A2})
sp1 = real("s'")
items.wrong("6.8-max-of-sum", f"{SB}, §6.5, eq. 6.8",
            r"\max_a Q(s, a) + \max_a Q(s', a)", r"\max_a (Q(s, a) + Q(s', a))",
            lambda: Reference(sp.Max(Q(s, a1), Q(s, a2)) + sp.Max(Q(sp1, a1), Q(sp1, a2)),
                              sp.Max(Q(s, a1) + Q(sp1, a1), Q(s, a2) + Q(sp1, a2)),
                              witness={"Q": lam("s a", lambda s, a: sp.Piecewise((1, sp.Eq(s, a)), (0, True))),
                                       "s": 1, "s'": 2, "a_1": 1, "a_2": 2}),
            "the max of a sum taken as the sum of the maxima", notation={"index_sets": A2})
exp_sarsa = R + g * (pi(a1, St1) * Qa1 + (1 - pi(a1, St1)) * Qa2)
items.right("6.9-expected-sarsa", f"{SB}, §6.6, eq. 6.9",
            r"R_{t+1} + \gamma \sum_a \pi(a|S_{t+1}) Q(S_{t+1}, a)",
            r"\sum_a \pi(a|S_{t+1}) (R_{t+1} + \gamma Q(S_{t+1}, a))",
            lambda: Reference(exp_sarsa, pi(a1, St1) * (R + g * Qa1) + (1 - pi(a1, St1)) * (R + g * Qa2)),
            notation={"index_sets": A2, "distributions": {"pi": "a"}})
items.wrong("6.9-expected-sarsa-dropped-pi", f"{SB}, §6.6, eq. 6.9",
            r"R_{t+1} + \gamma \sum_a \pi(a|S_{t+1}) Q(S_{t+1}, a)", r"R_{t+1} + \gamma \sum_a Q(S_{t+1}, a)",
            lambda: Reference(exp_sarsa, R + g * (Qa1 + Qa2),
                              (sp.And(pi(a1, St1) >= 0, pi(a1, St1) <= 1),),
                              witness=QW | {"pi": lam("a s", lambda a, s: sp.Rational(1, 2))}),
            "the policy weights dropped from the expectation",
            notation={"index_sets": A2, "distributions": {"pi": "a"}})

# §7.1 n-step returns, eqs. 7.1-7.2
items.right("7.1-two-step", f"{SB}, §7.1, eq. 7.1",
            r"R_{t+1} + \gamma R_{t+2} + \gamma^2 V(S_{t+2})", r"R_{t+1} + \gamma (R_{t+2} + \gamma V(S_{t+2}))",
            lambda: Reference(R_1 + g * R_2 + g**2 * V(St2), R_1 + g * (R_2 + g * V(St2))))
items.wrong("7.1-two-step-exponent", f"{SB}, §7.1, eq. 7.1",
            r"R_{t+1} + \gamma R_{t+2} + \gamma^2 V(S_{t+2})", r"R_{t+1} + \gamma (R_{t+2} + \gamma^2 V(S_{t+2}))",
            lambda: Reference(R_1 + g * R_2 + g**2 * V(St2), R_1 + g * (R_2 + g**2 * V(St2)),
                              witness={"V": lam("s", lambda s: 1), "S_t2": 0, "gamma": sp.Rational(1, 2), "R_t1": 0, "R_t2": 0}),
            "wrong discount exponent after factoring out gamma")
n_step = sp.Sum(g**k_ * Rf(t_ + k_ + 1), (k_, 0, n - 1)) + g**n * V(S_of(t_ + n))
N_CASES = tuple({"n": m} for m in range(1, 7))
items.right("7.1-n-step-recursion", f"{SB}, §7.1, eq. 7.1",
            r"\sum_{k=0}^{n-1} \gamma^k R_{t+k+1} + \gamma^n V(S_{t+n})",
            r"R_{t+1} + \gamma \left(\sum_{k=0}^{n-2} \gamma^k R_{t+k+2} + \gamma^{n-1} V(S_{t+n})\right)",
            lambda: Reference(n_step, Rf(t_ + 1) + g * (sp.Sum(g**k_ * Rf(t_ + k_ + 2), (k_, 0, n - 2))
                                                        + g ** (n - 1) * V(S_of(t_ + n))), instances=N_CASES),
            assume=[r"n \geq 1"])
items.wrong("7.1-n-step-recursion-exponent", f"{SB}, §7.1, eq. 7.1",
            r"\sum_{k=0}^{n-1} \gamma^k R_{t+k+1} + \gamma^n V(S_{t+n})",
            r"R_{t+1} + \gamma \sum_{k=0}^{n-2} \gamma^k R_{t+k+2} + \gamma^{n-1} V(S_{t+n})",
            lambda: Reference(n_step, Rf(t_ + 1) + g * sp.Sum(g**k_ * Rf(t_ + k_ + 2), (k_, 0, n - 2))
                              + g ** (n - 1) * V(S_of(t_ + n)), (n >= 1,),
                              witness={"n": 2, "t": 0, "gamma": sp.Rational(1, 2), "R": lam("i", lambda i: 1),
                                       "S": lam("i", lambda i: i), "V": lam("s", lambda s: 1)}),
            "the bootstrap term left outside the factored gamma", assume=[r"n \geq 1"])
items.right("7.2-n-step-td", f"{SB}, §7.1, eq. 7.2",
            r"V(S_t) + \alpha [G_{t:t+n} - V(S_t)]", r"(1 - \alpha) V(S_t) + \alpha G_{t:t+n}",
            lambda: Reference(V(St) + alpha * (G - V(St)), (1 - alpha) * V(St) + alpha * G))

# §9.4 linear semi-gradient TD(0), eqs. 9.9-9.10 (x_t, x_{t+1}, w column vectors)
X0, X1, Wv = (sp.Matrix(sp.symbols(f"{name}_1:4", real=True)) for name in ("x", "y", "w"))
VEC = {"vectors": ("x_t", "x_{t+1}", "w"), "scalars": ("R_{t+1}", r"\gamma")}
td_vec = X0 * (R + g * (X1.T * Wv)[0] - (X0.T * Wv)[0])
items.right("9.10-linear-td", f"{SB}, §9.4, eq. 9.10",
            r"x_t (R_{t+1} + \gamma x_{t+1}^\top w - x_t^\top w)", r"R_{t+1} x_t - x_t (x_t - \gamma x_{t+1})^\top w",
            lambda: Reference(td_vec, R * X0 - X0 * ((X0 - g * X1).T * Wv)), notation=VEC)
items.right("9.10-linear-td-scalar-first", f"{SB}, §9.4, eq. 9.10",
            r"x_t (R_{t+1} + \gamma x_{t+1}^\top w - x_t^\top w)", r"R_{t+1} x_t - (x_t - \gamma x_{t+1})^\top w \, x_t",
            lambda: Reference(td_vec, R * X0 - ((X0 - g * X1).T * Wv)[0] * X0), notation=VEC)
VW = {"gamma": sp.Rational(1, 2), "R": 0, "x_1": 1, "x_2": 0, "x_3": 0, "y_1": 0, "y_2": 1, "y_3": 0,
      "w_1": 1, "w_2": 1, "w_3": 1}
items.wrong("9.10-linear-td-sign", f"{SB}, §9.4, eq. 9.10",
            r"x_t (R_{t+1} + \gamma x_{t+1}^\top w - x_t^\top w)", r"R_{t+1} x_t - x_t (x_t + \gamma x_{t+1})^\top w",
            lambda: Reference(td_vec, R * X0 - X0 * ((X0 + g * X1).T * Wv), witness=VW),
            "sign error on the bootstrap feature", notation=VEC)
items.wrong("9.10-linear-td-outer-order", f"{SB}, §9.4, eq. 9.10",
            r"x_t (R_{t+1} + \gamma x_{t+1}^\top w - x_t^\top w)", r"R_{t+1} x_t - (x_t - \gamma x_{t+1}) x_t^\top w",
            lambda: Reference(td_vec, R * X0 - (X0 - g * X1) * (X0.T * Wv), witness=VW),
            "the outer product's factors swapped", notation=VEC)
Ut, wsc = real("U_t w")
items.right("9.7-gradient-mc", f"{SB}, §9.3, eqs. 9.4-9.7 (one weight)",
            r"\frac{d}{dw} \frac{1}{2} (U_t - w x(S_t))^2", r"-(U_t - w x(S_t)) x(S_t)",
            lambda: Reference(sp.diff((Ut - wsc * xf(St)) ** 2 / 2, wsc), -(Ut - wsc * xf(St)) * xf(St)),
            notation={"functions": ("x",)})
items.wrong("9.7-gradient-mc-sign", f"{SB}, §9.3, eqs. 9.4-9.7 (one weight)",
            r"\frac{d}{dw} \frac{1}{2} (U_t - w x(S_t))^2", r"(U_t - w x(S_t)) x(S_t)",
            lambda: Reference(sp.diff((Ut - wsc * xf(St)) ** 2 / 2, wsc), (Ut - wsc * xf(St)) * xf(St),
                              witness={"x": lam("s", lambda s: 1), "S_t": 0, "U_t": 1, "w": 0}),
            "the inner derivative's minus sign dropped", notation={"functions": ("x",)})

# §12.1 the lambda-return, eqs. 12.2-12.3
LAMS = ({"lambda": sp.Rational(1, 2)}, {"lambda": sp.Rational(9, 10)}, {"lambda": sp.Rational(1, 3)})
items.right("12.2-weights", f"{SB}, §12.1, eq. 12.2",
            r"(1 - \lambda) \sum_{n=1}^{\infty} \lambda^{n-1}", "1",
            lambda: Reference((1 - lam_) * sp.Sum(lam_ ** (k_ - 1), (k_, 1, sp.oo)), sp.Integer(1), instances=LAMS),
            assume=[r"0 < \lambda < 1"])
items.wrong("12.2-weights-exponent", f"{SB}, §12.1, eq. 12.2",
            r"(1 - \lambda) \sum_{n=1}^{\infty} \lambda^{n}", "1",
            lambda: Reference((1 - lam_) * sp.Sum(lam_**k_, (k_, 1, sp.oo)), sp.Integer(1), (lam_ > 0, lam_ < 1),
                              witness={"lambda": sp.Rational(1, 2)}),
            "off by one in the weight exponent", assume=[r"0 < \lambda < 1"])
T_ = sp.Symbol("T", integer=True)
episodic = (1 - lam_) * sp.Sum(lam_ ** (k_ - 1), (k_, 1, T_ - t_ - 1)) + lam_ ** (T_ - t_ - 1)
items.right("12.3-episodic-weights", f"{SB}, §12.1, eq. 12.3",
            r"(1 - \lambda) \sum_{n=1}^{T-t-1} \lambda^{n-1} + \lambda^{T-t-1}", "1",
            lambda: Reference(episodic, sp.Integer(1), instances=tuple({"T": m, "t": 0} for m in range(1, 7))),
            assume=[r"T - t \geq 1"])
items.wrong("12.3-episodic-weights-exponent", f"{SB}, §12.1, eq. 12.3",
            r"(1 - \lambda) \sum_{n=1}^{T-t-1} \lambda^{n-1} + \lambda^{T-t}", "1",
            lambda: Reference((1 - lam_) * sp.Sum(lam_ ** (k_ - 1), (k_, 1, T_ - t_ - 1)) + lam_ ** (T_ - t_), sp.Integer(1),
                              (T_ - t_ >= 1,), witness={"T": 3, "t": 0, "lambda": sp.Rational(1, 2)}),
            "off by one in the final weight", assume=[r"T - t \geq 1"])

# §13.2-13.4 the policy gradient theorem, REINFORCE (13.8) and the baseline (13.10-13.11)
THETA = {"functions": ("b",)}
P = lambda a: pi(a, s, theta)  # noqa: E731
dP = lambda a: sp.diff(pi(a, s, theta), theta)  # noqa: E731
items.right("13.6-log-derivative", f"{SB}, §13.3, eq. 13.6",
            r"\frac{\nabla_\theta \pi(a|s, \theta)}{\pi(a|s, \theta)}", r"\nabla_\theta \ln \pi(a|s, \theta)",
            lambda: Reference(sp.diff(ppos(s1, s, theta), theta) / ppos(s1, s, theta), sp.diff(sp.log(ppos(s1, s, theta)), theta)))
PIW = {"pi": lam("a s theta", lambda a, s, th: sp.Rational(1, 2) + th / 4), "s": 0, "s_1": 0, "theta": 1}
items.wrong("13.6-log-derivative-dropped", f"{SB}, §13.3, eq. 13.6",
            r"\nabla_\theta \pi(a|s, \theta)", r"\nabla_\theta \ln \pi(a|s, \theta)",
            lambda: Reference(sp.diff(ppos(s1, s, theta), theta), sp.diff(sp.log(ppos(s1, s, theta)), theta), witness=PIW),
            "the factor pi(a|s, theta) dropped from the log-derivative trick")
items.wrong("13.6-log-derivative-divided", f"{SB}, §13.3, eq. 13.6",
            r"\nabla_\theta \pi(a|s, \theta)", r"\frac{\nabla_\theta \ln \pi(a|s, \theta)}{\pi(a|s, \theta)}",
            lambda: Reference(sp.diff(ppos(s1, s, theta), theta), sp.diff(sp.log(ppos(s1, s, theta)), theta) / ppos(s1, s, theta),
                              witness=PIW),
            "divided by pi instead of multiplied")
all_actions = q(s, a1) * dP(a1) + q(s, a2) * dP(a2)
items.right("13.6-all-actions", f"{SB}, §13.3, eq. 13.6",
            r"\sum_a q_\pi(s, a) \nabla_\theta \pi(a|s, \theta)",
            r"\sum_a \pi(a|s, \theta) q_\pi(s, a) \frac{\nabla_\theta \pi(a|s, \theta)}{\pi(a|s, \theta)}",
            lambda: Reference(all_actions, P(a1) * q(s, a1) * dP(a1) / P(a1) + P(a2) * q(s, a2) * dP(a2) / P(a2)),
            notation={"index_sets": A2})
PGW = {"pi": lam("a s theta", lambda a, s, th: th * a / 3), "q": lam("s a", lambda s, a: 1), "b": lam("s", lambda s: 1),
       "s": 0, "a_1": 1, "a_2": 2, "theta": 1}
items.wrong("13.6-all-actions-gradient-kept", f"{SB}, §13.3, eq. 13.6",
            r"\sum_a q_\pi(s, a) \nabla_\theta \pi(a|s, \theta)",
            r"\sum_a \pi(a|s, \theta) q_\pi(s, a) \nabla_\theta \pi(a|s, \theta)",
            lambda: Reference(all_actions, P(a1) * q(s, a1) * dP(a1) + P(a2) * q(s, a2) * dP(a2), witness=PGW),
            "multiplied by pi without dividing by it", notation={"index_sets": A2})
items.right("13.10-baseline-linear", f"{SB}, §13.4, eq. 13.10",
            r"\sum_a b(s) \nabla_\theta \pi(a|s, \theta)", r"b(s) \nabla_\theta \sum_a \pi(a|s, \theta)",
            lambda: Reference(b(s) * dP(a1) + b(s) * dP(a2), b(s) * sp.diff(P(a1) + P(a2), theta)),
            notation={"index_sets": A2} | THETA)
Pn1 = pi(a1, s, theta)
norm_pi = {a1: Pn1, a2: 1 - Pn1}
dPn = lambda a: sp.diff(norm_pi[a], theta)  # noqa: E731
DIST = {"index_sets": A2, "distributions": {"pi": "a"}} | THETA
items.right("13.10-baseline-zero", f"{SB}, §13.4, eq. 13.10",
            r"b(s) \nabla_\theta \sum_a \pi(a|s, \theta)", "0",
            lambda: Reference(b(s) * sp.diff(Pn1 + (1 - Pn1), theta), sp.Integer(0)), notation=DIST)
with_baseline = (q(s, a1) - b(s)) * dPn(a1) + (q(s, a2) - b(s)) * dPn(a2)
items.right("13.11-baseline-expectation", f"{SB}, §13.4, eq. 13.11",
            r"\sum_a (q_\pi(s, a) - b(s)) \nabla_\theta \pi(a|s, \theta)", r"\sum_a q_\pi(s, a) \nabla_\theta \pi(a|s, \theta)",
            lambda: Reference(with_baseline, q(s, a1) * dPn(a1) + q(s, a2) * dPn(a2)), notation=DIST)
items.wrong("13.11-baseline-left-over", f"{SB}, §13.4, eq. 13.11",
            r"\sum_a (q_\pi(s, a) - b(s)) \nabla_\theta \pi(a|s, \theta)",
            r"\sum_a q_\pi(s, a) \nabla_\theta \pi(a|s, \theta) - b(s)",
            lambda: Reference(with_baseline, q(s, a1) * dPn(a1) + q(s, a2) * dPn(a2) - b(s),
                              witness={"pi": lam("a s theta", lambda a, s, th: th / 2), "q": lam("s a", lambda s, a: a),
                                       "b": lam("s", lambda s: 1), "s": 0, "a_1": 1, "a_2": 2, "theta": 1}),
            "the baseline term kept without its gradient, which sums to zero", notation=DIST)
At_, Gt = real("A_t G_t")
lnpi = sp.diff(sp.log(ppos(At_, St, theta)), theta)
items.wrong("13.11-baseline-per-sample", f"{SB}, §13.4, eq. 13.11",
            r"(G_t - b(S_t)) \nabla_\theta \ln \pi(A_t|S_t, \theta)", r"G_t \nabla_\theta \ln \pi(A_t|S_t, \theta)",
            lambda: Reference((Gt - b(St)) * lnpi, Gt * lnpi,
                              witness={"pi": lam("a s theta", lambda a, s, th: th / 2), "b": lam("s", lambda s: 1),
                                       "A_t": 1, "S_t": 0, "theta": 1, "G_t": 0}),
            "the baseline dropped from one sample: only its expectation vanishes", notation=THETA)
thetat = real("theta_t")
reinforce = thetat + alpha * g**t_ * Gt * sp.diff(ppos(At_, St, theta), theta) / ppos(At_, St, theta)
items.right("13.8-reinforce", f"{SB}, §13.3, eq. 13.8",
            r"\theta_t + \alpha \gamma^t G_t \frac{\nabla_\theta \pi(A_t|S_t, \theta)}{\pi(A_t|S_t, \theta)}",
            r"\theta_t + \alpha \gamma^t G_t \nabla_\theta \ln \pi(A_t|S_t, \theta)",
            lambda: Reference(reinforce, thetat + alpha * g**t_ * Gt * lnpi))
items.wrong("13.8-reinforce-discount", f"{SB}, §13.3, eq. 13.8",
            r"\theta_t + \alpha \gamma^t G_t \frac{\nabla_\theta \pi(A_t|S_t, \theta)}{\pi(A_t|S_t, \theta)}",
            r"\theta_t + \alpha \gamma G_t \nabla_\theta \ln \pi(A_t|S_t, \theta)",
            lambda: Reference(reinforce, thetat + alpha * g * Gt * lnpi,
                              witness={"pi": lam("a s theta", lambda a, s, th: th / 2), "A_t": 1, "S_t": 0, "theta": 1,
                                       "theta_t": 0, "alpha": 1, "gamma": sp.Rational(1, 2), "t": 2, "G_t": 1}),
            "wrong discount exponent (gamma instead of gamma^t)")
items.right("13.11-reinforce-baseline", f"{SB}, §13.4, eq. 13.11",
            r"\theta_t + \alpha (G_t - b(S_t)) \nabla_\theta \ln \pi(A_t|S_t, \theta)",
            r"\theta_t + \alpha G_t \nabla_\theta \ln \pi(A_t|S_t, \theta) - \alpha b(S_t) \nabla_\theta \ln \pi(A_t|S_t, \theta)",
            lambda: Reference(thetat + alpha * (Gt - b(St)) * lnpi, thetat + alpha * Gt * lnpi - alpha * b(St) * lnpi),
            notation=THETA)
items.wrong("13.11-reinforce-baseline-no-gradient", f"{SB}, §13.4, eq. 13.11",
            r"\theta_t + \alpha (G_t - b(S_t)) \nabla_\theta \ln \pi(A_t|S_t, \theta)",
            r"\theta_t + \alpha G_t \nabla_\theta \ln \pi(A_t|S_t, \theta) - \alpha b(S_t)",
            lambda: Reference(thetat + alpha * (Gt - b(St)) * lnpi, thetat + alpha * Gt * lnpi - alpha * b(St),
                              witness={"pi": lam("a s theta", lambda a, s, th: th / 2), "b": lam("s", lambda s: 1),
                                       "A_t": 1, "S_t": 0, "theta": 2, "theta_t": 0, "alpha": 1, "G_t": 0}),
            "the baseline term lost its gradient factor", notation=THETA)

ITEMS = list(items)
