"""refalgo's tests: one folder per package of refalgo, shared test code imported as ``tests.<folder>.<module>``."""
