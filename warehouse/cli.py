"""Command line: build the warehouse with the app's configuration, export marts to Parquet."""

from __future__ import annotations

import argparse
import sys

from warehouse.build import WarehouseBuildError, build_warehouse, export_parquet
from warehouse.lock import WarehouseBusyError


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the command; returns the exit code."""
    from api.config import load_config

    parser = argparse.ArgumentParser(prog="python -m warehouse")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="extract-load and dbt build")
    build.add_argument("--full-refresh", action="store_true", help="reload every table")
    build.add_argument("--wait", type=float, default=0, help="seconds to wait for a running build")
    build.add_argument("--unit-tests", action="store_true", help="also run dbt unit tests")
    export = commands.add_parser("export-parquet", help="write every mart as DIR/<mart>.parquet")
    export.add_argument("directory")
    args = parser.parse_args(argv)
    config = load_config()
    if args.command == "export-parquet":
        for path in export_parquet(config["WAREHOUSE_PATH"], args.directory):
            print(path)
        return 0
    try:
        result = build_warehouse(
            config["DATABASE_URL"],
            config["WAREHOUSE_PATH"],
            config["WAREHOUSE_HMAC_KEY"],
            full=args.full_refresh,
            wait_seconds=args.wait,
            unit_tests=args.unit_tests,
            quiet=False,
        )
    except WarehouseBusyError as error:
        print(f"warehouse: {error}", file=sys.stderr)
        return 3
    except WarehouseBuildError as error:
        print(f"warehouse: {error}", file=sys.stderr)
        return 1
    skipped = [t.table for t in result.tables if t.mode == "skipped"]
    print(
        f"warehouse built: {result.rows_loaded} rows loaded in {result.extract_seconds:.1f} s, "
        f"{result.dbt_nodes} dbt nodes in {result.dbt_seconds:.1f} s -> {result.warehouse_path}"
    )
    if skipped:
        print(f"not in the operational database yet: {', '.join(skipped)}")
    return 0
