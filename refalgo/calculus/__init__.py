"""Calculus: directional derivatives and the gradient; quadratic forms and completing the square.

Each concept lives in its own module with both twins side by side; the public names
are re-exported here.
"""

__all__: list[str] = []

from .quadratic import (
    CompletedSquare,
    QuadraticExtremum,
    QuadraticExtremumSymbolic,
    QuadraticForm,
    quadratic_extremum,
    quadratic_extremum_symbolic,
    quadratic_form_symbolic,
)

__all__ += [
    "CompletedSquare",
    "QuadraticExtremum",
    "QuadraticExtremumSymbolic",
    "QuadraticForm",
    "quadratic_extremum",
    "quadratic_extremum_symbolic",
    "quadratic_form_symbolic",
]
