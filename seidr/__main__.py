"""``python -m seidr``: the command line."""

from seidr.cli import main

raise SystemExit(main())
