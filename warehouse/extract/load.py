"""Incremental extract-load: operational database -> DuckDB ``raw`` schema.

Each allowed table is read with one query (only allow-listed columns), streamed to a private
CSV file, read by DuckDB into a temporary table, pseudonymised there, and upserted by
primary key into ``raw.<table>``. Watermarks live in ``meta.extract_watermarks`` of the
same DuckDB file, written in the same transaction as the rows they describe.

Incremental reads take every row whose watermark column is at or after
``high water - look-back`` (default 3 days), so late corrections are picked up; tables
without a timestamp are read by new primary keys plus, for line tables, every line whose
parent changed inside the look-back window.
"""

from __future__ import annotations

import logging
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import Engine

from api.zones.geometry import coarse_cell
from warehouse.extract.pseudonymise import (
    HMAC_MACRO,
    install_pseudonym_macro,
    key_fingerprint,
)
from warehouse.extract.source import SourceReader, open_reader
from warehouse.extract.spec import ALL_TABLES, Column, TableSpec

log = logging.getLogger(__name__)

META_DDL = (
    "create schema if not exists raw",
    "create schema if not exists meta",
    """create table if not exists meta.extract_watermarks (
        table_name varchar, watermark_column varchar, high_water_at timestamp,
        high_water_id bigint, rows_loaded bigint, loaded_at timestamp, key_fingerprint varchar
    )""",
)


@dataclass(frozen=True)
class ExtractParams:
    """What to copy and how: source URL, pseudonym key, look-back, full or incremental."""

    database_url: str
    hmac_key: str
    lookback: timedelta = timedelta(days=3)
    full: bool = False
    tables: tuple[TableSpec, ...] = ALL_TABLES


@dataclass(frozen=True)
class TableLoad:
    """The outcome for one table."""

    table: str
    mode: str  # "full" | "incremental" | "skipped"
    rows: int
    watermark: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class _Watermark:
    column: str | None
    high_water_at: datetime | None
    high_water_id: int | None


def extract_load(con: duckdb.DuckDBPyConnection, params: ExtractParams) -> list[TableLoad]:
    """Copy the allowed tables into ``raw`` on ``con`` and return what each table did.

    Reading a table (Python, one source snapshot) overlaps with loading the previous one
    (DuckDB, on its own cursor in a second thread), so the two cores share the work.
    """
    for statement in META_DDL:
        con.execute(statement)
    fingerprint = key_fingerprint(params.hmac_key)
    marks = _read_watermarks(con, fingerprint)
    matching = {spec.name for spec in params.tables if _raw_matches(con, spec)}
    full = params.full or not marks
    loader = con.cursor()
    loader.execute("set TimeZone = 'UTC'")
    install_pseudonym_macro(loader, params.hmac_key)
    engine = _engine(params.database_url)
    results = []
    try:
        present = _source_columns(engine)
        with (
            open_reader(engine) as reader,
            tempfile.TemporaryDirectory() as tmp,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="warehouse-load") as pool,
        ):
            pending = []
            for spec in params.tables:
                table_full = full or spec.name not in marks or spec.name not in matching
                planned = _dump_table(reader, spec, present, marks, table_full, params, Path(tmp))
                if isinstance(planned, TableLoad):
                    results.append(planned)
                    continue
                upsert_args, result = planned
                pending.append(pool.submit(_upsert, loader, *upsert_args))
                results.append(result)
            for future in pending:
                future.result()
    finally:
        engine.dispose()
        loader.close()
    for result in results:
        if result.mode != "skipped":
            con.execute(
                "update meta.extract_watermarks set key_fingerprint = ? where table_name = ?",
                [fingerprint, result.table],
            )
    return results


def _engine(url: str) -> Engine:
    from api.config import normalise_database_url

    return create_engine(normalise_database_url(url))


def _source_columns(engine: Engine) -> dict[str, set[str]]:
    inspector = inspect(engine)
    return {t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()}


def _read_watermarks(con: duckdb.DuckDBPyConnection, fingerprint: str) -> dict[str, _Watermark]:
    """Watermarks written with the current key; a changed key invalidates all of them."""
    rows = con.execute(
        "select table_name, watermark_column, high_water_at, high_water_id, key_fingerprint "
        "from meta.extract_watermarks"
    ).fetchall()
    if any(row[4] != fingerprint for row in rows):
        log.warning("warehouse key changed: reloading every table in full")
        return {}
    return {row[0]: _Watermark(row[1], row[2], row[3]) for row in rows}


def _dump_table(
    reader: SourceReader,
    spec: TableSpec,
    present: dict[str, set[str]],
    marks: dict[str, _Watermark],
    full: bool,
    params: ExtractParams,
    tmp: Path,
) -> TableLoad | tuple[tuple, TableLoad]:
    """Read one table's new rows into a CSV file; return the arguments of its upsert (or a
    skipped TableLoad when the source has no such table or key)."""
    columns = present.get(spec.name)
    if columns is None:
        return TableLoad(spec.name, "skipped", 0, reason="not in the operational database")
    if spec.primary_key not in columns:
        return TableLoad(spec.name, "skipped", 0, reason=f"no column {spec.primary_key}")
    missing = sorted({s for c in spec.columns for s in c.sources} - columns)
    if missing:
        log.warning("%s: expected columns missing, loaded as NULL: %s", spec.name, missing)
    wm_column = next((c for c in spec.watermark if c in columns), None)
    where, args = "", []
    if not full:
        where, args = _incremental_filter(spec, wm_column, marks, present, reader, params)
    path = tmp / f"{spec.name}.csv"
    select = _select_list(spec, columns, wm_column, reader)
    count = reader.dump(
        f'select {select} from "{spec.name}"{where}', args, path, _row_function(spec)
    )
    mode = "full" if full else "incremental"
    result = TableLoad(spec.name, mode, count, wm_column or spec.primary_key)
    return (spec, path, wm_column, full, count), result


def _raw_matches(con: duckdb.DuckDBPyConnection, spec: TableSpec) -> bool:
    """Whether raw.<table> exists with exactly the spec's columns (else reload in full)."""
    rows = con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'raw' and table_name = ? order by ordinal_position",
        [spec.name],
    ).fetchall()
    return [r[0] for r in rows] == [c.name for c in spec.columns]


def _incremental_filter(
    spec: TableSpec,
    wm_column: str | None,
    marks: dict[str, _Watermark],
    present: dict[str, set[str]],
    reader: SourceReader,
    params: ExtractParams,
) -> tuple[str, list]:
    """The WHERE clause reading what changed; none (read all, then upsert) when the last
    build saw no rows or the table has no usable watermark."""
    mark = marks[spec.name]
    if wm_column is not None:
        if mark.high_water_at is None or mark.column != wm_column:
            return "", []
        since = reader.timestamp_param(mark.high_water_at - params.lookback)
        return f' where "{wm_column}" >= {reader.placeholder}', [since]
    if mark.column != spec.primary_key or mark.high_water_id is None:
        return "", []
    where = f' where "{spec.primary_key}" > {reader.placeholder}'
    args: list = [mark.high_water_id]
    parent = _parent_filter(spec, marks, present, reader, params)
    if parent is not None:
        where += f" or {parent[0]}"
        args.extend(parent[1])
    return where, args


def _parent_filter(
    spec: TableSpec,
    marks: dict[str, _Watermark],
    present: dict[str, set[str]],
    reader: SourceReader,
    params: ExtractParams,
) -> tuple[str, list] | None:
    """Lines whose parent row changed inside the look-back window."""
    if spec.parent is None:
        return None
    parent_table, fk = spec.parent
    mark = marks.get(parent_table)
    if mark is None or mark.high_water_at is None or mark.column is None:
        return None
    if mark.column not in present.get(parent_table, set()):
        return None
    from warehouse.extract.spec import TABLES_BY_NAME

    parent_pk = TABLES_BY_NAME[parent_table].primary_key
    since = reader.timestamp_param(mark.high_water_at - params.lookback)
    return (
        f'"{fk}" in (select "{parent_pk}" from "{parent_table}" '
        f'where "{mark.column}" >= {reader.placeholder})',
        [since],
    )


def _select_list(
    spec: TableSpec, columns: set[str], wm_column: str | None, reader: SourceReader
) -> str:
    """Source expressions: allowed columns only (NULL when absent), then the watermark."""
    exprs = []
    for column in spec.columns:
        for source in column.sources:
            as_text = column.transform == "copy" and column.type == "VARCHAR"
            exprs.append(reader.column_expr(source, as_text) if source in columns else "null")
    exprs.append(f'"{wm_column or spec.primary_key}"')
    return ", ".join(exprs)


def _row_function(spec: TableSpec):
    """A per-row Python step, only for tables with a coarse cell (addresses)."""
    if not any(c.transform == "coarse_cell" for c in spec.columns):
        return None
    widths = [len(c.sources) for c in spec.columns]

    def convert(row: tuple) -> tuple:
        out, i = [], 0
        for column, width in zip(spec.columns, widths, strict=True):
            if column.transform == "coarse_cell":
                lat, lon = row[i], row[i + 1]
                out.append(None if lat is None or lon is None else coarse_cell(lat, lon))
            else:
                out.append(row[i])
            i += width
        out.append(row[i])
        return tuple(out)

    return convert


def _csv_type(column: Column) -> str:
    """How a column is read from the CSV: keys and timestamps as text, converted in SQL."""
    if column.transform != "copy" or column.type in ("TIMESTAMP", "BOOLEAN"):
        return "VARCHAR"
    return column.type


def _value_expr(column: Column) -> str:
    """The DuckDB expression turning an incoming CSV column into its raw value."""
    name = f'"{column.name}"'
    if column.transform in ("user_key", "collector_key"):
        namespace = column.transform.removesuffix("_key")
        return f"{HMAC_MACRO}('{namespace}', {name})"
    if column.type == "TIMESTAMP":
        # offsets (PostgreSQL) are honoured; naive values (SQLite) are already UTC
        return f"cast(cast({name} as timestamptz) as timestamp)"
    return f"cast({name} as {column.type})"


def _upsert(
    con: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    path: Path,
    wm_column: str | None,
    full: bool,
    count: int,
) -> None:
    """Replace (full) or upsert (incremental) raw.<table> and move its watermark, atomically."""
    csv_columns = {c.name: _csv_type(c) for c in spec.columns}
    csv_columns["_watermark"] = "BIGINT" if _by_id(spec, wm_column) else "VARCHAR"
    typed = ", ".join(f"'{name}': '{type_}'" for name, type_ in csv_columns.items())
    con.execute(
        "create or replace temp table _incoming as select * from read_csv("
        f"'{path.as_posix()}', header = false, columns = {{{typed}}}, quote = '\"', "
        "escape = '\"', allow_quoted_nulls = false, nullstr = '', auto_detect = false)"
    )
    body = ", ".join(f'{_value_expr(c)} as "{c.name}"' for c in spec.columns)
    table = f'raw."{spec.name}"'
    con.execute("begin transaction")
    try:
        if full:
            con.execute(f"create or replace table {table} as select {body} from _incoming")
        elif count:
            key = spec.key_column
            con.execute(
                f'delete from {table} where "{key.name}" in '
                f"(select {_value_expr(key)} from _incoming)"
            )
            con.execute(f"insert into {table} select {body} from _incoming")
        _move_watermark(con, spec, wm_column, count)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.execute("drop table if exists _incoming")
        path.unlink(missing_ok=True)


def _move_watermark(
    con: duckdb.DuckDBPyConnection, spec: TableSpec, wm_column: str | None, count: int
) -> None:
    """Advance the table's high water to the newest value seen (never move it back)."""
    column = wm_column or spec.primary_key
    if wm_column:
        newest = "max(cast(cast(_watermark as timestamptz) as timestamp))"
    elif _by_id(spec, wm_column):
        newest = "max(_watermark)"
    else:
        newest = "null"  # a text key is no watermark: such a table is re-read every time
    (new,) = con.execute(f"select {newest} from _incoming").fetchone()
    old = con.execute(
        "select high_water_at, high_water_id from meta.extract_watermarks "
        "where table_name = ? and watermark_column = ?",
        [spec.name, column],
    ).fetchone()
    old_value = None if old is None else (old[0] if wm_column else old[1])
    values = [v for v in (new, old_value) if v is not None]
    high = max(values) if values else None
    con.execute("delete from meta.extract_watermarks where table_name = ?", [spec.name])
    con.execute(
        "insert into meta.extract_watermarks values (?, ?, ?, ?, ?, ?, null)",
        [
            spec.name,
            column,
            high if wm_column else None,
            None if wm_column else high,
            count,
            datetime.now(UTC).replace(tzinfo=None),
        ],
    )


def _by_id(spec: TableSpec, wm_column: str | None) -> bool:
    """Whether the table is read by new primary keys (no timestamp, integer key)."""
    return wm_column is None and spec.key_column.type == "BIGINT"
