"""Incremental extract-load: operational database -> DuckDB ``raw`` schema.

Each allowed table is read with one query (only allow-listed columns) that the database
itself writes to a private CSV file (``source.py``: no row passes through Python); DuckDB
reads the file into a temporary table, pseudonymises it there (one HMAC per distinct id,
cached for the run in a TEMP table) and upserts it by primary key into ``raw.<table>``.
Watermarks live in ``meta.extract_watermarks`` of the same DuckDB file, written in the same
transaction as the rows they describe; the keys of the rows each build added or changed
(re-read rows that are unchanged are left alone) are listed in ``meta.extract_changes`` for
dbt's incremental models.

Incremental reads take every row whose watermark column is at or after
``high water - look-back`` (default 3 days), so late corrections are picked up; tables
without a timestamp are read by new primary keys plus, for line tables, every line whose
parent changed inside the look-back window.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import Engine

from warehouse.extract.pseudonymise import (
    HMAC_MACRO,
    PSEUDONYM_CACHE,
    install_pseudonym_macro,
    key_fingerprint,
)
from warehouse.extract.source import SourceReader, open_readers
from warehouse.extract.spec import ALL_TABLES, Column, TableSpec

log = logging.getLogger(__name__)

META_DDL = (
    "create schema if not exists raw",
    "create schema if not exists meta",
    """create table if not exists meta.extract_watermarks (
        table_name varchar, watermark_column varchar, high_water_at timestamp,
        high_water_id bigint, rows_loaded bigint, loaded_at timestamp, key_fingerprint varchar
    )""",
    # keys (as text) of the rows the latest extract added or changed, per table: what dbt's
    # incremental models recompute. Empty after a full extract (dbt rebuilds from scratch).
    "create table if not exists meta.extract_changes (table_name varchar, key_value varchar)",
)
READERS = 2  # tables read at once (one per core), each by its own connection


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
    replaced: bool = False  # earlier contents replaced wholesale (rows may have vanished)


@dataclass(frozen=True)
class _Watermark:
    column: str | None
    high_water_at: datetime | None
    high_water_id: int | None


def extract_load(con: duckdb.DuckDBPyConnection, params: ExtractParams) -> list[TableLoad]:
    """Copy the allowed tables into ``raw`` on ``con`` and return what each table did.

    Two readers (one snapshot) each have the database write a table to CSV while DuckDB,
    on its own cursor in a loader thread, loads the files already written: the database's C
    code and DuckDB share the two cores, and Python touches no row.
    """
    for statement in META_DDL:
        con.execute(statement)
    con.execute("delete from meta.extract_changes")
    fingerprint = key_fingerprint(params.hmac_key)
    marks = _read_watermarks(con, fingerprint)
    existing = {spec.name for spec in params.tables if _raw_exists(con, spec)}
    matching = {spec.name for spec in params.tables if _raw_matches(con, spec)}
    full = params.full or not marks
    loader = con.cursor()
    loader.execute("set TimeZone = 'UTC'")
    install_pseudonym_macro(loader, params.hmac_key)
    engine = _engine(params.database_url)
    plans: dict[str, TableLoad | Future] = {}
    try:
        present = _source_columns(engine)
        with (
            open_readers(engine, READERS) as readers,
            tempfile.TemporaryDirectory() as tmp,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="warehouse-load") as pool,
        ):
            queue = iter(params.tables)
            taking = threading.Lock()

            def read_tables(reader: SourceReader) -> None:
                while True:
                    with taking:
                        spec = next(queue, None)
                    if spec is None:
                        return
                    table_full = full or spec.name not in marks or spec.name not in matching
                    planned = _dump_table(
                        reader, spec, present, marks, table_full, params, Path(tmp)
                    )
                    if isinstance(planned, TableLoad):
                        plans[spec.name] = planned
                        continue
                    upsert_args, result = planned
                    record = not full  # a full extract rebuilds dbt from scratch
                    result = replace(result, replaced=table_full and spec.name in existing)
                    future = pool.submit(_upsert, loader, *upsert_args, record, result)
                    plans[spec.name] = future

            with ThreadPoolExecutor(len(readers), thread_name_prefix="warehouse-read") as rpool:
                for done in [rpool.submit(read_tables, reader) for reader in readers]:
                    done.result()
            results = [
                plan if isinstance(plan, TableLoad) else plan.result()
                for plan in (plans[spec.name] for spec in params.tables)
            ]
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

    url = normalise_database_url(url)
    if url.startswith("sqlite"):  # reader threads use connections opened in this one
        return create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
    return create_engine(url)


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
    """Have the database write one table's new rows to a CSV file; return the arguments of
    its upsert (or a skipped TableLoad when the source has no such table or key)."""
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
    reader.dump(spec.name, _select_list(spec, columns, wm_column, reader), where, args, path)
    mode = "full" if full else "incremental"
    result = TableLoad(spec.name, mode, 0, wm_column or spec.primary_key)
    return (spec, path, wm_column, full, reader.csv_options), result


def _raw_exists(con: duckdb.DuckDBPyConnection, spec: TableSpec) -> bool:
    """Whether an earlier build created raw.<table>."""
    found = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'raw' and table_name = ?",
        [spec.name],
    ).fetchone()
    return bool(found[0])


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
        return f'"{wm_column}" >= {reader.placeholder}', [since]
    if mark.column != spec.primary_key or mark.high_water_id is None:
        return "", []
    where = f'"{spec.primary_key}" > {reader.placeholder}'
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
) -> list[str]:
    """Source expressions: allowed columns only (NULL when absent), then the watermark."""
    exprs = []
    for column in spec.columns:
        for source in column.sources:
            as_text = column.transform == "copy" and column.type == "VARCHAR"
            exprs.append(reader.column_expr(source, as_text) if source in columns else "null")
    exprs.append(f'"{wm_column or spec.primary_key}"')
    return exprs


def _csv_columns(spec: TableSpec, wm_column: str | None) -> dict[str, str]:
    """The CSV's columns and how DuckDB reads them: keys, timestamps and booleans as text
    (converted in SQL), a coarse cell's latitude and longitude as doubles."""
    typed = {}
    for column in spec.columns:
        if column.transform == "coarse_cell":
            typed[f"{column.name}__lat"] = typed[f"{column.name}__lon"] = "DOUBLE"
        elif column.transform != "copy" or column.type in ("TIMESTAMP", "BOOLEAN"):
            typed[column.name] = "VARCHAR"
        else:
            typed[column.name] = column.type
    typed["_watermark"] = "BIGINT" if _by_id(spec, wm_column) else "VARCHAR"
    return typed


def _floor_div(value: str, size: str) -> str:
    """CPython's float floor division ``value // size`` (size > 0), step by step, so that a
    cell computed here equals ``api.zones.geometry.coarse_cell`` even on cell borders."""
    mod = f"({value} % {size})"  # C fmod (DuckDB's fmod() rounds differently)
    div = f"(({value} - {mod}) / {size} - case when {mod} < 0 then 1 else 0 end)"
    return f"(floor({div}) + case when {div} - floor({div}) > 0.5 then 1 else 0 end)"


def coarse_cell_sql(latitude: str, longitude: str, size_deg: float = 0.01) -> str:
    """DuckDB expression for ``coarse_cell(latitude, longitude)`` ("row:col"), NULL-safe."""
    row = f"cast({_floor_div(latitude, repr(size_deg))} as bigint)"
    col = f"cast({_floor_div(longitude, repr(size_deg))} as bigint)"
    return f"cast({row} as varchar) || ':' || cast({col} as varchar)"


def _value_expr(column: Column, alias: str | None) -> str:
    """The DuckDB expression turning the incoming CSV column(s) into the raw value."""
    name = f'_incoming."{column.name}"'
    if column.transform in ("user_key", "collector_key"):
        return f"{alias}.pseudonym"
    if column.transform == "coarse_cell":
        return coarse_cell_sql(f'_incoming."{column.name}__lat"', f'_incoming."{column.name}__lon"')
    if column.type == "TIMESTAMP":
        # offsets (PostgreSQL) are honoured; naive values (SQLite) are already UTC
        return f"cast(cast({name} as timestamptz) as timestamp)"
    return f"cast({name} as {column.type})"


def _pseudonymise(con: duckdb.DuckDBPyConnection, spec: TableSpec) -> tuple[str, dict]:
    """Hash each distinct id not hashed yet in this run; return the joins that look the
    pseudonyms up and the alias of each key column."""
    joins, aliases = [], {}
    for i, column in enumerate(c for c in spec.columns if c.transform.endswith("_key")):
        namespace, alias = column.transform.removesuffix("_key"), f"_p{i}"
        con.execute(
            f"insert into {PSEUDONYM_CACHE} "
            f"select '{namespace}', id, {HMAC_MACRO}('{namespace}', id) from ("
            f'select distinct "{column.name}" as id from _incoming '
            f'where "{column.name}" is not null) as ids '
            f"where not exists (select 1 from {PSEUDONYM_CACHE} as known "
            f"where known.namespace = '{namespace}' and known.id = ids.id)"
        )
        joins.append(
            f"left join {PSEUDONYM_CACHE} as {alias} on {alias}.namespace = '{namespace}' "
            f'and {alias}.id = _incoming."{column.name}"'
        )
        aliases[column.name] = alias
    return " ".join(joins), aliases


def _upsert(
    con: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    path: Path,
    wm_column: str | None,
    full: bool,
    csv_options: dict,
    record_changes: bool,
    result: TableLoad,
) -> TableLoad:
    """Replace (full) or upsert (incremental) raw.<table>, move its watermark and list the
    keys loaded, atomically; return ``result`` with the row count."""
    columns = _csv_columns(spec, wm_column)
    typed = ", ".join(f"'{name}': '{type_}'" for name, type_ in columns.items())
    dialect = ", ".join(f"{name} = '{_sql_text(value)}'" for name, value in csv_options.items())
    con.execute(
        "create or replace temp table _incoming as select * from read_csv("
        f"'{path.as_posix()}', header = false, columns = {{{typed}}}, {dialect}, "
        "allow_quoted_nulls = false, auto_detect = false)"
    )
    path.unlink(missing_ok=True)
    joins, aliases = _pseudonymise(con, spec)
    body = ", ".join(f'{_value_expr(c, aliases.get(c.name))} as "{c.name}"' for c in spec.columns)
    con.execute(
        f"create or replace temp table _rows as select {body}, _incoming._watermark "
        f"from _incoming {joins}"
    )
    (count,) = con.execute("select count(*) from _rows").fetchone()
    table, names = f'raw."{spec.name}"', ", ".join(f'"{c.name}"' for c in spec.columns)
    key = f'"{spec.key_column.name}"'
    con.execute("begin transaction")
    try:
        if full:
            con.execute(f"create or replace table {table} as select {names} from _rows")
            changed = "_rows"
        else:
            # only rows that are new or differ from the stored ones: the look-back re-reads
            # days of unchanged rows (all of a reference table whose rows rarely change)
            con.execute(
                f"create or replace temp table _changed as select {key} from ("
                f"select {names} from _rows except select {names} from {table} "
                f"where {key} in (select {key} from _rows))"
            )
            con.execute(f"delete from {table} where {key} in (select {key} from _changed)")
            con.execute(
                f"insert into {table} select {names} from _rows "
                f"where {key} in (select {key} from _changed)"
            )
            changed = "_changed"
        if record_changes:
            con.execute(
                "insert into meta.extract_changes "
                f"select '{spec.name}', cast({key} as varchar) from {changed}"
            )
        _move_watermark(con, spec, wm_column, count)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.execute("drop table if exists _incoming")
        con.execute("drop table if exists _rows")
        con.execute("drop table if exists _changed")
    return replace(result, rows=count)


def _sql_text(value: str) -> str:
    return value.replace("'", "''")


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
    (new,) = con.execute(f"select {newest} from _rows").fetchone()
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
