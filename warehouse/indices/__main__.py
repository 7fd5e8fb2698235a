"""Entry point for ``python -m warehouse.indices``."""

from warehouse.indices.cli import main

raise SystemExit(main())
