"""The geometry chapter's machinery, imported only by its concept modules.

:mod:`.bounds` holds the constants of the float filter and of the range where expansion
arithmetic is exact; :mod:`.kernels` decides orientations in compiled loops (the filter,
then Shewchuk's expansion arithmetic) and runs Andrew's monotone chain on top of them.
:mod:`.kernels` imports numba and is imported only on first use.
"""
