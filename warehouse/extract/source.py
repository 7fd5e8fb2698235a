"""Reading the operational database in bulk: CSV files written by the database's own C code.

No row passes through Python. SQLite formats each chunk of rows itself (``quote()`` per
value, ``group_concat`` per chunk), so the driver returns one string per 100,000 rows and
releases the GIL while SQLite works; PostgreSQL streams ``COPY (SELECT ...) TO STDOUT`` in
CSV. DuckDB reads the files with the dialect each reader declares (``csv_options``).

Several readers can share one snapshot so that two tables are read at once (one per core):
PostgreSQL exports the first transaction's snapshot to the others (``pg_export_snapshot``);
SQLite starts every reader's read transaction while a guard connection holds the write lock
for a moment, so no commit can fall between them. Readers take tables from a queue: a
consistent copy of one moment of the database either way.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

CHUNK_ROWS = 100_000

# How DuckDB's read_csv parses what each dialect writes (NULL is told apart from '').
SQLITE_CSV = {"quote": "'", "escape": "'", "nullstr": "NULL"}
POSTGRES_CSV = {"quote": '"', "escape": '"', "nullstr": ""}


class SourceReader:
    """Writes the result of one extract query at a time to a CSV file, inside a snapshot."""

    def __init__(self, connection, dialect: str) -> None:
        self._connection = connection
        self.dialect = dialect
        self.placeholder = "?" if dialect == "sqlite" else "%s"
        self.csv_options = SQLITE_CSV if dialect == "sqlite" else POSTGRES_CSV

    def timestamp_param(self, moment: datetime) -> object:
        """A naive-UTC ``moment`` as the driver compares it with stored timestamps."""
        if self.dialect == "sqlite":
            # SQLAlchemy stores SQLite datetimes as this text, so text order is time order
            return moment.strftime("%Y-%m-%d %H:%M:%S.%f")
        return moment.replace(tzinfo=UTC)

    def column_expr(self, column: str, as_text: bool) -> str:
        """The select expression for a source column (``as_text``: JSON arrives as its text)."""
        if as_text and self.dialect != "sqlite":
            return f'cast("{column}" as text)'
        return f'"{column}"'

    def dump(self, table: str, exprs: list[str], where: str, args: list, path: Path) -> None:
        """Write ``select exprs from table [where ...]`` to ``path`` as CSV (no header)."""
        if self.dialect == "sqlite":
            self._dump_sqlite(table, exprs, where, args, path)
        else:
            self._dump_copy(table, exprs, where, args, path)

    def _dump_sqlite(self, table: str, exprs: list[str], where: str, args: list, path: Path):
        # One statement per chunk, walking the rowid B-tree; each returns the chunk's CSV
        # text (SQL literals: 'text' with '' escapes, NULL, numbers that round-trip).
        fields = ",".join("%s" for _ in exprs)  # printf: cheaper than a chain of ||
        line = f"printf('{fields}', {', '.join(f'quote({e})' for e in exprs)})"
        condition = f" and ({where})" if where else ""
        sql = (
            "select count(*), max(_rowid), group_concat(_line, char(10)) from ("
            f'select rowid as _rowid, {line} as _line from "{table}" '
            f"where rowid > ?{condition} order by rowid limit {CHUNK_ROWS})"
        )
        last = -(2**63)
        with path.open("w", encoding="utf-8", newline="") as handle:
            while True:
                count, last_rowid, text = self._connection.execute(sql, [last, *args]).fetchone()
                if count:
                    handle.write(text)
                    handle.write("\n")
                if count < CHUNK_ROWS:
                    return
                last = last_rowid

    def _dump_copy(self, table: str, exprs: list[str], where: str, args: list, path: Path):
        condition = f" where {where}" if where else ""
        query = f'copy (select {", ".join(exprs)} from "{table}"{condition}) to stdout (format csv)'
        with (
            self._connection.cursor() as cursor,
            cursor.copy(query, args or None) as copy,
            path.open("wb") as handle,
        ):
            while data := copy.read():
                handle.write(data)


@contextmanager
def open_readers(engine: Engine, count: int = 2) -> Iterator[list[SourceReader]]:
    """Up to ``count`` readers over one snapshot (all rolled back at the end: read only)."""
    dialect = engine.dialect.name
    with ExitStack() as stack:

        def connect():
            raw = engine.raw_connection()
            stack.callback(raw.close)
            driver = raw.driver_connection
            stack.callback(driver.rollback)
            return driver

        if dialect == "postgresql":
            drivers = _share_postgres_snapshot(connect, count)
        elif dialect == "sqlite":
            drivers = _share_sqlite_snapshot(connect, count, in_memory=not engine.url.database)
        else:
            raise ValueError(f"cannot extract from {dialect}")
        yield [SourceReader(driver, dialect) for driver in drivers]


def _share_postgres_snapshot(connect, count: int) -> list:
    first = connect()
    with first.cursor() as cursor:
        cursor.execute("set transaction isolation level repeatable read, read only")
        cursor.execute("set local time zone 'UTC'")
        cursor.execute("select pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
    drivers = [first]
    for _ in range(count - 1):
        driver = connect()
        with driver.cursor() as cursor:
            cursor.execute("set transaction isolation level repeatable read, read only")
            cursor.execute(f"set transaction snapshot '{_checked_snapshot(snapshot)}'")
            cursor.execute("set local time zone 'UTC'")
        drivers.append(driver)
    return drivers


def _checked_snapshot(snapshot: str) -> str:
    if not re.fullmatch(r"[0-9A-Fa-f-]+", snapshot):  # SET cannot take a bound parameter
        raise ValueError(f"unexpected snapshot id {snapshot!r}")
    return snapshot


def _share_sqlite_snapshot(connect, count: int, in_memory: bool) -> list:
    if in_memory or count == 1:
        return [_begin_sqlite_read(connect())]
    guard = connect()
    try:
        guard.execute("begin immediate")  # no commit can land until every reader has begun
    except sqlite3.OperationalError as error:  # read-only file, or a writer held on: one reader
        log.info("one SQLite reader only: %s", error)
        guard.rollback()
        return [_begin_sqlite_read(connect())]
    try:
        return [_begin_sqlite_read(connect()) for _ in range(count)]
    finally:
        guard.rollback()


def _begin_sqlite_read(driver):
    driver.execute("begin")
    driver.execute("select count(*) from sqlite_master").fetchone()  # the snapshot starts here
    return driver
