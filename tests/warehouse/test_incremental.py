"""Incremental builds give what a full refresh gives.

A small city (the benchmark's generator: a year of pickups, deliveries, lots and bids) is
built in full, then changed the ways a real day changes it (a new day, bookings cancelled
inside the look-back window, an old booking reassigned, a lot moved to another station, a
manifest voided, bids on a new auction) and built incrementally. A copy of that warehouse
rebuilt with ``--full-refresh`` must hold the same rows in every intermediate and mart
relation (published index values are kept by both, by design).
"""

from __future__ import annotations

import importlib.util
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from warehouse.build import build_warehouse

KEY = "test-incremental-key-" + "k" * 20
AS_OF = {"as_of_date": "2026-11-24"}
BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "warehouse.py"


def _generator_class():
    spec = importlib.util.spec_from_file_location("benchmark_warehouse", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _change_a_day(path: Path, ids: dict, module) -> int:
    """One more day of activity plus late corrections stamped inside the look-back; returns
    the id of the old no-show booking reassigned to another collector."""
    gen = module.Generator(path, 3000, 300, seed=11)
    gen.ids = dict(ids)
    now = datetime(2026, 11, 24, 12)
    gen.day(module.DAYS, updated=now)
    gen.correct_recent(5, now - timedelta(days=1))
    stamp = module.ts(now - timedelta(hours=2))
    db = gen.db
    # an old no-show (no weighing names its collector) reassigned: two collectors' days move
    (reassigned,) = db.execute(
        "select min(booking_id) from bookings where status = 'no_show'"
    ).fetchone()
    db.execute(
        "update bookings set collector_id = collector_id % 20 + 1, updated_at = ? "
        "where booking_id = ?",
        (stamp, reassigned),
    )
    db.execute(
        "update lots set station_id = station_id % 20 + 1, updated_at = ? where lot_id = 5",
        (stamp,),
    )
    db.execute(
        "update manifests set status = 'void', updated_at = ? where manifest_id = "
        "(select min(manifest_id) from manifests where kind = 'dropoff')",
        (stamp,),
    )
    db.commit()
    db.close()
    return reassigned


def _rows(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> str:
    """The relation's rows with doubles rounded (sums of doubles may differ in the last bit
    with the order DuckDB's threads add them in)."""
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()
    exprs = [
        f'round("{name}", 9)' if data_type == "DOUBLE" else f'"{name}"'
        for name, data_type in columns
    ]
    return f'select {", ".join(exprs)} from {catalog}."{schema}"."{table}"'


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory):
    """(incrementally built warehouse, the same after a full refresh, the second build's
    result, the reassigned booking)."""
    module = _generator_class()
    workdir = tmp_path_factory.mktemp("incremental")
    source = workdir / "operational.sqlite3"
    gen = module.Generator(source, 3000, 300, seed=5)
    gen.reference_data()
    for day in range(module.DAYS):
        gen.day(day)
    gen.db.commit()
    gen.db.close()
    url = f"sqlite:///{source}"
    incremental = workdir / "incremental.duckdb"
    build_warehouse(url, incremental, KEY, full=True, dbt_vars=AS_OF)
    reassigned = _change_a_day(source, gen.ids, module)
    second = build_warehouse(url, incremental, KEY, dbt_vars=AS_OF)
    refreshed = workdir / "refreshed.duckdb"
    shutil.copyfile(incremental, refreshed)
    build_warehouse(url, refreshed, KEY, full=True, dbt_vars=AS_OF)
    return incremental, refreshed, second, reassigned


def test_the_second_build_ran_incrementally(warehouses):
    """The increment read only what changed and rebuilt no model from scratch."""
    second = warehouses[2]
    assert not second.full and not any(t.replaced for t in second.tables)
    bookings = next(t for t in second.tables if t.table == "bookings")
    assert bookings.mode == "incremental" and 0 < bookings.rows < 100


def test_incremental_models_saw_the_corrections(warehouses):
    """The reassigned booking, the cancelled ones and the voided manifest all arrived."""
    con = duckdb.connect(str(warehouses[0]), read_only=True)
    try:
        reassigned = warehouses[3]
        raw_collector = con.execute(
            "select collector_key from raw.bookings where booking_id = ?", [reassigned]
        ).fetchone()
        job_collector = con.execute(
            "select collector_key from intermediate.int_collector_jobs_joined where booking_id = ?",
            [reassigned],
        ).fetchone()
        assert job_collector == raw_collector
        cancelled = con.execute(
            "select count(*) from intermediate.int_collector_jobs_joined "
            "where booking_status = 'cancelled' and booking_id in "
            "(select booking_id from raw.bookings where status = 'cancelled')"
        ).fetchone()[0]
        assert (
            cancelled
            == con.execute(
                "select count(*) from raw.bookings where status = 'cancelled'"
            ).fetchone()[0]
        )
        voided = con.execute(
            "select count(*) from intermediate.int_material_handovers_unioned "
            "where manifest_id in (select manifest_id from raw.manifests where status = 'void')"
        ).fetchone()[0]
        assert voided == 0
    finally:
        con.close()


def test_full_refresh_gives_the_same_contents(warehouses):
    """Every intermediate and mart relation holds the same rows either way."""
    con = duckdb.connect(str(warehouses[0]), read_only=True)
    try:
        con.execute(f"attach '{warehouses[1]}' as refreshed (read_only)")
        catalog = con.execute("select current_database()").fetchone()[0]
        relations = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = ? and table_schema in ('intermediate', 'marts') "
            "order by 1, 2",
            [catalog],
        ).fetchall()
        assert len(relations) > 20
        different = []
        for schema, table in relations:
            mine, theirs = (
                _rows(con, catalog, schema, table),
                _rows(con, "refreshed", schema, table),
            )
            extra = con.execute(f"select count(*) from ({mine} except all {theirs})").fetchone()
            missing = con.execute(f"select count(*) from ({theirs} except all {mine})").fetchone()
            if extra[0] or missing[0]:
                different.append((schema, table, extra[0], missing[0]))
        assert different == []
    finally:
        con.close()
