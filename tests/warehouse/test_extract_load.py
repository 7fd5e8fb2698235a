"""warehouse.extract.load: allow-listed, pseudonymised, incremental copies into DuckDB raw."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pytest
from sqlalchemy import func, select, text

from api.auth.models import User
from api.db import session_scope
from api.privacy import keyed_hash
from tests.api.helpers import book
from warehouse.extract.load import ExtractParams, extract_load
from warehouse.extract.spec import ALL_TABLES, Column, TableSpec

KEY = "test-warehouse-key-" + "k" * 20


@pytest.fixture
def booked(app, city, client, login):
    """Two residents with one booking each, made through the API."""
    for phone in ("+8613800000001", "+8613800000002"):
        book(client, login(phone))
    return app


@pytest.fixture
def warehouse(tmp_path):
    """An open DuckDB warehouse file (closed after the test)."""
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield con
    con.close()


def _extract(app, con, **overrides):
    params = ExtractParams(app.config["DATABASE_URL"], KEY, **overrides)
    return {load.table: load for load in extract_load(con, params)}


def _sql(app, statement: str, **params) -> None:
    with app.extensions["db_engine"].begin() as conn:
        conn.execute(text(statement), params)


def _watermark(con, table: str):
    return con.execute(
        "select high_water_at from meta.extract_watermarks where table_name = ?", [table]
    ).fetchone()[0]


def test_first_extract_copies_only_listed_columns(booked, warehouse):
    """Raw tables hold exactly the allow-listed columns: no phone, name or address text."""
    loads = _extract(booked, warehouse)
    assert loads["bookings"].mode == "full" and loads["bookings"].rows == 2
    for spec in ALL_TABLES:
        if loads[spec.name].mode == "skipped":
            continue
        columns = [
            r[0]
            for r in warehouse.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'raw' and table_name = ? order by ordinal_position",
                [spec.name],
            ).fetchall()
        ]
        assert columns == [c.name for c in spec.columns], spec.name
    address_columns = {r[0] for r in warehouse.execute("describe raw.addresses").fetchall()}
    assert not address_columns & {"text", "building", "floor", "latitude", "longitude"}


def test_user_ids_become_keyed_hashes(booked, warehouse):
    """resident_key is HMAC(key, 'user:<id>'), the same as api.privacy.keyed_hash."""
    _extract(booked, warehouse)
    with booked.extensions["db_engine"].connect() as conn:
        resident_ids = {r[0] for r in conn.execute(text("select resident_id from bookings"))}
    keys = {r[0] for r in warehouse.execute("select resident_key from raw.bookings").fetchall()}
    assert keys == {keyed_hash(KEY, f"user:{i}") for i in resident_ids}


def test_second_extract_adds_a_new_booking_incrementally(booked, client, login, warehouse):
    """After one more booking, an incremental extract adds it; re-read rows are upserted."""
    _extract(booked, warehouse)
    book(client, login("+8613800000003"))
    loads = _extract(booked, warehouse)
    assert loads["bookings"].mode == "incremental"
    assert warehouse.execute("select count(*) from raw.bookings").fetchone()[0] == 3
    # every booking is inside the look-back window, so all are re-read: upserted, not doubled
    assert loads["booking_items"].rows == 6
    items = warehouse.execute(
        "select count(*), count(distinct booking_item_id) from raw.booking_items"
    ).fetchone()
    assert items == (6, 6)


def test_late_correction_inside_the_look_back_is_picked_up(booked, warehouse):
    """A change stamped before the high water but inside the 3-day window still arrives."""
    _extract(booked, warehouse)
    late = _watermark(warehouse, "bookings") - timedelta(days=2)
    _sql(
        booked,
        "update bookings set status = 'cancelled', updated_at = :at where booking_id = "
        "(select min(booking_id) from bookings)",
        at=late,
    )
    _extract(booked, warehouse)
    statuses = warehouse.execute("select status from raw.bookings order by booking_id").fetchall()
    assert statuses == [("cancelled",), ("scheduled",)]


def test_correction_older_than_the_look_back_waits_for_a_full_refresh(booked, warehouse):
    """Outside the window an incremental extract misses the change; a full one gets it."""
    _extract(booked, warehouse)
    stale = _watermark(warehouse, "bookings") - timedelta(days=5)
    _sql(booked, "update bookings set status = 'no_show', updated_at = :at", at=stale)
    _extract(booked, warehouse)
    assert (
        warehouse.execute("select count(*) from raw.bookings where status = 'no_show'").fetchone()[
            0
        ]
        == 0
    )
    _extract(booked, warehouse, full=True)
    assert (
        warehouse.execute("select count(*) from raw.bookings where status = 'no_show'").fetchone()[
            0
        ]
        == 2
    )


def test_lines_without_timestamps_follow_their_changed_parent(booked, warehouse):
    """A booking item edited with its booking (updated_at bumped) is re-read by parent."""
    _extract(booked, warehouse)
    _sql(
        booked,
        "update booking_items set estimated_quantity = 4242 where booking_item_id = "
        "(select min(booking_item_id) from booking_items)",
    )
    _sql(booked, "update bookings set updated_at = :at", at=_watermark(warehouse, "bookings"))
    _extract(booked, warehouse)
    quantities = {
        r[0]
        for r in warehouse.execute("select estimated_quantity from raw.booking_items").fetchall()
    }
    assert 4242 in quantities


def test_absent_tables_are_skipped_and_absent_columns_load_as_null(booked, warehouse):
    """A listed table not in the source is skipped; a listed column it lacks is NULL."""
    specs = (
        TableSpec("not_shipped_yet", "thing_id", (Column("thing_id", "BIGINT"),)),
        TableSpec(
            "zones",
            "zone_id",
            (
                Column("zone_id", "BIGINT"),
                Column("colour", "VARCHAR"),
                Column("updated_at", "TIMESTAMP"),
            ),
        ),
    )
    loads = _extract(booked, warehouse, tables=specs)
    assert loads["not_shipped_yet"].mode == "skipped"
    assert warehouse.execute("select count(*), count(colour) from raw.zones").fetchone() == (4, 0)


def test_a_new_key_reloads_everything(booked, warehouse):
    """Watermarks written under another key are void: pseudonyms must not mix keys."""
    _extract(booked, warehouse)
    params = ExtractParams(booked.config["DATABASE_URL"], KEY + "-rotated")
    loads = {load.table: load for load in extract_load(warehouse, params)}
    assert loads["users"].mode == "full"
    keys = {r[0] for r in warehouse.execute("select user_key from raw.users").fetchall()}
    # ids keep counting across tests on PostgreSQL, so take a real one
    with session_scope(booked) as session:
        user_id = session.scalar(select(func.min(User.user_id)))
    assert keyed_hash(KEY + "-rotated", f"user:{user_id}") in keys
    assert keyed_hash(KEY, f"user:{user_id}") not in keys


def test_coarse_cell_in_sql_equals_the_python_function():
    """The cell computed in DuckDB is api.zones.geometry.coarse_cell, borders included
    (31.2 // 0.01 is 3119 in Python: the SQL spells out CPython's float floor division)."""
    from api.zones.geometry import coarse_cell
    from warehouse.extract.load import coarse_cell_sql

    values = [k / 100 for k in range(-400, 400)] + [31.2, 121.4, 31.234567, -0.005, 1e-12]
    values += [v + d for v in values[:200] for d in (1e-13, -1e-13)]
    pairs = [(v, values[(i * 37) % len(values)]) for i, v in enumerate(values)]
    con = duckdb.connect()
    con.execute("create table points (lat double, lon double)")
    con.executemany("insert into points values (?, ?)", pairs)
    cells = con.execute(f"select lat, lon, {coarse_cell_sql('lat', 'lon')} from points").fetchall()
    assert [cell for _, _, cell in cells] == [coarse_cell(lat, lon) for lat, lon, _ in cells]


def test_readers_share_one_snapshot(booked, tmp_path):
    """Both readers see the database as it was when they opened, not a booking made after:
    tables read by different connections still describe one moment."""
    from sqlalchemy import create_engine

    from api.config import normalise_database_url
    from warehouse.extract.source import open_readers

    url = normalise_database_url(booked.config["DATABASE_URL"])
    engine = create_engine(url)
    try:
        with open_readers(engine, 2) as readers:
            _sql(booked, "update bookings set status = 'cancelled'")
            counts = []
            for i, reader in enumerate(readers):
                path = tmp_path / f"bookings{i}.csv"
                reader.dump("bookings", ['"status"'], "", [], path)
                counts.append(path.read_text().count("cancelled"))
        assert len(readers) == 2 and counts == [0, 0]
    finally:
        engine.dispose()
