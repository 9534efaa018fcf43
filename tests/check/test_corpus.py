"""The derivation checker against a corpus of real steps labelled independently of it.

Every item of `tests.check.corpus.steps.ITEMS` is one step as Sutton & Barto, Zhao, the
DPO, Adam and AdamW papers, Stewart, or issue 10's trap list write it, labelled right or
wrong. Two kinds of test:

* `test_label` confirms each label from the item's hand-built SymPy reference (a
  simplification to 0, or an exact counterexample at a witness that satisfies the
  conditions); it never calls the checker.
* `test_checker` runs the checker on each item. A wrong step must never be reported
  proven or checked: that assertion has no exceptions. A right step must be proven or
  checked, except the items listed below, each with the reason: those the checker
  cannot read yet must be refused with a ParseError (or an AmbiguousNotation, which
  asks instead of guessing), and those it reads but does not decide within the budget
  must come back undecided — never failed. Either list failing to match, in either
  direction, fails the test, so a change in what the checker supports is never silent.

Per-step budgets bound the run time: `run.TIMEOUT` for wrong steps and expected-undecided
ones, a larger one for right steps that are expected to hold (they take a fraction of a
second; the margin keeps a loaded machine from turning them undecided).
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.check.corpus.model import Item, confirm
from tests.check.corpus.run import HOLDS, TIMEOUT, check
from tests.check.corpus.steps import BY_ID, ITEMS, SOURCES

RIGHT_TIMEOUT = 20.0  # the checker's own default

# Right or wrong steps the checker cannot read yet: refused with a ParseError (or an
# AmbiguousNotation), never misread. Remove an entry when the checker learns to read it.
EXPECTED_UNREADABLE = {
    "trap-transpose-commute-undeclared": "A^T with A undeclared: a power or a transpose (the checker asks)",
}

# Right steps the checker reads but may not decide within the budget (never failed); the
# report (tests/check/corpus/report.py) lists which of them an idle machine decides.
EXPECTED_UNDECIDED = {
    "sb-6.8-q-learning-target": "a max over a declared action set with a shifted argument",
    "sb-6.8-q-learning-discount": "a positive factor through a max over actions",
    "sb-6.9-expected-sarsa": "needs the policy's weights to sum to 1",
    "sb-7.1-n-step-recursion": "a sum with a symbolic number of terms, re-indexed",
    "sb-13.10-baseline-zero": "the gradient of a declared distribution's total",
    "sb-13.11-baseline-expectation": "the gradient of a declared distribution's total",
    "zh-3.max-shift": "a constant through a max over actions",
    "zh-10.advantage": "needs the policy's weights to sum to 1",
    "ml-dpo-5-reward": "logarithms of positive function values",
    "ml-dpo-5-log-combine": "logarithms of positive function values",
    "ml-dpo-a1-objective": "logarithms of positive function values under a declared distribution",
    "ml-kl-split": "logarithms of a positive indexed family",
    "ml-adam-3-unbiased": "a geometric sum with a symbolic number of terms",
    "ml-adam-2-efficient": "square roots of quotients of symbolic powers",
    "ml-adam-3-correction-vanishes": "a limit of a power with a symbolic base",
    "trap-expectation-constant": "needs the policy's weights to sum to 1",
}


def _id(item: Item) -> str:
    return item.id


def test_corpus_shape() -> None:
    """The corpus holds at least 150 steps, right ones and wrong variants from every source, each
    wrong one naming its mistake."""
    assert len(ITEMS) >= 150, len(ITEMS)
    for source, items in SOURCES.items():
        labels = Counter(item.label for item in items)
        assert labels["right"] >= 5 and labels["wrong"] >= 5, (source, labels)
    for item in ITEMS:
        assert item.label in ("right", "wrong"), item.id
        assert (item.label == "wrong") == bool(item.mistake), f"{item.id}: a wrong item names its mistake, a right one none"
    assert set(EXPECTED_UNREADABLE) <= set(BY_ID), set(EXPECTED_UNREADABLE) - set(BY_ID)
    assert set(EXPECTED_UNDECIDED) <= set(BY_ID), set(EXPECTED_UNDECIDED) - set(BY_ID)
    assert all(BY_ID[i].label == "right" for i in EXPECTED_UNDECIDED)
    assert not set(EXPECTED_UNREADABLE) & set(EXPECTED_UNDECIDED)


@pytest.mark.parametrize("item", ITEMS, ids=_id)
def test_label(item: Item) -> None:
    """Each corpus label follows from a hand-built SymPy reference alone, without the checker: a
    right step's difference simplifies to 0, a wrong step's sides differ exactly at a witness
    that satisfies its conditions."""
    confirm(item.label, item.reference())


@pytest.mark.parametrize("item", ITEMS, ids=_id)
def test_checker(item: Item) -> None:
    """The checker never reports a wrong step of the corpus proven or checked, and proves or checks
    every right step except those listed as not yet readable (refused, never misread) or not yet
    decided within the budget (undecided, never failed)."""
    expected_to_hold = item.label == "right" and item.id not in EXPECTED_UNREADABLE and item.id not in EXPECTED_UNDECIDED
    outcome = check(item, RIGHT_TIMEOUT if expected_to_hold else TIMEOUT)
    said = f"{item.id}: {item.lhs}  =  {item.rhs}  ->  {outcome.status}: {outcome.detail}"
    assert not outcome.false_proven, f"a wrong step reported {outcome.status} ({item.mistake}). {said}"
    assert outcome.status != "error", said
    if item.id in EXPECTED_UNREADABLE:
        assert outcome.status in ("refused", "ambiguous"), f"now read: remove it from EXPECTED_UNREADABLE. {said}"
        assert outcome.detail.strip(), said
        return
    assert outcome.status not in ("refused", "ambiguous"), f"no longer read. {said}"
    assert not outcome.false_alarm, f"a right step reported failed. {said}"
    if item.id in EXPECTED_UNDECIDED:
        # Whether these finish inside the budget depends on the machine's speed: undecided
        # on a loaded machine, checked on an idle one. Either is honest; failing is not.
        assert outcome.status in ("undecided", *HOLDS), said
    elif item.label == "right":
        assert outcome.status in HOLDS, said
