"""Benchmarks: refalgo side by side with the library a user would otherwise pick.

Each ``bench_*.py`` module has ``main(argv)`` that runs its comparison in one process,
prints a table of ratios and writes ``results/<name>.json`` and ``results/<name>.md``;
the docs include the Markdown tables. Run all with ``make bench`` or one with
``python -m benchmarks NAME``.
"""
