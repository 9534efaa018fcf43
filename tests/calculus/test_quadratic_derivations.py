"""The quadratic-forms page's derivations: every chain is proven, not only checked at sample points."""

from __future__ import annotations

import pytest

from refalgo.calculus import quadratic, quadratic_form


@pytest.mark.parametrize("d", quadratic_form.derivations() + quadratic.derivations(), ids=lambda d: d.title)
def test_derivations_are_proven(d) -> None:
    v = d.verify()
    assert v.status == "proven", v.summary()
