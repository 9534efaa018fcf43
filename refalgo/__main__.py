"""``python -m refalgo`` runs the command line (see :mod:`refalgo.cli`)."""

from .cli import main

raise SystemExit(main())
