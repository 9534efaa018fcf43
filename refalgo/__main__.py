"""``python -m refalgo`` runs the command line (see `refalgo.cli`)."""

from .cli import main

raise SystemExit(main())
