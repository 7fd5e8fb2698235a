"""``python -m warehouse build [--full-refresh]`` and ``python -m warehouse export-parquet DIR``."""

from warehouse.cli import main

raise SystemExit(main())
