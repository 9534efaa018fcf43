"""Calculus: directional derivatives and the gradient; quadratic forms and completing the square.

Each concept lives in its own module with both twins side by side; the public names
are re-exported here.
"""

__all__: list[str] = []
