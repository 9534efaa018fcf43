r"""Steps from Stewart's *Calculus* and the matrix algebra the RL derivations lean on.

* J. Stewart, *Calculus: Early Transcendentals*, 8th ed., 2015: the chain rule (§14.5,
  Example 1), directional derivatives and the gradient (§14.6, Examples 2 and 4), limits
  and definite integrals (§2.7, §5.2), completing the square (Appendix E and §14.7).
* Matrix identities as in G. Strang, *Introduction to Linear Algebra*, 5th ed., 2016
  (§2.5 inverses, §2.7 transposes, §5.1 determinants) and K. B. Petersen, M. S. Pedersen,
  *The Matrix Cookbook*, 2012 (eq. 81, the gradient of a quadratic form), including the
  completion of the square $x^\top A x - 2 b^\top x = (x - A^{-1} b)^\top A (x - A^{-1} b)
  - b^\top A^{-1} b$ for a symmetric invertible $A$.

Matrix labels are proven with a symbolic 2 x 2 instance where the identity is claimed for
every size, and confirmed on integer 3 x 3 instances from a fixed seed.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ._build import Collection
from .model import Reference, real

ST = "Stewart, Calculus 8th ed."
STRANG = "Strang, Introduction to Linear Algebra 5th ed."
COOK = "Petersen & Pedersen, The Matrix Cookbook (2012)"
items = Collection("calc")

x, y, t, a, b, c, h = real("x y t a b c h")

# §14.6 Example 2: f = x^3 - 3xy + 4y^2 in the direction of angle pi/6
f2 = x**3 - 3 * x * y + 4 * y**2
du = sp.diff(f2, x) * sp.cos(sp.pi / 6) + sp.diff(f2, y) * sp.sin(sp.pi / 6)
DU_LHS = r"\frac{\partial}{\partial x}(x^3 - 3xy + 4y^2) \cos\frac{\pi}{6} + \frac{\partial}{\partial y}(x^3 - 3xy + 4y^2) \sin\frac{\pi}{6}"
items.right("14.6-ex2-formula", f"{ST}, §14.6, Example 2",
            DU_LHS, r"\frac{1}{2}\left(3\sqrt{3} x^2 - 3x + (8 - 3\sqrt{3}) y\right)",
            lambda: Reference(du, (3 * sp.sqrt(3) * x**2 - 3 * x + (8 - 3 * sp.sqrt(3)) * y) / 2))
items.wrong("14.6-ex2-formula-sign", f"{ST}, §14.6, Example 2",
            DU_LHS, r"\frac{1}{2}\left(3\sqrt{3} x^2 - 3x + (8 + 3\sqrt{3}) y\right)",
            lambda: Reference(du, (3 * sp.sqrt(3) * x**2 - 3 * x + (8 + 3 * sp.sqrt(3)) * y) / 2, witness={"x": 0, "y": 1}),
            "sign error in the coefficient of y")
items.right("14.6-ex2-value", f"{ST}, §14.6, Example 2",
            r"\frac{1}{2}\left(3\sqrt{3} \cdot 1^2 - 3 \cdot 1 + (8 - 3\sqrt{3}) \cdot 2\right)", r"\frac{13 - 3\sqrt{3}}{2}",
            lambda: Reference((3 * sp.sqrt(3) - 3 + (8 - 3 * sp.sqrt(3)) * 2) / 2, (13 - 3 * sp.sqrt(3)) / 2))
items.wrong("14.6-ex2-value-sign", f"{ST}, §14.6, Example 2",
            r"\frac{1}{2}\left(3\sqrt{3} \cdot 1^2 - 3 \cdot 1 + (8 - 3\sqrt{3}) \cdot 2\right)", r"\frac{13 + 3\sqrt{3}}{2}",
            lambda: Reference((3 * sp.sqrt(3) - 3 + (8 - 3 * sp.sqrt(3)) * 2) / 2, (13 + 3 * sp.sqrt(3)) / 2, witness={}),
            "sign error on the irrational part")
# §14.6 Example 4: f = x^2 y^3 - 4y at (2, -1) along v = 2i + 5j
f4 = x**2 * y**3 - 4 * y
items.right("14.6-ex4-partial", f"{ST}, §14.6, Example 4",
            r"\left. \frac{\partial}{\partial x} (x^2 y^3 - 4y) \right|_{x=2, y=-1}", "-4",
            lambda: Reference(sp.diff(f4, x).subs({x: 2, y: -1}), sp.Integer(-4)))
items.wrong("14.6-ex4-partial-sign", f"{ST}, §14.6, Example 4",
            r"\left. \frac{\partial}{\partial x} (x^2 y^3 - 4y) \right|_{x=2, y=-1}", "4",
            lambda: Reference(sp.diff(f4, x).subs({x: 2, y: -1}), sp.Integer(4), witness={}), "(-1)^3 taken as 1")
items.right("14.6-ex4-directional", f"{ST}, §14.6, Example 4",
            r"(-4) \cdot \frac{2}{\sqrt{29}} + 8 \cdot \frac{5}{\sqrt{29}}", r"\frac{32}{\sqrt{29}}",
            lambda: Reference(-4 * 2 / sp.sqrt(29) + 8 * 5 / sp.sqrt(29), 32 / sp.sqrt(29)))
items.wrong("14.6-ex4-not-unit", f"{ST}, §14.6, Example 4",
            r"(-4) \cdot 2 + 8 \cdot 5", r"\frac{32}{\sqrt{29}}",
            lambda: Reference(sp.Integer(-4 * 2 + 8 * 5), 32 / sp.sqrt(29), witness={}),
            "the direction not normalized to a unit vector")
grad4 = sp.Matrix([sp.diff(f4, x), sp.diff(f4, y)])
items.right("14.6-gradient", f"{ST}, §14.6, eq. 13 (the gradient)",
            r"\nabla_{x, y} (x^2 y^3 - 4y)", r"\begin{pmatrix} 2xy^3 \\ 3x^2y^2 - 4 \end{pmatrix}",
            lambda: Reference(grad4, sp.Matrix([2 * x * y**3, 3 * x**2 * y**2 - 4])))
items.wrong("14.6-gradient-constant", f"{ST}, §14.6, eq. 13 (the gradient)",
            r"\nabla_{x, y} (x^2 y^3 - 4y)", r"\begin{pmatrix} 2xy^3 \\ 3x^2y^2 \end{pmatrix}",
            lambda: Reference(grad4, sp.Matrix([2 * x * y**3, 3 * x**2 * y**2]), witness={"x": 0, "y": 0}),
            "the derivative of -4y dropped")
ddef = (x + h * a) ** 2 * y - x**2 * y
items.right("14.6-definition", f"{ST}, §14.6, Definition 2 (the directional derivative as a limit)",
            r"\lim_{h \to 0} \frac{(x + h a)^2 y - x^2 y}{h}", "2 x y a",
            lambda: Reference(sp.limit(ddef / h, h, 0), 2 * x * y * a))
items.wrong("14.6-definition-direction", f"{ST}, §14.6, Definition 2 (the directional derivative as a limit)",
            r"\lim_{h \to 0} \frac{(x + h a)^2 y - x^2 y}{h}", "2 x y",
            lambda: Reference(sp.limit(ddef / h, h, 0), 2 * x * y, witness={"x": 1, "y": 1, "a": 2}),
            "the component a of the direction dropped")
# §14.5 Example 1: z = x^2 y + 3 x y^4, x = sin 2t, y = cos t
xt, yt = sp.sin(2 * t), sp.cos(t)
z14 = xt**2 * yt + 3 * xt * yt**4
CHAIN_LHS = r"\frac{d}{dt}\left(\sin^2 2t \cos t + 3 \sin 2t \cos^4 t\right)"
items.right("14.5-ex1-chain", f"{ST}, §14.5, Example 1",
            CHAIN_LHS, r"(2 \sin 2t \cos t + 3 \cos^4 t)(2 \cos 2t) + (\sin^2 2t + 12 \sin 2t \cos^3 t)(-\sin t)",
            lambda: Reference(sp.diff(z14, t), (2 * xt * yt + 3 * yt**4) * (2 * sp.cos(2 * t)) + (xt**2 + 12 * xt * yt**3) * (-sp.sin(t))))
items.wrong("14.5-ex1-chain-inner", f"{ST}, §14.5, Example 1",
            CHAIN_LHS, r"(2 \sin 2t \cos t + 3 \cos^4 t) \cos 2t + (\sin^2 2t + 12 \sin 2t \cos^3 t)(-\sin t)",
            lambda: Reference(sp.diff(z14, t), (2 * xt * yt + 3 * yt**4) * sp.cos(2 * t) + (xt**2 + 12 * xt * yt**3) * (-sp.sin(t)),
                              witness={"t": 0}),
            "the inner derivative's factor 2 of sin 2t dropped")
items.right("14.5-ex1-at-zero", f"{ST}, §14.5, Example 1",
            r"\left. \frac{d}{dt}\left(\sin^2 2t \cos t + 3 \sin 2t \cos^4 t\right) \right|_{t=0}", "6",
            lambda: Reference(sp.diff(z14, t).subs(t, 0), sp.Integer(6)))
items.right("3.4-chain", f"{ST}, §3.4 (the chain rule)",
            r"\frac{d}{dt} \sin(t^2)", r"2t \cos(t^2)", lambda: Reference(sp.diff(sp.sin(t**2), t), 2 * t * sp.cos(t**2)))
items.wrong("3.4-chain-inner", f"{ST}, §3.4 (the chain rule)",
            r"\frac{d}{dt} \sin(t^2)", r"\cos(t^2)",
            lambda: Reference(sp.diff(sp.sin(t**2), t), sp.cos(t**2), witness={"t": 1}), "the inner derivative dropped")
items.wrong("3.4-chain-argument", f"{ST}, §3.4 (the chain rule)",
            r"\frac{d}{dt} \sin(t^2)", r"2t \cos(2t)",
            lambda: Reference(sp.diff(sp.sin(t**2), t), 2 * t * sp.cos(2 * t), witness={"t": 1}),
            "the outer derivative evaluated at the inner derivative")
items.right("2.7-derivative-limit", f"{ST}, §2.7, Definition 4",
            r"\lim_{h \to 0} \frac{(x + h)^2 - x^2}{h}", "2x", lambda: Reference(sp.limit(((x + h) ** 2 - x**2) / h, h, 0), 2 * x))
items.wrong("2.7-derivative-limit-power", f"{ST}, §2.7, Definition 4",
            r"\lim_{h \to 0} \frac{(x + h)^2 - x^2}{h}", "x^2",
            lambda: Reference(sp.limit(((x + h) ** 2 - x**2) / h, h, 0), x**2, witness={"x": 1}), "the function for its derivative")
items.right("5.2-integral", f"{ST}, §5.2, Example 2 (a definite integral)",
            r"\int_0^1 x^2 \, dx", r"\frac{1}{3}", lambda: Reference(sp.integrate(x**2, (x, 0, 1)), sp.Rational(1, 3)))
items.wrong("5.2-integral-power", f"{ST}, §5.2, Example 2 (a definite integral)",
            r"\int_0^1 x^2 \, dx", r"\frac{1}{2}",
            lambda: Reference(sp.integrate(x**2, (x, 0, 1)), sp.Rational(1, 2), witness={}), "the antiderivative's exponent not raised")
items.right("5.3-integral-exp", f"{ST}, §5.3 (the fundamental theorem)",
            r"\int_0^1 e^{x} \, dx", r"e - 1", lambda: Reference(sp.integrate(sp.exp(x), (x, 0, 1)), sp.E - 1))
items.wrong("5.3-integral-exp-bound", f"{ST}, §5.3 (the fundamental theorem)",
            r"\int_0^1 e^{x} \, dx", "e",
            lambda: Reference(sp.integrate(sp.exp(x), (x, 0, 1)), sp.E, witness={}), "the lower limit's value e^0 = 1 forgotten")
# completing the square
APPE = f"{ST}, Appendix E / §14.7 (completing the square)"
a_nz = [r"a \neq 0"]
sq = a * (x + b / (2 * a)) ** 2 + c - b**2 / (4 * a)
items.right("complete-square", APPE, r"a x^2 + b x + c", r"a\left(x + \frac{b}{2a}\right)^2 + c - \frac{b^2}{4a}",
            lambda: Reference(a * x**2 + b * x + c, sq), assume=a_nz)
SQW = {"a": 1, "b": 2, "c": 0, "x": 0}
items.wrong("complete-square-constant", APPE, r"a x^2 + b x + c", r"a\left(x + \frac{b}{2a}\right)^2 + c - \frac{b^2}{2a}",
            lambda: Reference(a * x**2 + b * x + c, a * (x + b / (2 * a)) ** 2 + c - b**2 / (2 * a), (sp.Ne(a, 0),), witness=SQW),
            "the subtracted square not divided by 4a", assume=a_nz)
items.wrong("complete-square-half", APPE, r"a x^2 + b x + c", r"a\left(x + \frac{b}{a}\right)^2 + c - \frac{b^2}{4a}",
            lambda: Reference(a * x**2 + b * x + c, a * (x + b / a) ** 2 + c - b**2 / (4 * a), (sp.Ne(a, 0),), witness=SQW),
            "b/a for b/(2a) inside the square", assume=a_nz)
items.wrong("complete-square-sign", APPE, r"a x^2 + b x + c", r"a\left(x - \frac{b}{2a}\right)^2 + c - \frac{b^2}{4a}",
            lambda: Reference(a * x**2 + b * x + c, a * (x - b / (2 * a)) ** 2 + c - b**2 / (4 * a), (sp.Ne(a, 0),), witness=SQW | {"x": 1}),
            "sign error inside the square", assume=a_nz)
items.right("complete-square-number", APPE, r"x^2 + 6x + 5", r"(x + 3)^2 - 4", lambda: Reference(x**2 + 6 * x + 5, (x + 3) ** 2 - 4))
items.wrong("complete-square-number-sign", APPE, r"x^2 + 6x + 5", r"(x + 3)^2 + 4",
            lambda: Reference(x**2 + 6 * x + 5, (x + 3) ** 2 + 4, witness={"x": 0}), "sign error on the constant")
items.right("complete-square-two", f"{ST}, §14.7 (a quadratic form in two variables)", r"x^2 + 4xy + 5y^2", r"(x + 2y)^2 + y^2",
            lambda: Reference(x**2 + 4 * x * y + 5 * y**2, (x + 2 * y) ** 2 + y**2))
items.wrong("complete-square-two-remainder", f"{ST}, §14.7 (a quadratic form in two variables)", r"x^2 + 4xy + 5y^2",
            r"(x + 2y)^2 + 5y^2", lambda: Reference(x**2 + 4 * x * y + 5 * y**2, (x + 2 * y) ** 2 + 5 * y**2, witness={"x": 0, "y": 1}),
            "the 4y^2 inside the square not subtracted")
row, col = sp.Matrix([[x, y]]), sp.Matrix([x, y])
FORM = f"{STRANG}, §6.5 (a quadratic form as x^T A x)"
items.right("quadratic-form", FORM,
            r"\begin{pmatrix} x & y \end{pmatrix} \begin{pmatrix} 1 & 2 \\ 2 & 5 \end{pmatrix} \begin{pmatrix} x \\ y \end{pmatrix}",
            r"x^2 + 4xy + 5y^2", lambda: Reference((row * sp.Matrix([[1, 2], [2, 5]]) * col)[0], x**2 + 4 * x * y + 5 * y**2))
items.right("quadratic-form-unsymmetric", FORM,
            r"\begin{pmatrix} x & y \end{pmatrix} \begin{pmatrix} 1 & 4 \\ 0 & 5 \end{pmatrix} \begin{pmatrix} x \\ y \end{pmatrix}",
            r"x^2 + 4xy + 5y^2", lambda: Reference((row * sp.Matrix([[1, 4], [0, 5]]) * col)[0], x**2 + 4 * x * y + 5 * y**2))
items.wrong("quadratic-form-doubled", FORM,
            r"\begin{pmatrix} x & y \end{pmatrix} \begin{pmatrix} 1 & 4 \\ 4 & 5 \end{pmatrix} \begin{pmatrix} x \\ y \end{pmatrix}",
            r"x^2 + 4xy + 5y^2",
            lambda: Reference((row * sp.Matrix([[1, 4], [4, 5]]) * col)[0], x**2 + 4 * x * y + 5 * y**2, witness={"x": 1, "y": 1}),
            "the off-diagonal entry set to the cross coefficient: each appears twice")

# matrices: n x n symbols; labels proven on a symbolic 2 x 2 instance and checked on integer 3 x 3 ones
n = sp.Symbol("n", integer=True, positive=True)
A, B, C = (sp.MatrixSymbol(name, n, n) for name in "ABC")
xv, yv, bv = (sp.MatrixSymbol(name, n, 1) for name in ("x", "y", "b"))
ABC = {"matrices": ("A", "B", "C")}
VECS = {"matrices": ("A",), "vectors": ("x", "y", "b")}


def _symbolic2(symmetric: bool = False) -> dict:
    """A 2 x 2 instance with symbolic entries (A symmetric when asked)."""
    e = sp.symbols("a_11 a_12 a_21 a_22 b_11 b_12 b_21 b_22 c_11 c_12 c_21 c_22", real=True)
    a21 = e[1] if symmetric else e[2]
    vec = sp.symbols("x_1 x_2 y_1 y_2 v_1 v_2", real=True)
    return {"n": 2, "A": [[e[0], e[1]], [a21, e[3]]], "B": [[e[4], e[5]], [e[6], e[7]]], "C": [[e[8], e[9]], [e[10], e[11]]],
            "x": [[vec[0]], [vec[1]]], "y": [[vec[2]], [vec[3]]], "b": [[vec[4]], [vec[5]]]}


def _integer3(seed: int, symmetric: bool = False, count: int = 2) -> tuple[dict, ...]:
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < count:
        m = {k: rng.integers(-3, 4, size=(3, 3)) for k in "ABC"}
        if symmetric:
            m["A"] = m["A"] + m["A"].T
        if any(round(np.linalg.det(v)) == 0 for v in m.values()):
            continue
        out.append({"n": 3} | {k: v.tolist() for k, v in m.items()}
                   | {k: rng.integers(-3, 4, size=(3, 1)).tolist() for k in ("x", "y", "b")})
    return tuple(out)


ALL = (_symbolic2(),) + _integer3(3)
SYM = (_symbolic2(symmetric=True),) + _integer3(4, symmetric=True)
MW = {"n": 2, "A": [[1, 2], [0, 1]], "B": [[1, 0], [3, 1]], "C": [[0, 1], [1, 0]], "x": [[1], [0]], "y": [[0], [1]], "b": [[1], [2]]}
TRANSPOSE = f"{STRANG}, §2.7 (transposes)"
items.right("transpose-product", TRANSPOSE, r"(A B)^T", r"B^T A^T", lambda: Reference((A * B).T, B.T * A.T, instances=ALL), notation=ABC)
items.wrong("transpose-product-order", TRANSPOSE, r"(A B)^T", r"A^T B^T",
            lambda: Reference((A * B).T, A.T * B.T, witness=MW), "the order of the factors kept under the transpose", notation=ABC)
items.right("transpose-top", TRANSPOSE, r"(A B)^\top", r"B^\top A^\top", lambda: Reference((A * B).T, B.T * A.T, instances=ALL), notation=ABC)
items.right("transpose-three", TRANSPOSE, r"(A B C)^\top", r"C^\top B^\top A^\top",
            lambda: Reference((A * B * C).T, C.T * B.T * A.T, instances=ALL), notation=ABC)
items.wrong("transpose-three-order", TRANSPOSE, r"(A B C)^\top", r"C^\top A^\top B^\top",
            lambda: Reference((A * B * C).T, C.T * A.T * B.T, witness=MW), "only the last factor moved", notation=ABC)
items.right("transpose-twice", TRANSPOSE, r"(A^\top)^\top", "A", lambda: Reference(A.T.T, A, instances=ALL), notation=ABC)
items.right("transpose-sum", TRANSPOSE, r"(A + B)^\top", r"A^\top + B^\top", lambda: Reference((A + B).T, A.T + B.T, instances=ALL), notation=ABC)
items.right("transpose-scalar", TRANSPOSE, r"x^\top A x", r"x^\top A^\top x",
            lambda: Reference(xv.T * A * xv, xv.T * A.T * xv, instances=ALL), notation=VECS)
items.right("inner-product-symmetric", TRANSPOSE, r"x^\top y", r"y^\top x", lambda: Reference(xv.T * yv, yv.T * xv, instances=ALL), notation=VECS)
items.right("inner-product-adjoint", TRANSPOSE, r"\langle A x, y \rangle", r"\langle x, A^\top y \rangle",
            lambda: Reference((A * xv).T * yv, xv.T * (A.T * yv), instances=ALL), notation=VECS)
items.wrong("inner-product-adjoint-untransposed", TRANSPOSE, r"\langle A x, y \rangle", r"\langle x, A y \rangle",
            lambda: Reference((A * xv).T * yv, xv.T * (A * yv), witness=MW), "the transpose dropped: A is not symmetric", notation=VECS)
INVERSE = f"{STRANG}, §2.5 (inverses)"
items.right("inverse-product", INVERSE, r"(A B)^{-1}", r"B^{-1} A^{-1}",
            lambda: Reference((A * B).inverse(), B.inverse() * A.inverse(), instances=_integer3(5)), notation=ABC)
items.wrong("inverse-product-order", INVERSE, r"(A B)^{-1}", r"A^{-1} B^{-1}",
            lambda: Reference((A * B).inverse(), A.inverse() * B.inverse(), witness=MW), "the order of the factors kept", notation=ABC)
items.right("inverse-transpose", INVERSE, r"(A^{-1})^\top", r"(A^\top)^{-1}",
            lambda: Reference(A.inverse().T, A.T.inverse(), instances=_integer3(6)), notation=ABC)
items.right("square-of-sum", f"{STRANG}, §2.4 (matrix multiplication does not commute)", r"(A + B)^2", r"A^2 + A B + B A + B^2",
            lambda: Reference((A + B) ** 2, A**2 + A * B + B * A + B**2, instances=ALL), notation=ABC)
items.wrong("square-of-sum-commuted", f"{STRANG}, §2.4 (matrix multiplication does not commute)", r"(A + B)^2", r"A^2 + 2 A B + B^2",
            lambda: Reference((A + B) ** 2, A**2 + 2 * A * B + B**2, witness=MW), "AB and BA taken as equal", notation=ABC)
items.wrong("difference-of-squares", f"{STRANG}, §2.4 (matrix multiplication does not commute)", r"(A - B)(A + B)", r"A^2 - B^2",
            lambda: Reference((A - B) * (A + B), A**2 - B**2, witness=MW), "AB and BA taken as equal", notation=ABC)
DET = f"{STRANG}, §5.1 (properties of the determinant)"
items.right("det-product", DET, r"\det(A B)", r"\det(A) \det(B)",
            lambda: Reference(sp.Determinant(A * B), sp.Determinant(A) * sp.Determinant(B), instances=ALL), notation=ABC)
items.wrong("det-sum", DET, r"\det(A + B)", r"\det(A) + \det(B)",
            lambda: Reference(sp.Determinant(A + B), sp.Determinant(A) + sp.Determinant(B), witness=MW), "the determinant taken as linear",
            notation=ABC)
A2 = sp.MatrixSymbol("A", 2, 2)
items.right("det-scale-2", DET, r"\det(2A)", r"4 \det A",
            lambda: Reference(sp.Determinant(2 * A2), 4 * sp.Determinant(A2), instances=(_symbolic2(),)), notation={"matrices": {"A": (2, 2)}})
items.wrong("det-scale-2-linear", DET, r"\det(2A)", r"2 \det A",
            lambda: Reference(sp.Determinant(2 * A2), 2 * sp.Determinant(A2), witness={"A": [[1, 0], [0, 1]]}),
            "the scalar taken out once instead of once per row", notation={"matrices": {"A": (2, 2)}})
items.right("det-transpose", DET, r"\det(A^\top)", r"\det A", lambda: Reference(sp.Determinant(A.T), sp.Determinant(A), instances=ALL),
            notation=ABC)
items.right("det-inverse", DET, r"\det(A^{-1})", r"\frac{1}{\det A}",
            lambda: Reference(sp.Determinant(A.inverse()), 1 / sp.Determinant(A), instances=_integer3(7)), notation=ABC)
# matrix calculus and completing the square in matrix form
S2 = _symbolic2()
X2, A2s, B2 = sp.Matrix(S2["x"]), sp.Matrix(S2["A"]), sp.Matrix(S2["b"])


def _gradient(expr: sp.Expr) -> sp.Matrix:
    """The gradient with respect to the entries of the 2-vector x, built entry by entry."""
    return sp.Matrix([sp.diff(expr, v) for v in X2])


items.right("gradient-quadratic", f"{COOK}, eq. 81", r"\nabla_x (x^\top A x)", r"(A + A^\top) x",
            lambda: Reference(_gradient((X2.T * A2s * X2)[0]), (A2s + A2s.T) * X2), notation=VECS)
items.wrong("gradient-quadratic-symmetric", f"{COOK}, eq. 81", r"\nabla_x (x^\top A x)", r"2 A x",
            lambda: Reference(_gradient((X2.T * A2s * X2)[0]), 2 * A2s * X2,
                              witness={"a_11": 1, "a_12": 2, "a_21": 0, "a_22": 1, "x_1": 1, "x_2": 1}),
            "2Ax, which needs A symmetric", notation=VECS)
items.right("gradient-linear", f"{COOK}, eq. 69", r"\nabla_x (b^\top x)", "b",
            lambda: Reference(_gradient((B2.T * X2)[0]), B2), notation=VECS)
CSQ = f"{ST}, §14.7 in matrix form (A symmetric invertible)"
quad = xv.T * A * xv - 2 * bv.T * xv
shift = xv - A.inverse() * bv
items.right("complete-square-matrix", CSQ,
            r"x^T A x - 2 b^T x", r"(x - A^{-1} b)^T A (x - A^{-1} b) - b^T A^{-1} b",
            lambda: Reference(quad, shift.T * A * shift - bv.T * A.inverse() * bv, instances=SYM), notation=VECS, symmetric=["A"])
MSW = {"n": 2, "A": [[2, 1], [1, 1]], "x": [[1], [0]], "b": [[1], [0]]}
items.wrong("complete-square-matrix-sign", CSQ,
            r"x^T A x - 2 b^T x", r"(x - A^{-1} b)^T A (x - A^{-1} b) + b^T A^{-1} b",
            lambda: Reference(quad, shift.T * A * shift + bv.T * A.inverse() * bv, witness=MSW),
            "sign error on the constant term", notation=VECS, symmetric=["A"])
items.wrong("complete-square-matrix-inverse", CSQ,
            r"x^T A x - 2 b^T x", r"(x - A^{-1} b)^T A (x - A^{-1} b) - b^T A b",
            lambda: Reference(quad, shift.T * A * shift - bv.T * A * bv, witness=MSW),
            "A for A^{-1} in the constant term", notation=VECS, symmetric=["A"])
items.wrong("complete-square-matrix-unsymmetric", f"{ST}, §14.7 in matrix form, A not declared symmetric",
            r"x^T A x - 2 b^T x", r"(x - A^{-1} b)^T A (x - A^{-1} b) - b^T A^{-1} b",
            lambda: Reference(quad, shift.T * A * shift - bv.T * A.inverse() * bv,
                              witness={"n": 2, "A": [[1, 1], [0, 1]], "x": [[0], [1]], "b": [[1], [0]]}),
            "the identity needs A symmetric, which is not stated", notation=VECS)
items.wrong("complete-square-matrix-direction", CSQ,
            r"x^T A x - 2 b^T x", r"(x + A^{-1} b)^T A (x + A^{-1} b) - b^T A^{-1} b",
            lambda: Reference(quad, (xv + A.inverse() * bv).T * A * (xv + A.inverse() * bv) - bv.T * A.inverse() * bv, witness=MSW),
            "sign error inside the square", notation=VECS, symmetric=["A"])

ITEMS = list(items)
