"""``python -m streamparse``: the same command line as ``streamparse``."""

from .cli import main

raise SystemExit(main())
