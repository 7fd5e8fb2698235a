"""Queries on the warehouse's DuckDB file, opened read-only per request.

The file is written only by ``warehouse.build_warehouse``; while a build holds it DuckDB
refuses readers, which callers see as 503 ``warehouse_busy`` with a Retry-After.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from flask import current_app

from api.errors import DomainError, NotFoundError

MARTS = {
    "price_indices": ("series, material_group, frequency, period", ""),
    "collector_credit_scores": ("credit_score desc, collector_key", "is_latest"),
    "material_recovery_rates": ("month_start, material_code", ""),
    "lot_auction_results": ("close_date desc nulls last, lot_id desc", ""),
}


class WarehouseUnavailableError(DomainError):
    """The warehouse is being rebuilt (or has never been built): try again later."""

    status = 503
    code = "warehouse_busy"


@contextmanager
def _connect() -> Iterator[duckdb.DuckDBPyConnection]:
    path = Path(current_app.config["WAREHOUSE_PATH"])
    if not path.exists():
        raise WarehouseUnavailableError("the warehouse has not been built yet",
                                        code="warehouse_not_built")  # fmt: skip
    try:
        con = duckdb.connect(str(path), read_only=True)
    except (duckdb.IOException, duckdb.ConnectionException) as error:  # a build holds it
        raise WarehouseUnavailableError(
            "the warehouse is being rebuilt", headers={"Retry-After": "60"}
        ) from error
    try:
        yield con
    finally:
        con.close()


def list_rows(mart: str, *, filters: dict, offset: int, limit: int) -> tuple[list[dict], int]:
    """One page of a mart's rows matching ``filters`` (column -> value, None ignored)."""
    order, always = MARTS[mart]
    clauses = [always] if always else []
    params = []
    for column, value in filters.items():
        if value is not None:
            clauses.append(f'"{column}" = ?')
            params.append(value)
    where = f" where {' and '.join(clauses)}" if clauses else ""
    with _connect() as con:
        try:
            (total,) = con.execute(f"select count(*) from marts.{mart}{where}", params).fetchone()
        except duckdb.CatalogException as error:
            raise WarehouseUnavailableError("the warehouse has not been built yet",
                                            code="warehouse_not_built") from error  # fmt: skip
        cursor = con.execute(
            f"select * from marts.{mart}{where} order by {order} limit ? offset ?",
            [*params, limit, offset],
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()], total


def get_credit_history_or_raise(*, collector_key: str) -> list[dict]:
    """Every snapshot of one collector's score, oldest first; 404 for an unknown key."""
    with _connect() as con:
        cursor = con.execute(
            "select * from marts.collector_credit_scores where collector_key = ? "
            "order by as_of_date",
            [collector_key],
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    if not rows:
        raise NotFoundError("no credit score for this collector")
    return rows
