"""Build the warehouse: extract-load into DuckDB, then ``dbt build``, under a lock.

``build_warehouse`` is what the app's CLI command and nightly Celery task call; ``python -m
warehouse build`` calls it with the app's configuration.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import duckdb

from warehouse.extract.load import ExtractParams, TableLoad, extract_load
from warehouse.lock import BuildLock, FileLock, WarehouseBusyError

PROJECT_DIR = Path(__file__).resolve().parent / "dbt_project"
FAILED = ("error", "fail", "runtime error")


@dataclass(frozen=True)
class BuildResult:
    """What a build did: rows per table, dbt outcome and timings."""

    warehouse_path: str
    full: bool
    success: bool
    tables: tuple[TableLoad, ...]
    extract_seconds: float
    dbt_seconds: float
    dbt_nodes: int
    dbt_failures: tuple[str, ...] = field(default=())
    # CPU seconds of this process (all threads) per phase: robust to a busy machine
    extract_cpu_seconds: float = 0.0
    dbt_cpu_seconds: float = 0.0

    @property
    def rows_loaded(self) -> int:
        """Rows read from the operational database in this build."""
        return sum(t.rows for t in self.tables)


class WarehouseBuildError(RuntimeError):
    """dbt could not build the warehouse (the result is attached)."""

    def __init__(self, result: BuildResult) -> None:
        super().__init__(f"dbt build failed: {', '.join(result.dbt_failures) or 'see the dbt log'}")
        self.result = result


def build_warehouse(
    database_url: str,
    warehouse_path: str | os.PathLike,
    hmac_key: str,
    full: bool = False,
    *,
    lock: BuildLock | None = None,
    wait_seconds: float | None = 0,
    lookback: timedelta = timedelta(days=3),
    unit_tests: bool = False,
    dbt_vars: dict | None = None,
    quiet: bool = True,
) -> BuildResult:
    """Copy the operational database into ``warehouse_path`` and rebuild every model.

    ``full`` reloads every table and rebuilds from scratch (published index values are
    kept). Only one build runs at a time: ``lock`` defaults to a file lock next to the
    warehouse (pass a redis-py ``Lock`` on multi-host deployments); ``wait_seconds`` is how
    long to wait for it (0: refuse at once, None: wait forever) before raising
    ``WarehouseBusyError``. dbt's data tests always run; ``unit_tests`` adds the dbt unit
    tests (CI). Raises ``WarehouseBuildError`` when a model or test fails.

    The build works on a copy (``<name>.building.duckdb``) that replaces the file only when
    every model and test passed: readers are never blocked by a build, a connection opened
    before the swap keeps reading the old file, and a failed build publishes nothing (its
    watermarks are discarded with it, so the next build re-reads the same changes).
    """
    path = Path(warehouse_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(f"{path.stem}.building{path.suffix}")
    with _held(lock or FileLock.for_warehouse(path), wait_seconds):
        started, started_cpu = time.monotonic(), time.process_time()
        _copy_for_build(path, building)
        try:
            con = duckdb.connect(str(building))
            try:
                params = ExtractParams(database_url, hmac_key, lookback=lookback, full=full)
                tables = tuple(extract_load(con, params))
            finally:
                con.close()
            extracted, extracted_cpu = time.monotonic(), time.process_time()
            nodes, failures = run_dbt(
                building,
                work_dir=_work_dir(path),
                # incremental models follow meta.extract_changes; a table reloaded wholesale
                # (new key, changed columns) may have lost rows: rebuild every model then
                full=full or any(t.replaced for t in tables),
                unit_tests=unit_tests,
                dbt_vars=dbt_vars,
                quiet=quiet,
            )
            if not failures:
                os.replace(building, path)
        finally:
            _remove(building)
    result = BuildResult(
        warehouse_path=str(path),
        full=full,
        success=not failures,
        tables=tables,
        extract_seconds=round(extracted - started, 3),
        dbt_seconds=round(time.monotonic() - extracted, 3),
        dbt_nodes=nodes,
        dbt_failures=tuple(failures),
        extract_cpu_seconds=round(extracted_cpu - started_cpu, 3),
        dbt_cpu_seconds=round(time.process_time() - extracted_cpu, 3),
    )
    if failures:
        raise WarehouseBuildError(result)
    return result


def _copy_for_build(path: Path, building: Path) -> None:
    """Start the build from the current warehouse (watermarks, published indices)."""
    _remove(building)
    if path.exists():
        shutil.copyfile(path, building)
        wal = path.with_name(f"{path.name}.wal")
        if wal.exists():  # left by a reader or a crash: it belongs to the copied state
            shutil.copyfile(wal, building.with_name(f"{building.name}.wal"))


def _remove(building: Path) -> None:
    for leftover in (building, building.with_name(f"{building.name}.wal")):
        leftover.unlink(missing_ok=True)


def _work_dir(warehouse_path: Path) -> Path:
    """dbt's target/ and logs/ for this warehouse: ``<warehouse>.dbt`` next to the file."""
    return warehouse_path.parent / f"{warehouse_path.name}.dbt"


@contextmanager
def _held(lock: BuildLock, wait_seconds: float | None) -> Iterator[None]:
    blocking = wait_seconds is None or wait_seconds > 0
    if not lock.acquire(blocking=blocking, blocking_timeout=wait_seconds if blocking else None):
        raise WarehouseBusyError("another warehouse build is running")
    try:
        yield
    finally:
        lock.release()


def run_dbt(
    warehouse_path: Path,
    *,
    work_dir: Path | None = None,
    command: str = "build",
    full: bool = False,
    unit_tests: bool = False,
    dbt_vars: dict | None = None,
    quiet: bool = True,
    extra: list[str] | None = None,
) -> tuple[int, list[str]]:
    """Run a dbt command on the project in-process; return (nodes run, failed node ids).

    dbt's target/ and logs/ go next to the warehouse file so an installed (read-only)
    package works and two warehouses never share partial-parse state.
    """
    from dbt.cli.main import dbtRunner

    work = work_dir or _work_dir(warehouse_path)
    args = [
        *command.split(),
        "--project-dir", str(PROJECT_DIR),
        "--profiles-dir", str(PROJECT_DIR),
        "--target-path", str(work / "target"),
        "--log-path", str(work / "logs"),
    ]  # fmt: skip
    if quiet:
        args.insert(0, "--quiet")
    if command == "build":
        if full:
            args.append("--full-refresh")
        if not unit_tests:
            args += ["--exclude-resource-type", "unit_test"]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars)]
    args += extra or []
    with _env("WAREHOUSE_PATH", str(warehouse_path.resolve())):
        try:
            outcome = dbtRunner().invoke(args)
        finally:
            _release_duckdb()
    results = getattr(outcome.result, "results", None) or []
    failures = [r.node.unique_id for r in results if str(r.status) in FAILED]
    if not outcome.success and not failures:
        message = str(outcome.exception).strip() if outcome.exception else "dbt failed"
        failures = [message.splitlines()[0][:500] if message else "dbt failed"]
    return len(results), failures


def _release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process after a run.

    Otherwise a Celery worker that built the warehouse would hold the file open for
    writing and every analyst's read-only connection would be refused until it exits.
    """
    import gc

    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
    if environment is not None:
        environment.close()
    gc.collect()  # cursors and relations of Python models hold the database too


@contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


def export_parquet(warehouse_path: str | os.PathLike, directory: str | os.PathLike) -> list[Path]:
    """Write every mart to ``directory/<mart>.parquet``; returns the files written.

    Opens the warehouse read-only, so it waits for nothing but fails while a build holds it.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        marts = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by table_name"
            ).fetchall()
        ]
        written = []
        for mart in marts:
            target = out / f"{mart}.parquet"
            con.execute(f"copy marts.\"{mart}\" to '{target.as_posix()}' (format parquet)")
            written.append(target)
        return written
    finally:
        con.close()
