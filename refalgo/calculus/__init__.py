"""Calculus: directional derivatives; the gradient and steepest ascent; quadratic forms and completing the square.

Each concept lives in its own module with both twins side by side; the public names
are re-exported here, except ``quadratic_form``, the numeric twin of
``quadratic_form_symbolic``, which would hide the module of the same name: import it as
``from refalgo.calculus.quadratic_form import quadratic_form``.
"""

__all__: list[str] = []

from .quadratic import (
    CompletedSquare,
    QuadraticExtremum,
    QuadraticExtremumSymbolic,
    quadratic_extremum,
    quadratic_extremum_symbolic,
)
from .quadratic_form import QuadraticForm, quadratic_form_symbolic

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
    directional_derivative,
    directional_derivative_symbolic,
    partial_derivative,
    partial_derivative_symbolic,
)

__all__ += [
    "directional_derivative",
    "directional_derivative_symbolic",
    "partial_derivative",
    "partial_derivative_symbolic",
]

from .gradient_vector import (
    SteepestAscent,
    gradient,
    gradient_symbolic,
    steepest_ascent,
    steepest_ascent_symbolic,
)

__all__ += [
    "SteepestAscent",
    "gradient",
    "gradient_symbolic",
    "steepest_ascent",
    "steepest_ascent_symbolic",
]
