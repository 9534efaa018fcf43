r"""Steps from the DPO, Adam and AdamW papers.

* R. Rafailov, A. Sharma, E. Mitchell, S. Ermon, C. D. Manning, C. Finn, *Direct Preference
  Optimization: Your Language Model is Secretly a Reward Model*, NeurIPS 2023: the
  Bradley–Terry model (eq. 1), the reward-model loss (eq. 2), the KL-regularized optimum
  $\pi_r \propto \pi_{\text{ref}} \exp(r/\beta)$ (eq. 4, Appendix A.1), the reward in terms of
  the policy (eq. 5), the preference under it, where $Z(x)$ cancels (eq. 6), and the gradient of
  the DPO loss (eq. 7, Appendix A.4).
* D. P. Kingma, J. Ba, *Adam: A Method for Stochastic Optimization*, ICLR 2015: Algorithm 1,
  the efficient form of §2, the bias correction of §3.
* I. Loshchilov, F. Hutter, *Decoupled Weight Decay Regularization*, ICLR 2019: Algorithm 2
  (AdamW, line 12) against Adam with L2 in the gradient (line 6), Proposition 1.

Probabilities and the partition function are positive; the items state it with
``--assume`` conditions on the function values.
"""

from __future__ import annotations

import sympy as sp

from ._build import Collection
from .model import Reference, fn, lam, real

DPO = "Rafailov et al. 2023 (DPO)"
ADAM = "Kingma & Ba 2015 (Adam)"
ADAMW = "Loshchilov & Hutter 2019 (AdamW)"
items = Collection("ml")

x, y, y1, y2, yw, yl, z, theta = real("x y y_1 y_2 y_w y_l z theta")
beta = sp.Symbol("beta", positive=True)
r, rstar, rphi = fn("r"), fn("r^*"), fn("r_phi")
pstar, pref, ptheta, pr_, Z = (fn(name, positive=True) for name in ("pi^*", "pi_ref", "pi_theta", "pi_r", "Z"))
u_ = fn("u")


def sigma(t: sp.Expr) -> sp.Expr:
    """The logistic function, written out."""
    return 1 / (1 + sp.exp(-t))


W = {"x": 0, "y": 0, "y_1": 1, "y_2": 2, "y_w": 1, "y_l": 2, "beta": 1, "theta": 1}
POS = [r"\pi_r(y|x) > 0", r"\pi_{\text{ref}}(y|x) > 0", r"Z(x) > 0", r"\beta > 0"]

# eq. 1: Bradley-Terry
bt = sp.exp(rstar(x, y1)) / (sp.exp(rstar(x, y1)) + sp.exp(rstar(x, y2)))
BTW = W | {"r^*": lam("x y", lambda x, y: y)}
items.right("dpo-1-bradley-terry", f"{DPO}, eq. 1",
            r"\frac{\exp(r^*(x, y_1))}{\exp(r^*(x, y_1)) + \exp(r^*(x, y_2))}", r"\sigma(r^*(x, y_1) - r^*(x, y_2))",
            lambda: Reference(bt, sigma(rstar(x, y1) - rstar(x, y2))))
items.wrong("dpo-1-bradley-terry-order", f"{DPO}, eq. 1",
            r"\frac{\exp(r^*(x, y_1))}{\exp(r^*(x, y_1)) + \exp(r^*(x, y_2))}", r"\sigma(r^*(x, y_2) - r^*(x, y_1))",
            lambda: Reference(bt, sigma(rstar(x, y2) - rstar(x, y1)), witness=BTW), "the difference taken the wrong way round")
items.wrong("dpo-1-bradley-terry-ratio", f"{DPO}, eq. 1",
            r"\frac{\exp(r^*(x, y_1))}{\exp(r^*(x, y_1)) + \exp(r^*(x, y_2))}", r"\frac{\exp(r^*(x, y_1))}{\exp(r^*(x, y_2))}",
            lambda: Reference(bt, sp.exp(rstar(x, y1)) / sp.exp(rstar(x, y2)), witness=BTW), "the numerator dropped from the denominator")
# eq. 2: the reward-model loss
rm = -sp.log(sigma(rphi(x, yw) - rphi(x, yl)))
items.right("dpo-2-loss-softplus", f"{DPO}, eq. 2",
            r"-\log \sigma(r_\phi(x, y_w) - r_\phi(x, y_l))", r"\log(1 + \exp(r_\phi(x, y_l) - r_\phi(x, y_w)))",
            lambda: Reference(rm, sp.log(1 + sp.exp(rphi(x, yl) - rphi(x, yw)))))
items.wrong("dpo-2-loss-softplus-sign", f"{DPO}, eq. 2",
            r"-\log \sigma(r_\phi(x, y_w) - r_\phi(x, y_l))", r"\log(1 + \exp(r_\phi(x, y_w) - r_\phi(x, y_l)))",
            lambda: Reference(rm, sp.log(1 + sp.exp(rphi(x, yw) - rphi(x, yl))), witness=W | {"r_phi": lam("x y", lambda x, y: y)}),
            "sign error inside the softplus")
# eq. 4 -> 5: the reward in terms of the optimal policy
opt = pref(y, x) * sp.exp(r(x, y) / beta) / Z(x)
eq5 = beta * sp.log(opt / pref(y, x))
OPT_LHS = r"\beta \log \frac{\frac{1}{Z(x)} \pi_{\text{ref}}(y|x) \exp\left(\frac{1}{\beta} r(x, y)\right)}{\pi_{\text{ref}}(y|x)}"
OPTW = W | {"pi_ref": lam("y x", lambda y, x: sp.Rational(1, 2)), "Z": lam("x", lambda x: 2), "r": lam("x y", lambda x, y: 1)}
OPT_POS = [r"\pi_{\text{ref}}(y|x) > 0", r"Z(x) > 0", r"\beta > 0"]
items.right("dpo-5-reward", f"{DPO}, eqs. 4-5",
            OPT_LHS + r" + \beta \log Z(x)", r"r(x, y)",
            lambda: Reference(eq5 + beta * sp.log(Z(x)), r(x, y)), assume=OPT_POS)
items.wrong("dpo-5-reward-sign", f"{DPO}, eqs. 4-5",
            OPT_LHS + r" - \beta \log Z(x)", r"r(x, y)",
            lambda: Reference(eq5 - beta * sp.log(Z(x)), r(x, y), witness=OPTW), "sign error on log Z(x)", assume=OPT_POS)
items.wrong("dpo-5-reward-beta", f"{DPO}, eqs. 4-5",
            r"\log \frac{\frac{1}{Z(x)} \pi_{\text{ref}}(y|x) \exp\left(\frac{1}{\beta} r(x, y)\right)}{\pi_{\text{ref}}(y|x)} + \log Z(x)",
            r"r(x, y)",
            lambda: Reference(sp.log(opt / pref(y, x)) + sp.log(Z(x)), r(x, y), witness=OPTW | {"beta": 2}),
            "the factor beta dropped", assume=OPT_POS)
items.right("dpo-5-log-combine", f"{DPO}, eq. 5",
            r"\beta \log \frac{\pi_r(y|x)}{\pi_{\text{ref}}(y|x)} + \beta \log Z(x)",
            r"\beta \log \frac{\pi_r(y|x) Z(x)}{\pi_{\text{ref}}(y|x)}",
            lambda: Reference(beta * sp.log(pr_(y, x) / pref(y, x)) + beta * sp.log(Z(x)), beta * sp.log(pr_(y, x) * Z(x) / pref(y, x))),
            assume=POS)
items.wrong("dpo-5-log-ratio", f"{DPO}, eq. 5",
            r"\log \frac{\pi_r(y|x)}{\pi_{\text{ref}}(y|x)}", r"\frac{\log \pi_r(y|x)}{\log \pi_{\text{ref}}(y|x)}",
            lambda: Reference(sp.log(pr_(y, x) / pref(y, x)), sp.log(pr_(y, x)) / sp.log(pref(y, x)),
                              witness=W | {"pi_r": lam("y x", lambda y, x: sp.Rational(1, 2)),
                                           "pi_ref": lam("y x", lambda y, x: sp.Rational(1, 4))}),
            "the log of a ratio taken as a ratio of logs", assume=POS)
# eq. 6: Z(x) cancels in the preference
lw = beta * sp.log(pstar(yw, x) / pref(yw, x))
ll = beta * sp.log(pstar(yl, x) / pref(yl, x))
DIFF_LHS = (r"\beta \log \frac{\pi^*(y_w|x)}{\pi_{\text{ref}}(y_w|x)} + \beta \log Z(x) - \beta \log \frac{\pi^*(y_l|x)}{\pi_{\text{ref}}(y_l|x)}"
            r" - \beta \log Z(x)")
PSTAR = [r"\pi^*(y|x) > 0", r"\pi_{\text{ref}}(y|x) > 0", r"Z(x) > 0", r"\beta > 0"]
items.right("dpo-6-cancel", f"{DPO}, eq. 6",
            DIFF_LHS, r"\beta \log \frac{\pi^*(y_w|x)}{\pi_{\text{ref}}(y_w|x)} - \beta \log \frac{\pi^*(y_l|x)}{\pi_{\text{ref}}(y_l|x)}",
            lambda: Reference(lw + beta * sp.log(Z(x)) - ll - beta * sp.log(Z(x)), lw - ll), assume=PSTAR)
items.wrong("dpo-6-cancel-doubled", f"{DPO}, eq. 6",
            DIFF_LHS,
            r"\beta \log \frac{\pi^*(y_w|x)}{\pi_{\text{ref}}(y_w|x)} - \beta \log \frac{\pi^*(y_l|x)}{\pi_{\text{ref}}(y_l|x)} + 2\beta \log Z(x)",
            lambda: Reference(lw + beta * sp.log(Z(x)) - ll - beta * sp.log(Z(x)), lw - ll + 2 * beta * sp.log(Z(x)),
                              witness=W | {"pi^*": lam("y x", lambda y, x: sp.Rational(1, 2)), "pi_ref": lam("y x", lambda y, x: sp.Rational(1, 2)),
                                           "Z": lam("x", lambda x: 2)}),
            "the two log Z(x) terms added instead of cancelled", assume=PSTAR)
pref6 = sigma(lw - ll)
items.right("dpo-6-sigmoid-form", f"{DPO}, eq. 6",
            r"\sigma\left(\beta \log \frac{\pi^*(y_w|x)}{\pi_{\text{ref}}(y_w|x)} - \beta \log \frac{\pi^*(y_l|x)}{\pi_{\text{ref}}(y_l|x)}\right)",
            r"\frac{1}{1 + \exp\left(\beta \log \frac{\pi^*(y_l|x)}{\pi_{\text{ref}}(y_l|x)} - \beta \log \frac{\pi^*(y_w|x)}{\pi_{\text{ref}}(y_w|x)}\right)}",
            lambda: Reference(pref6, 1 / (1 + sp.exp(ll - lw))), assume=PSTAR)
items.wrong("dpo-6-ratio-upside-down", f"{DPO}, eq. 6",
            r"\sigma\left(\beta \log \frac{\pi^*(y_w|x)}{\pi_{\text{ref}}(y_w|x)} - \beta \log \frac{\pi^*(y_l|x)}{\pi_{\text{ref}}(y_l|x)}\right)",
            r"\sigma\left(\beta \log \frac{\pi^*(y_w|x) \pi_{\text{ref}}(y_w|x)}{\pi_{\text{ref}}(y_l|x) \pi^*(y_l|x)}\right)",
            lambda: Reference(pref6, sigma(beta * sp.log(pstar(yw, x) * pref(yw, x) / (pref(yl, x) * pstar(yl, x)))),
                              witness=W | {"pi^*": lam("y x", lambda y, x: sp.Rational(1, 2)), "pi_ref": lam("y x", lambda y, x: y / 4)}),
            "the reference probabilities in the wrong places", assume=PSTAR)
# Appendix A.1: the KL-regularized objective as a KL to the optimum (two responses y_1, y_2)
p1 = sp.Symbol("p", positive=True)
PI = {y1: p1, y2: 1 - p1}
kl_obj = sum(PI[v] * r(x, v) for v in (y1, y2)) - beta * sum(PI[v] * sp.log(PI[v] / pref(v, x)) for v in (y1, y2))
kl_to_opt = -beta * sum(PI[v] * sp.log(PI[v] / (pref(v, x) * sp.exp(r(x, v) / beta) / Z(x))) for v in (y1, y2))
KLDECL = {"index_sets": {"y": ["y_1", "y_2"]}, "distributions": {"pi": "y"}}
KL_POS = [r"\pi_{\text{ref}}(y|x) > 0", r"Z(x) > 0", r"\beta > 0"]
KL_LHS = r"\sum_y \pi(y|x) r(x, y) - \beta \sum_y \pi(y|x) \log \frac{\pi(y|x)}{\pi_{\text{ref}}(y|x)}"
KL_RHS = (r"-\beta \sum_y \pi(y|x) \log \frac{\pi(y|x)}{\frac{1}{Z(x)} \pi_{\text{ref}}(y|x) \exp\left(\frac{1}{\beta} r(x, y)\right)}"
          r" SIGN \beta \log Z(x)")
items.right("dpo-a1-objective", f"{DPO}, Appendix A.1, eqs. 11-12",
            KL_LHS, KL_RHS.replace("SIGN", "+"), lambda: Reference(kl_obj, kl_to_opt + beta * sp.log(Z(x))), assume=KL_POS, notation=KLDECL)
items.wrong("dpo-a1-objective-sign", f"{DPO}, Appendix A.1, eqs. 11-12",
            KL_LHS, KL_RHS.replace("SIGN", "-"),
            lambda: Reference(kl_obj, kl_to_opt - beta * sp.log(Z(x)), (p1 > 0, p1 < 1),
                              witness={"p": sp.Rational(1, 2), "x": 0, "y_1": 1, "y_2": 2, "beta": 1, "Z": lam("x", lambda x: 2),
                                       "pi_ref": lam("y x", lambda y, x: sp.Rational(1, 2)), "r": lam("x y", lambda x, y: y)}),
            "sign error on log Z(x)", assume=KL_POS, notation=KLDECL)
# the optimum for two responses, normalized
e1, e2 = (pref(v, x) * sp.exp(r(x, v) / beta) for v in (y1, y2))
OPT2 = (r"\frac{\pi_{\text{ref}}(y_1|x) e^{r(x, y_1)/\beta}}"
        r"{\pi_{\text{ref}}(y_1|x) e^{r(x, y_1)/\beta} + \pi_{\text{ref}}(y_2|x) e^{r(x, y_2)/\beta}}")
items.right("dpo-4-two-responses", f"{DPO}, eq. 4 with two responses",
            OPT2, r"\sigma\left(\frac{r(x, y_1) - r(x, y_2)}{\beta} + \log \frac{\pi_{\text{ref}}(y_1|x)}{\pi_{\text{ref}}(y_2|x)}\right)",
            lambda: Reference(e1 / (e1 + e2), sigma((r(x, y1) - r(x, y2)) / beta + sp.log(pref(y1, x) / pref(y2, x)))),
            assume=[r"\pi_{\text{ref}}(y|x) > 0", r"\beta > 0"])
items.wrong("dpo-4-two-responses-prior", f"{DPO}, eq. 4 with two responses",
            OPT2, r"\sigma\left(\frac{r(x, y_1) - r(x, y_2)}{\beta}\right)",
            lambda: Reference(e1 / (e1 + e2), sigma((r(x, y1) - r(x, y2)) / beta),
                              witness=W | {"pi_ref": lam("y x", lambda y, x: y / 4), "r": lam("x y", lambda x, y: 0)}),
            "the reference policy's log-ratio dropped", assume=[r"\pi_{\text{ref}}(y|x) > 0", r"\beta > 0"])
items.wrong("dpo-log-of-sum", f"{DPO}, Appendix A.1 (normalizing over responses)",
            r"\log(\pi(y_1|x) + \pi(y_2|x))", r"\log \pi(y_1|x) + \log \pi(y_2|x)",
            lambda: Reference(sp.log(fn("pi")(y1, x) + fn("pi")(y2, x)), sp.log(fn("pi")(y1, x)) + sp.log(fn("pi")(y2, x)),
                              witness={"pi": lam("y x", lambda y, x: sp.Rational(1, 2)), "x": 0, "y_1": 1, "y_2": 2}),
            "the log of a sum split as a sum of logs")
# eq. 7 and Appendix A.4: the gradient
items.right("dpo-a4-sigmoid-derivative", f"{DPO}, Appendix A.4",
            r"\frac{d}{dz} \sigma(z)", r"\sigma(z)(1 - \sigma(z))", lambda: Reference(sp.diff(sigma(z), z), sigma(z) * (1 - sigma(z))))
items.right("dpo-a4-one-minus-sigma", f"{DPO}, Appendix A.4",
            r"1 - \sigma(z)", r"\sigma(-z)", lambda: Reference(1 - sigma(z), sigma(-z)))
items.wrong("dpo-a4-sigma-even", f"{DPO}, Appendix A.4",
            r"\sigma(-z)", r"\sigma(z)", lambda: Reference(sigma(-z), sigma(z), witness={"z": 1}), "sigma(-x) = sigma(x)")
items.wrong("dpo-a4-sigma-odd", f"{DPO}, Appendix A.4",
            r"\sigma(-z)", r"-\sigma(z)", lambda: Reference(sigma(-z), -sigma(z), witness={"z": 1}), "sigma(-x) = -sigma(x)")
items.right("dpo-a4-log-sigmoid", f"{DPO}, Appendix A.4",
            r"\frac{d}{dz} \left(-\log \sigma(z)\right)", r"-\sigma(-z)", lambda: Reference(sp.diff(-sp.log(sigma(z)), z), -sigma(-z)))
items.wrong("dpo-a4-log-sigmoid-argument", f"{DPO}, Appendix A.4",
            r"\frac{d}{dz} \left(-\log \sigma(z)\right)", r"-\sigma(z)",
            lambda: Reference(sp.diff(-sp.log(sigma(z)), z), -sigma(z), witness={"z": 1}), "sigma(z) for 1 - sigma(z)")
items.wrong("dpo-a4-log-sigmoid-sign", f"{DPO}, Appendix A.4",
            r"\frac{d}{dz} \left(-\log \sigma(z)\right)", r"\sigma(-z)",
            lambda: Reference(sp.diff(-sp.log(sigma(z)), z), sigma(-z), witness={"z": 1}), "the minus sign of the loss dropped")
chain = sp.diff(-sp.log(sigma(beta * u_(theta))), theta)
UDECL = {"functions": ("u",)}
UW = {"u": lam("t", lambda t: t**2), "theta": 1, "beta": 2}
items.right("dpo-a4-chain", f"{DPO}, Appendix A.4",
            r"\frac{d}{d\theta} \left(-\log \sigma(\beta u(\theta))\right)", r"-\beta \sigma(-\beta u(\theta)) \frac{d}{d\theta} u(\theta)",
            lambda: Reference(chain, -beta * sigma(-beta * u_(theta)) * sp.diff(u_(theta), theta)), notation=UDECL)
items.wrong("dpo-a4-chain-beta", f"{DPO}, Appendix A.4",
            r"\frac{d}{d\theta} \left(-\log \sigma(\beta u(\theta))\right)", r"-\sigma(-\beta u(\theta)) \frac{d}{d\theta} u(\theta)",
            lambda: Reference(chain, -sigma(-beta * u_(theta)) * sp.diff(u_(theta), theta), witness=UW),
            "the factor beta of the inner derivative dropped", notation=UDECL)
items.wrong("dpo-a4-chain-argument", f"{DPO}, Appendix A.4",
            r"\frac{d}{d\theta} \left(-\log \sigma(\beta u(\theta))\right)", r"-\beta \sigma(\beta u(\theta)) \frac{d}{d\theta} u(\theta)",
            lambda: Reference(chain, -beta * sigma(beta * u_(theta)) * sp.diff(u_(theta), theta), witness=UW),
            "sigma(x) for sigma(-x)", notation=UDECL)
lw_t = beta * sp.log(ptheta(yw, x, theta) / pref(yw, x))
ll_t = beta * sp.log(ptheta(yl, x, theta) / pref(yl, x))
grad = sp.diff(-sp.log(sigma(lw_t - ll_t)), theta)
dlog = lambda v: sp.diff(sp.log(ptheta(v, x, theta)), theta)  # noqa: E731
G_LHS = (r"\nabla_\theta \left(-\log \sigma\left(\beta \log \frac{\pi_\theta(y_w|x)}{\pi_{\text{ref}}(y_w|x)}"
         r" - \beta \log \frac{\pi_\theta(y_l|x)}{\pi_{\text{ref}}(y_l|x)}\right)\right)")
G_RHS = (r"-\beta \sigma\left(\beta \log \frac{\pi_\theta(y_l|x)}{\pi_{\text{ref}}(y_l|x)} - \beta \log \frac{\pi_\theta(y_w|x)}{\pi_{\text{ref}}(y_w|x)}\right)"
         r" \left(\nabla_\theta \log \pi_\theta(y_w|x) SIGN \nabla_\theta \log \pi_\theta(y_l|x)\right)")
GPOS = [r"\pi_\theta(y|x) > 0", r"\pi_{\text{ref}}(y|x) > 0", r"\beta > 0"]
items.right("dpo-7-gradient", f"{DPO}, eq. 7",
            G_LHS, G_RHS.replace("SIGN", "-"), lambda: Reference(grad, -beta * sigma(ll_t - lw_t) * (dlog(yw) - dlog(yl))), assume=GPOS)
items.wrong("dpo-7-gradient-sign", f"{DPO}, eq. 7",
            G_LHS, G_RHS.replace("SIGN", "+"),
            lambda: Reference(grad, -beta * sigma(ll_t - lw_t) * (dlog(yw) + dlog(yl)),
                              witness=W | {"pi_theta": lam("y x t", lambda y, x, t: t / (2 * y)), "pi_ref": lam("y x", lambda y, x: sp.Rational(1, 2))}),
            "the loser's gradient added instead of subtracted", assume=GPOS)
# the KL divergence split (positive probabilities)
pi_, qi_ = sp.symbols("p_1:4", positive=True), sp.symbols("q_1:4", positive=True)
items.right("kl-split", "Cover & Thomas, Elements of Information Theory, eq. 2.26 (as used in DPO Appendix A.1)",
            r"\sum_{i=1}^{3} p_i \log \frac{p_i}{q_i}", r"\sum_{i=1}^{3} p_i \log p_i - \sum_{i=1}^{3} p_i \log q_i",
            lambda: Reference(sum(p * sp.log(p / q) for p, q in zip(pi_, qi_)),
                              sum(p * sp.log(p) for p in pi_) - sum(p * sp.log(q) for p, q in zip(pi_, qi_))),
            assume=["p_i > 0", "q_i > 0"])
items.wrong("kl-split-ratio", "Cover & Thomas, Elements of Information Theory, eq. 2.26 (as used in DPO Appendix A.1)",
            r"\sum_{i=1}^{3} p_i \log \frac{p_i}{q_i}", r"\sum_{i=1}^{3} p_i \log p_i - \sum_{i=1}^{3} q_i \log q_i",
            lambda: Reference(sum(p * sp.log(p / q) for p, q in zip(pi_, qi_)),
                              sum(p * sp.log(p) for p in pi_) - sum(q * sp.log(q) for q in qi_),
                              witness={"p_1": sp.Rational(1, 2), "p_2": sp.Rational(1, 4), "p_3": sp.Rational(1, 4),
                                       "q_1": sp.Rational(1, 4), "q_2": sp.Rational(1, 4), "q_3": sp.Rational(1, 2)}),
            "the cross-entropy term weighted by q instead of p", assume=["p_i > 0", "q_i > 0"])

# Adam, Algorithm 1 and §2-3
b1, b2 = real("beta_1 beta_2")
g1, g2, g3, g_, mprev, vprev, gt, alpha, eps, th = real("g_1 g_2 g_3 g m_tm1 v_tm1 g_t alpha epsilon theta_tm1")
t = sp.Symbol("t", integer=True, positive=True)
i_ = sp.Symbol("i", integer=True)
m3 = b1 * (b1 * (1 - b1) * g1 + (1 - b1) * g2) + (1 - b1) * g3
items.right("adam-m-unrolled", f"{ADAM}, Algorithm 1 unrolled for t = 3 (m_0 = 0)",
            r"\beta_1 (\beta_1 (1 - \beta_1) g_1 + (1 - \beta_1) g_2) + (1 - \beta_1) g_3",
            r"(1 - \beta_1)(\beta_1^2 g_1 + \beta_1 g_2 + g_3)",
            lambda: Reference(m3, (1 - b1) * (b1**2 * g1 + b1 * g2 + g3)))
items.wrong("adam-m-unrolled-exponent", f"{ADAM}, Algorithm 1 unrolled for t = 3 (m_0 = 0)",
            r"\beta_1 (\beta_1 (1 - \beta_1) g_1 + (1 - \beta_1) g_2) + (1 - \beta_1) g_3",
            r"(1 - \beta_1)(\beta_1^3 g_1 + \beta_1^2 g_2 + \beta_1 g_3)",
            lambda: Reference(m3, (1 - b1) * (b1**3 * g1 + b1**2 * g2 + b1 * g3),
                              witness={"beta_1": sp.Rational(1, 2), "g_1": 0, "g_2": 0, "g_3": 1}),
            "every exponent one too high (the newest gradient is not discounted)")
items.right("adam-m-interpolation", f"{ADAM}, Algorithm 1",
            r"\beta_1 m_{t-1} + (1 - \beta_1) g_t", r"m_{t-1} + (1 - \beta_1)(g_t - m_{t-1})",
            lambda: Reference(b1 * mprev + (1 - b1) * gt, mprev + (1 - b1) * (gt - mprev)))
items.wrong("adam-m-interpolation-weight", f"{ADAM}, Algorithm 1",
            r"\beta_1 m_{t-1} + (1 - \beta_1) g_t", r"m_{t-1} + \beta_1 (g_t - m_{t-1})",
            lambda: Reference(b1 * mprev + (1 - b1) * gt, mprev + b1 * (gt - mprev),
                              witness={"beta_1": sp.Rational(9, 10), "m_tm1": 0, "g_t": 1}),
            "beta_1 and 1 - beta_1 swapped")
items.wrong("adam-m-interpolation-sign", f"{ADAM}, Algorithm 1",
            r"\beta_1 m_{t-1} + (1 - \beta_1) g_t", r"m_{t-1} + (1 - \beta_1)(m_{t-1} - g_t)",
            lambda: Reference(b1 * mprev + (1 - b1) * gt, mprev + (1 - b1) * (mprev - gt),
                              witness={"beta_1": sp.Rational(9, 10), "m_tm1": 0, "g_t": 1}),
            "sign error in the correction")
items.right("adam-v-rearranged", f"{ADAM}, Algorithm 1",
            r"\beta_2 v_{t-1} + (1 - \beta_2) g_t^2", r"\beta_2 (v_{t-1} - g_t^2) + g_t^2",
            lambda: Reference(b2 * vprev + (1 - b2) * gt**2, b2 * (vprev - gt**2) + gt**2))
items.wrong("adam-v-unsquared", f"{ADAM}, Algorithm 1",
            r"\beta_2 v_{t-1} + (1 - \beta_2) g_t^2", r"\beta_2 (v_{t-1} - g_t) + g_t",
            lambda: Reference(b2 * vprev + (1 - b2) * gt**2, b2 * (vprev - gt) + gt,
                              witness={"beta_2": sp.Rational(1, 2), "v_tm1": 0, "g_t": 2}),
            "the square of the gradient dropped")
T_CASES = tuple({"t": k} for k in range(1, 7))
v_const = (1 - b2) * sp.Sum(b2 ** (t - i_) * g_**2, (i_, 1, t))
items.right("adam-3-bias", f"{ADAM}, §3 (constant gradient g)",
            r"(1 - \beta_2) \sum_{i=1}^{t} \beta_2^{t-i} g^2", r"(1 - \beta_2^t) g^2",
            lambda: Reference(v_const, (1 - b2**t) * g_**2, instances=T_CASES), assume=[r"t \geq 1"])
items.wrong("adam-3-bias-off-by-one", f"{ADAM}, §3 (constant gradient g)",
            r"(1 - \beta_2) \sum_{i=1}^{t} \beta_2^{t-i} g^2", r"(1 - \beta_2^{t-1}) g^2",
            lambda: Reference(v_const, (1 - b2 ** (t - 1)) * g_**2, (t >= 1,), witness={"t": 2, "beta_2": sp.Rational(1, 2), "g": 1}),
            "off by one in the bias correction (1 - beta_2^(t-1))", assume=[r"t \geq 1"])
items.wrong("adam-3-bias-plus-one", f"{ADAM}, §3 (constant gradient g)",
            r"(1 - \beta_2) \sum_{i=1}^{t} \beta_2^{t-i} g^2", r"(1 - \beta_2^{t+1}) g^2",
            lambda: Reference(v_const, (1 - b2 ** (t + 1)) * g_**2, (t >= 1,), witness={"t": 2, "beta_2": sp.Rational(1, 2), "g": 1}),
            "off by one in the bias correction (1 - beta_2^(t+1))", assume=[r"t \geq 1"])
m_const = (1 - b1) * sp.Sum(b1 ** (t - i_) * g_, (i_, 1, t)) / (1 - b1**t)
BIAS = [r"t \geq 1", r"0 < \beta_1 < 1"]
items.right("adam-3-unbiased", f"{ADAM}, §3 (constant gradient g)",
            r"\frac{(1 - \beta_1) \sum_{i=1}^{t} \beta_1^{t-i} g}{1 - \beta_1^t}", "g",
            lambda: Reference(m_const, g_, instances=T_CASES), assume=BIAS)
items.wrong("adam-3-unbiased-off-by-one", f"{ADAM}, §3 (constant gradient g)",
            r"\frac{(1 - \beta_1) \sum_{i=1}^{t} \beta_1^{t-i} g}{1 - \beta_1^{t-1}}", "g",
            lambda: Reference((1 - b1) * sp.Sum(b1 ** (t - i_) * g_, (i_, 1, t)) / (1 - b1 ** (t - 1)), g_,
                              (t >= 2, b1 > 0, b1 < 1), witness={"t": 2, "beta_1": sp.Rational(1, 2), "g": 1}),
            "off by one in the bias correction (1 - beta_1^(t-1))", assume=[r"t \geq 2", r"0 < \beta_1 < 1"])
items.right("adam-first-step-m", f"{ADAM}, Algorithm 1 at t = 1",
            r"\frac{(1 - \beta_1) g_1}{1 - \beta_1^{1}}", "g_1",
            lambda: Reference((1 - b1) * g1 / (1 - b1), g1), assume=[r"0 < \beta_1 < 1"])
items.right("adam-first-step-ratio", f"{ADAM}, §2.1 (the effective step at t = 1)",
            r"\frac{g_1}{\sqrt{g_1^2}}", r"\frac{g_1}{|g_1|}", lambda: Reference(g1 / sp.sqrt(g1**2), g1 / sp.Abs(g1)))
items.wrong("adam-first-step-sign", f"{ADAM}, §2.1 (the effective step at t = 1)",
            r"\alpha \frac{g_1}{\sqrt{g_1^2}}", r"\alpha",
            lambda: Reference(alpha * g1 / sp.sqrt(g1**2), alpha, witness={"alpha": sp.Rational(1, 1000), "g_1": -1}),
            "the sign of the gradient lost: the first step is +-alpha")
items.right("adam-first-step-positive", f"{ADAM}, §2.1 (the effective step at t = 1)",
            r"\alpha \frac{g_1}{\sqrt{g_1^2}}", r"\alpha",
            lambda: Reference(alpha * sp.Symbol("g_1", positive=True) / sp.sqrt(sp.Symbol("g_1", positive=True) ** 2), alpha),
            assume=["g_1 > 0"])
items.right("adam-first-step-number", f"{ADAM}, Algorithm 1 at t = 1 (alpha = 0.001, g_1 = 0.5, epsilon = 0)",
            r"0.001 \cdot \frac{0.5}{\sqrt{0.25}}", "0.001",
            lambda: Reference(sp.Rational(1, 1000) * sp.Rational(1, 2) / sp.sqrt(sp.Rational(1, 4)), sp.Rational(1, 1000)))
items.wrong("adam-first-step-number-unrooted", f"{ADAM}, Algorithm 1 at t = 1 (alpha = 0.001, g_1 = 0.5, epsilon = 0)",
            r"0.001 \cdot \frac{0.5}{\sqrt{0.25}}", "0.0005",
            lambda: Reference(sp.Rational(1, 1000) * sp.Rational(1, 2) / sp.sqrt(sp.Rational(1, 4)), sp.Rational(1, 2000), witness={}),
            "the square root of v-hat forgotten")
mv = sp.Symbol("m_t", real=True), sp.Symbol("v_t", positive=True)
EFF_CASES = tuple({"t": k, "beta_1": sp.Rational(9, 10), "beta_2": sp.Rational(999, 1000)} for k in (1, 2, 3)) + (
    {"t": 2, "beta_1": sp.Rational(1, 2), "beta_2": sp.Rational(1, 3)},)
EFF = [r"t \geq 1", r"0 < \beta_1 < 1", r"0 < \beta_2 < 1", r"v_t > 0"]
eff_lhs = alpha * (mv[0] / (1 - b1**t)) / sp.sqrt(mv[1] / (1 - b2**t))
items.right("adam-2-efficient", f"{ADAM}, §2 (the efficient order of computation)",
            r"\alpha \frac{m_t / (1 - \beta_1^t)}{\sqrt{v_t / (1 - \beta_2^t)}}",
            r"\alpha \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t} \frac{m_t}{\sqrt{v_t}}",
            lambda: Reference(eff_lhs, alpha * sp.sqrt(1 - b2**t) / (1 - b1**t) * mv[0] / sp.sqrt(mv[1]), instances=EFF_CASES), assume=EFF)
EFFW = {"t": 1, "beta_1": sp.Rational(1, 2), "beta_2": sp.Rational(15, 16), "alpha": 1, "m_t": 1, "v_t": 1, "epsilon": 1}
items.wrong("adam-2-efficient-inverted", f"{ADAM}, §2 (the efficient order of computation)",
            r"\alpha \frac{m_t / (1 - \beta_1^t)}{\sqrt{v_t / (1 - \beta_2^t)}}",
            r"\alpha \frac{1 - \beta_1^t}{\sqrt{1 - \beta_2^t}} \frac{m_t}{\sqrt{v_t}}",
            lambda: Reference(eff_lhs, alpha * (1 - b1**t) / sp.sqrt(1 - b2**t) * mv[0] / sp.sqrt(mv[1]), witness=EFFW),
            "the correction factor upside down", assume=EFF)
items.wrong("adam-2-efficient-epsilon", f"{ADAM}, §2 (the efficient order of computation)",
            r"\alpha \frac{m_t / (1 - \beta_1^t)}{\sqrt{v_t / (1 - \beta_2^t)} + \epsilon}",
            r"\alpha \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t} \frac{m_t}{\sqrt{v_t} + \epsilon}",
            lambda: Reference(alpha * (mv[0] / (1 - b1**t)) / (sp.sqrt(mv[1] / (1 - b2**t)) + eps),
                              alpha * sp.sqrt(1 - b2**t) / (1 - b1**t) * mv[0] / (sp.sqrt(mv[1]) + eps), witness=EFFW),
            "epsilon not rescaled: the efficient form needs epsilon-hat = epsilon sqrt(1 - beta_2^t)", assume=EFF + [r"\epsilon > 0"])
items.right("adam-rmsprop-degenerate", f"{ADAM}, §5 (beta_1 = 0: RMSProp's momentum-free numerator)",
            r"\frac{\beta_1 m_{t-1} + (1 - \beta_1) g_t}{1 - \beta_1^t}", "g_t",
            lambda: Reference((b1 * mprev + (1 - b1) * gt) / (1 - b1**t), gt, instances=tuple({"t": k, "beta_1": 0} for k in (1, 2, 3))),
            assume=[r"\beta_1 = 0", r"t \geq 1"])
items.wrong("adam-rmsprop-not-degenerate", f"{ADAM}, §5 (beta_1 = 0: RMSProp's momentum-free numerator)",
            r"\frac{\beta_1 m_{t-1} + (1 - \beta_1) g_t}{1 - \beta_1^t}", "g_t",
            lambda: Reference((b1 * mprev + (1 - b1) * gt) / (1 - b1**t), gt, (t >= 1, b1 > 0, b1 < 1),
                              witness={"t": 2, "beta_1": sp.Rational(1, 2), "m_tm1": 1, "g_t": 0}),
            "the degenerate case claimed for every beta_1", assume=[r"0 < \beta_1 < 1", r"t \geq 1"])
LIMITS = tuple({"beta_1": v} for v in (sp.Rational(1, 2), sp.Rational(9, 10)))
tt = sp.Symbol("t", positive=True)
items.right("adam-3-correction-vanishes", f"{ADAM}, §3 (the correction fades with t)",
            r"\lim_{t \to \infty} (1 - \beta_1^t)", "1",
            lambda: Reference(sp.Limit(1 - b1**tt, tt, sp.oo), sp.Integer(1), instances=LIMITS), assume=[r"0 < \beta_1 < 1"])
items.wrong("adam-3-correction-limit", f"{ADAM}, §3 (the correction fades with t)",
            r"\lim_{t \to \infty} (1 - \beta_1^t)", "0",
            lambda: Reference(sp.Limit(1 - b1**tt, tt, sp.oo), sp.Integer(0), (b1 > 0, b1 < 1), witness={"beta_1": sp.Rational(1, 2)}),
            "the limit of beta^t taken as 1", assume=[r"0 < \beta_1 < 1"])

# AdamW, Algorithm 2, and Proposition 1
eta, lam_, lam2, mh = real("eta lambda lambda' mhat")
vhp = sp.Symbol("vhat", positive=True)
adamw = th - eta * (alpha * mh / (sp.sqrt(vhp) + eps) + lam_ * th)
W_LHS = r"\theta_{t-1} - \eta_t \left(\alpha \frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon} + \lambda \theta_{t-1}\right)"
WW = {"theta_tm1": 1, "eta": sp.Rational(1, 2), "alpha": 1, "mhat": 0, "vhat": 1, "epsilon": 1, "lambda": sp.Rational(1, 10)}
WPOS = [r"\hat{v}_t > 0", r"\epsilon > 0"]
items.right("adamw-12-decoupled", f"{ADAMW}, Algorithm 2, line 12",
            W_LHS, r"(1 - \eta_t \lambda) \theta_{t-1} - \eta_t \alpha \frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon}",
            lambda: Reference(adamw, (1 - eta * lam_) * th - eta * alpha * mh / (sp.sqrt(vhp) + eps)), assume=WPOS)
items.wrong("adamw-12-dropped-eta", f"{ADAMW}, Algorithm 2, line 12",
            W_LHS, r"(1 - \lambda) \theta_{t-1} - \eta_t \alpha \frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon}",
            lambda: Reference(adamw, (1 - lam_) * th - eta * alpha * mh / (sp.sqrt(vhp) + eps), witness=WW),
            "the schedule multiplier eta_t dropped from the decay", assume=WPOS)
items.wrong("adamw-12-sign", f"{ADAMW}, Algorithm 2, line 12",
            W_LHS, r"(1 + \eta_t \lambda) \theta_{t-1} - \eta_t \alpha \frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon}",
            lambda: Reference(adamw, (1 + eta * lam_) * th - eta * alpha * mh / (sp.sqrt(vhp) + eps), witness=WW),
            "sign error: the decay grows the weights", assume=WPOS)
l2 = th - alpha * (b1 * mprev + (1 - b1) * (gt + lam_ * th)) / ((1 - b1**t) * (sp.sqrt(vhp) + eps))
items.wrong("adamw-6-l2-is-not-decoupled", f"{ADAMW}, Algorithm 2, line 6 against line 12",
            r"\theta_{t-1} - \alpha \frac{\beta_1 m_{t-1} + (1 - \beta_1)(g_t + \lambda \theta_{t-1})}{(1 - \beta_1^t)(\sqrt{\hat{v}_t} + \epsilon)}",
            r"\theta_{t-1} - \alpha \frac{\beta_1 m_{t-1} + (1 - \beta_1) g_t}{(1 - \beta_1^t)(\sqrt{\hat{v}_t} + \epsilon)} - \alpha \lambda \theta_{t-1}",
            lambda: Reference(l2, th - alpha * (b1 * mprev + (1 - b1) * gt) / ((1 - b1**t) * (sp.sqrt(vhp) + eps)) - alpha * lam_ * th,
                              witness=WW | {"beta_1": sp.Rational(1, 2), "m_tm1": 0, "g_t": 0, "t": 1, "vhat": 4}),
            "L2 regularization in the gradient taken for decoupled weight decay: the adaptive denominator rescales it",
            assume=WPOS)
items.right("adamw-6-l2-linear", f"{ADAMW}, Algorithm 2, line 6",
            r"\theta_{t-1} - \alpha \frac{\beta_1 m_{t-1} + (1 - \beta_1)(g_t + \lambda \theta_{t-1})}{(1 - \beta_1^t)(\sqrt{\hat{v}_t} + \epsilon)}",
            r"\theta_{t-1} - \alpha \frac{\beta_1 m_{t-1} + (1 - \beta_1) g_t}{(1 - \beta_1^t)(\sqrt{\hat{v}_t} + \epsilon)} - \alpha \frac{(1 - \beta_1) \lambda \theta_{t-1}}{(1 - \beta_1^t)(\sqrt{\hat{v}_t} + \epsilon)}",
            lambda: Reference(l2, th - alpha * (b1 * mprev + (1 - b1) * gt) / ((1 - b1**t) * (sp.sqrt(vhp) + eps))
                              - alpha * (1 - b1) * lam_ * th / ((1 - b1**t) * (sp.sqrt(vhp) + eps))),
            assume=WPOS + [r"0 < \beta_1 < 1", r"t \geq 1"])
items.right("adamw-prop1-sgd", f"{ADAMW}, Proposition 1 (SGD: L2 equals weight decay)",
            r"\theta - \alpha (g + \lambda' \theta)", r"(1 - \alpha \lambda') \theta - \alpha g",
            lambda: Reference(sp.Symbol("theta", real=True) - alpha * (g_ + lam2 * sp.Symbol("theta", real=True)),
                              (1 - alpha * lam2) * sp.Symbol("theta", real=True) - alpha * g_))
items.right("adamw-prop1-rescaled", f"{ADAMW}, Proposition 1 (lambda' = lambda / alpha)",
            r"\left(1 - \alpha \frac{\lambda}{\alpha}\right) \theta - \alpha g", r"(1 - \lambda) \theta - \alpha g",
            lambda: Reference((1 - alpha * lam_ / alpha) * sp.Symbol("theta", real=True) - alpha * g_,
                              (1 - lam_) * sp.Symbol("theta", real=True) - alpha * g_), assume=[r"\alpha > 0"])
items.wrong("adamw-prop1-rescaled-square", f"{ADAMW}, Proposition 1 (lambda' = lambda / alpha)",
            r"\left(1 - \alpha \frac{\lambda}{\alpha}\right) \theta - \alpha g", r"(1 - \lambda \alpha^2) \theta - \alpha g",
            lambda: Reference((1 - alpha * lam_ / alpha) * sp.Symbol("theta", real=True) - alpha * g_,
                              (1 - lam_ * alpha**2) * sp.Symbol("theta", real=True) - alpha * g_,
                              (alpha > 0,), witness={"alpha": 2, "lambda": 1, "theta": 1, "g": 0}),
            "lambda / alpha multiplied instead of divided", assume=[r"\alpha > 0"])
items.right("adamw-l2-gradient", f"{ADAMW}, §2 (the L2-regularized loss)",
            r"\frac{d}{d\theta} \left(f(\theta) + \frac{\lambda'}{2} \theta^2\right)", r"\frac{d}{d\theta} f(\theta) + \lambda' \theta",
            lambda: Reference(sp.diff(fn("f")(sp.Symbol("theta", real=True)) + lam2 / 2 * sp.Symbol("theta", real=True) ** 2,
                                      sp.Symbol("theta", real=True)),
                              sp.diff(fn("f")(sp.Symbol("theta", real=True)), sp.Symbol("theta", real=True)) + lam2 * sp.Symbol("theta", real=True)))
items.wrong("adamw-l2-gradient-half", f"{ADAMW}, §2 (the L2-regularized loss)",
            r"\frac{d}{d\theta} \left(f(\theta) + \frac{\lambda'}{2} \theta^2\right)", r"\frac{d}{d\theta} f(\theta) + \frac{\lambda'}{2} \theta",
            lambda: Reference(sp.diff(fn("f")(sp.Symbol("theta", real=True)) + lam2 / 2 * sp.Symbol("theta", real=True) ** 2,
                                      sp.Symbol("theta", real=True)),
                              sp.diff(fn("f")(sp.Symbol("theta", real=True)), sp.Symbol("theta", real=True)) + lam2 / 2 * sp.Symbol("theta", real=True),
                              witness={"f": lam("t", lambda t: 0), "lambda'": 1, "theta": 1}),
            "the factor 2 of the square dropped")
th0 = sp.Symbol("theta_0", real=True)
items.right("adamw-two-decays", f"{ADAMW}, Algorithm 2, line 12 applied twice (no gradient)",
            r"(1 - \eta \lambda)((1 - \eta \lambda) \theta_0)", r"(1 - \eta \lambda)^2 \theta_0",
            lambda: Reference((1 - eta * lam_) * ((1 - eta * lam_) * th0), (1 - eta * lam_) ** 2 * th0))
items.wrong("adamw-two-decays-linearized", f"{ADAMW}, Algorithm 2, line 12 applied twice (no gradient)",
            r"(1 - \eta \lambda)((1 - \eta \lambda) \theta_0)", r"(1 - 2 \eta \lambda) \theta_0",
            lambda: Reference((1 - eta * lam_) * ((1 - eta * lam_) * th0), (1 - 2 * eta * lam_) * th0,
                              witness={"eta": 1, "lambda": sp.Rational(1, 10), "theta_0": 1}),
            "the first-order approximation written as an equality")

ITEMS = list(items)
