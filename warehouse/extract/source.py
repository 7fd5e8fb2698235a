"""Reading the operational database through its DB-API driver, one consistent snapshot.

SQLite (the embedded default) and PostgreSQL (psycopg 3, server-side cursor) differ only in
placeholders, how a timestamp parameter is compared, and how a snapshot is opened.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

BATCH_ROWS = 50_000


class SourceReader:
    """Runs extract queries in one read-only snapshot and streams results to CSV files."""

    def __init__(self, connection, dialect: str) -> None:
        self._connection = connection
        self.dialect = dialect
        self.placeholder = "?" if dialect == "sqlite" else "%s"
        self._cursors = 0

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

    def dump(self, sql: str, args: list, path: Path, row_function: Callable | None = None) -> int:
        """Run ``sql`` and write its rows to ``path`` as CSV; return the row count.

        NULL is an empty field; an empty string therefore arrives in the warehouse as NULL
        (csv in Python 3.11 cannot tell them apart cheaply), which no model relies on.
        """
        cursor = self._cursor()
        count = 0
        try:
            cursor.execute(sql, args)
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                while batch := cursor.fetchmany(BATCH_ROWS):
                    writer.writerows(map(row_function, batch) if row_function else batch)
                    count += len(batch)
        finally:
            cursor.close()
        return count

    def _cursor(self):
        if self.dialect == "postgresql":
            self._cursors += 1
            return self._connection.cursor(name=f"warehouse_extract_{self._cursors}")
        return self._connection.cursor()


@contextmanager
def open_reader(engine: Engine) -> Iterator[SourceReader]:
    """A reader over one snapshot of the database (rolled back at the end: read only)."""
    raw = engine.raw_connection()
    driver = raw.driver_connection
    dialect = engine.dialect.name
    try:
        if dialect == "sqlite":
            driver.execute("begin")
        elif dialect == "postgresql":
            with driver.cursor() as cursor:
                cursor.execute("set transaction isolation level repeatable read, read only")
                cursor.execute("set local time zone 'UTC'")
        yield SourceReader(driver, dialect)
    finally:
        driver.rollback()
        raw.close()
