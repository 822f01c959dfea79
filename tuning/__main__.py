"""``python -m tuning``: see :mod:`tuning.cli`."""

from tuning.cli import main

raise SystemExit(main())
