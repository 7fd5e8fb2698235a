"""The warehouse: extract-load into DuckDB, the dbt project, index numbers, credit refits.

The app calls ``build_warehouse`` (CLI command, nightly Celery task); analysts read the
DuckDB file read-only or the Parquet files ``export_parquet`` writes. Names are imported
lazily so ``warehouse.indices`` stays a light, dependency-free import.
"""

from __future__ import annotations

from importlib import import_module

_EXPORTS = {
    "BuildResult": "warehouse.build",
    "WarehouseBuildError": "warehouse.build",
    "build_warehouse": "warehouse.build",
    "export_parquet": "warehouse.build",
    "FileLock": "warehouse.lock",
    "WarehouseBusyError": "warehouse.lock",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'warehouse' has no attribute {name!r}")
