"""A corpus of real derivation steps, labelled right or wrong independently of the checker.

`model` defines an item and how its label is confirmed from a hand-built SymPy reference;
the ``steps_*`` modules hold the items by source; `steps.ITEMS` gathers them; `run`
passes an item to the checker; ``python -m tests.check.corpus.report`` prints the metrics.
"""
