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

from .directional import (
    SteepestAscent,
    directional_derivative,
    directional_derivative_symbolic,
    gradient,
    gradient_symbolic,
    partial_derivative,
    partial_derivative_symbolic,
    steepest_ascent,
    steepest_ascent_symbolic,
)

__all__ += [
    "SteepestAscent",
    "directional_derivative",
    "directional_derivative_symbolic",
    "gradient",
    "gradient_symbolic",
    "partial_derivative",
    "partial_derivative_symbolic",
    "steepest_ascent",
    "steepest_ascent_symbolic",
]
