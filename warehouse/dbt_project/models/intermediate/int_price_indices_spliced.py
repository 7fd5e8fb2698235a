"""Price indices per series, material group and frequency (dbt Python model).

Reads the unit values of the elementary products and this model's own previous contents
(the published series), and lets ``warehouse.price_index_series`` add the periods that
closed since (published, never revised) and provisional values for open periods. Runs in
the dbt process on the DuckDB connection: no pandas or pyarrow needed.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from warehouse.price_index_series import IndexRow, UnitValue, extend_published

COLUMNS = (
    "series varchar, material_group varchar, frequency varchar, period varchar, "
    "index_value double, n_products integer, is_published boolean"
)


def model(dbt, session):
    dbt.config(materialized="table")
    unit_values = [
        UnitValue(*row)
        for row in dbt.ref("int_product_unit_values_aggregated")
        .select("series, frequency, period, material_group, product_code, amount_cents, net_grams")
        .fetchall()
    ]
    rows = extend_published(
        unit_values,
        previous_rows(session, dbt.this),
        as_of_date(dbt),
        method=dbt.config.get("index_method"),
        splice=dbt.config.get("index_splice"),
        windows={
            "month": int(dbt.config.get("index_window_months")),
            "week": int(dbt.config.get("index_window_weeks")),
        },
    )
    session.execute(f"create or replace temp table _price_indices ({COLUMNS})")
    if rows:
        # one statement with a list per column (executemany runs one insert per row)
        columns = [
            [getattr(r, name) for r in rows]
            for name in (
                "series",
                "material_group",
                "frequency",
                "period",
                "index_value",
                "n_products",
                "is_published",
            )
        ]
        types = ("varchar", "varchar", "varchar", "varchar", "double", "integer", "boolean")
        unnested = ", ".join(f"unnest(cast(? as {t}[]))" for t in types)
        session.execute(f"insert into _price_indices select {unnested}", columns)
    return session.table("_price_indices")


def previous_rows(session, this) -> list:
    """This model's rows from the previous build (none on the first build)."""
    (exists,) = session.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [this.schema, this.identifier],
    ).fetchone()
    if not exists:
        return []
    found = session.execute(
        "select series, material_group, frequency, period, index_value, n_products, "
        f"is_published from {this}"
    ).fetchall()
    return [IndexRow(*row) for row in found]


def as_of_date(dbt) -> date:
    """The build's local date; periods before its period are closed and get published."""
    configured = dbt.config.get("index_as_of_date")
    if configured:
        return date.fromisoformat(configured)
    return datetime.now(ZoneInfo(dbt.config.get("local_timezone"))).date()
