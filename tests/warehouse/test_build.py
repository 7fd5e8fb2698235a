"""warehouse.build: extract-load plus ``dbt build`` (every model, data test and unit test).

dbt takes seconds to start, so the module builds once on an empty operational database and
once more (incrementally) after seeding a city, and the tests read that warehouse. The
module-scoped app mirrors tests/conftest.py's ``app``/``login`` fixtures, which are
function-scoped and so cannot feed a module-scoped build.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest
from sqlalchemy import create_engine

from api import create_app, models  # noqa: F401
from api.auth.models import User
from api.collectors.models import Collector
from api.custody.models import Manifest, ManifestLine
from api.db import Base, session_scope
from api.jobs.models import Dispute, Weighing, WeighingLine
from api.ledger.models import LedgerAccount, LedgerEntry, LedgerTransaction
from api.materials.models import Material
from api.seed import seed_city
from api.stations.models import Station, StationDelivery, StationDeliveryLine
from tests.api.helpers import HOME, book
from warehouse.build import BuildResult, WarehouseBuildError, build_warehouse, export_parquet

KEY = "test-warehouse-key-" + "k" * 20
COLLECTOR_NAME, COLLECTOR_PHONE = "Wang Xiaoming", "+8613700000009"
COLLECTOR_HOME = (31.234567, 121.456789)
RESIDENTS = ("+8613800000001", "+8613800000002", "+8613800000003")
NOT_YET_SHIPPED = ("auction_bids", "manifest_lines")
PHONE = re.compile(r"(?<![0-9A-Za-z])(\+?86)?1[3-9]\d{9}(?![0-9A-Za-z])")


def _login(app, client, phone: str) -> dict:
    """Sign in through the API (what tests/conftest.py's ``login`` does)."""
    assert client.post("/api/auth/codes", json={"phone": phone}).status_code == 201
    code = app.extensions["sms_sender"].last_code(phone)
    response = client.post(
        "/api/auth/tokens", json={"grant_type": "phone_code", "phone": phone, "code": code}
    )
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def _seed_operations(app) -> None:
    """A collector who weighed the bookings, a station delivery, ledger entries, a dispute
    and confirmed custody manifests, written with the ORM (weighed in the past so that
    closed periods and month-end snapshots exist)."""
    now = datetime.now(UTC)
    with session_scope(app) as session:
        user = User(phone=COLLECTOR_PHONE, role="collector", display_name=COLLECTOR_NAME)
        session.add(user)
        session.flush()
        collector = Collector(
            user_id=user.user_id,
            full_name=COLLECTOR_NAME,
            national_id_encrypted="enc",
            national_id_last4="1234",
            vehicle_type="tricycle",
            payload_grams=300_000,
            volume_litres=800,
            home_latitude=COLLECTOR_HOME[0],
            home_longitude=COLLECTOR_HOME[1],
            status="approved",
            approved_at=now - timedelta(days=120),
        )
        session.add(collector)
        session.flush()
        bookings = session.query(models.Booking).order_by(models.Booking.booking_id).all()
        pet = session.query(Material).filter_by(code="pet").one()
        for days_ago, booking in zip((70, 40, 10), bookings, strict=False):
            booking.collector_id = collector.collector_id
            booking.status = "completed"
            weighing = Weighing(
                booking_id=booking.booking_id,
                collector_id=collector.collector_id,
                weighed_at=now - timedelta(days=days_ago),
                quoted_total_cents=660,
                goods_cents=700,
                total_cents=700,
                status="accepted",
            )
            session.add(weighing)
            session.flush()
            session.add(
                WeighingLine(
                    weighing_id=weighing.weighing_id,
                    material_id=pet.material_id,
                    material_code="pet",
                    grade="clear",
                    unit="kg",
                    gross_grams=3200,
                    net_grams=3000 + days_ago,
                    unit_price_cents=220 + days_ago,
                    amount_cents=(3000 + days_ago) * (220 + days_ago) // 1000,
                    tag_code=f"T{booking.booking_id}",
                )
            )
        session.add(
            Dispute(
                booking_id=bookings[0].booking_id,
                opened_by_user_id=user.user_id,
                reason="the scale was wrong",
            )
        )
        station = Station(
            code="st-1",
            name="Station One",
            zone_id=bookings[0].zone_id,
            latitude=31.211111,
            longitude=121.444444,
        )
        session.add(station)
        session.flush()
        delivery = StationDelivery(
            station_id=station.station_id,
            collector_id=collector.collector_id,
            received_by_user_id=user.user_id,
            received_at=now - timedelta(days=9),
        )
        session.add(delivery)
        session.flush()
        session.add(
            StationDeliveryLine(
                station_delivery_id=delivery.station_delivery_id,
                material_id=pet.material_id,
                material_code="pet",
                grade="clear",
                net_grams=8900,
                tag_codes=["T1", "T2"],
            )
        )
        account = LedgerAccount(kind="collector_account", owner_user_id=user.user_id)
        session.add(account)
        transaction = LedgerTransaction(kind="station_purchase", reference="d1")
        session.add(transaction)
        session.flush()
        session.add(
            LedgerEntry(
                transaction_id=transaction.transaction_id,
                account_id=account.account_id,
                amount_cents=5000,
                created_at=now - timedelta(days=9),
            )
        )
        for kind, sender, receiver in (("pickup", 3000, 3000), ("dropoff", 3000, 2950)):
            manifest = Manifest(
                kind=kind,
                subject_type="booking",
                subject_id=bookings[0].booking_id,
                status="confirmed",
                sender_role="resident",
                sender_id=1,
                sender_ref="r-1",
                receiver_role="collector",
                receiver_id=user.user_id,
                receiver_ref="c-1",
                handed_over_at=now - timedelta(days=9),
                place_kind="zone",
                place_ref="3120:12144",
                zone_code="xuhui-s",
                content_hash="0" * 64,
            )
            session.add(manifest)
            session.flush()
            session.add(
                ManifestLine(
                    manifest_id=manifest.manifest_id,
                    material_code="pet",
                    grade="clear",
                    sender_grams=sender,
                    receiver_grams=receiver,
                )
            )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build on an empty database lacking two tables, then add them, seed a city with
    bookings through the API and build again."""
    workdir = tmp_path_factory.mktemp("warehouse")
    url = f"sqlite:///{workdir / 'operational.sqlite3'}"
    engine = create_engine(url)
    shipped = [t for t in Base.metadata.sorted_tables if t.name not in NOT_YET_SHIPPED]
    Base.metadata.create_all(engine, tables=shipped)
    path = workdir / "warehouse.duckdb"
    empty = build_warehouse(url, path, KEY)
    Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app(
        {
            "DATABASE_URL": url,
            "TESTING": True,
            "SMS_SENDER": "capture",
            "CELERY_BROKER_URL": None,
            "LOGIN_CODE_RESEND_SECONDS": 0,
        }
    )
    with session_scope(app) as session:
        seed_city(session)
    client = app.test_client()
    for phone in RESIDENTS:
        book(client, _login(app, client, phone))
    _seed_operations(app)
    seeded = build_warehouse(url, path, KEY, unit_tests=True)
    app.extensions["db_engine"].dispose()
    return empty, seeded, path, url


@pytest.fixture
def warehouse(built):
    """The built warehouse, opened read-only the way analysts open it."""
    con = duckdb.connect(str(built[2]), read_only=True)
    yield con
    con.close()


def test_builds_on_an_empty_database_with_tables_missing(built):
    """With no rows and two tables not shipped yet, every model and data test still builds:
    the missing sources become empty, typed relations."""
    empty: BuildResult = built[0]
    assert empty.success and empty.dbt_nodes > 100 and not empty.dbt_failures
    assert empty.rows_loaded == 0
    modes = {t.table: t.mode for t in empty.tables}
    assert [name for name, mode in modes.items() if mode == "skipped"] == list(NOT_YET_SHIPPED)


def test_second_build_is_incremental_and_picks_up_new_tables(built, warehouse):
    """The seeded build reads changes incrementally, loads the tables that have landed in
    full, and passes every data test and dbt unit test."""
    seeded: BuildResult = built[1]
    assert seeded.success and not seeded.dbt_failures
    modes = {t.table: t.mode for t in seeded.tables}
    assert modes["bookings"] == "incremental"
    assert modes["auction_bids"] == modes["manifest_lines"] == "full"
    assert warehouse.execute("select count(*) from raw.bookings").fetchone()[0] == 3
    assert warehouse.execute("select count(*) from raw.manifest_lines").fetchone()[0] == 2


def test_marts_are_filled_from_the_seeded_city(warehouse):
    """Prices, credit scores and material flows all have rows for the seeded activity."""
    counts = {
        mart: warehouse.execute(f"select count(*) from marts.{mart}").fetchone()[0]
        for mart in (
            "daily_price_levels",
            "price_indices",
            "collector_credit_scores",
            "collector_credit_features",
            "material_flows",
            "material_recovery_rates",
        )
    }
    assert all(counts.values()), counts
    latest = warehouse.execute(
        "select credit_score, score_band, is_thin_file, credit_limit_cents "
        "from marts.collector_credit_scores where is_latest"
    ).fetchall()
    assert len(latest) == 1 and 300 < latest[0][0] < 900
    assert latest[0][2] is True and latest[0][3] == 0  # 3 jobs: a thin file, no limit
    assert latest[0][1] in ("D", "E")  # and a conservative band


def test_price_indices_are_plausible(warehouse):
    """Every series starts at 1, stays positive and near the price moves seeded (< 2x);
    closed months are published and the build date's month is provisional."""
    rows = warehouse.execute(
        "select series, material_group, frequency, period, index_value, is_published "
        "from marts.price_indices order by series, material_group, frequency, period"
    ).fetchall()
    assert rows
    series: dict[tuple, list] = {}
    for s, group, freq, period, value, published in rows:
        series.setdefault((s, group, freq), []).append((period, value, published))
    for values in series.values():
        assert values[0][1] == pytest.approx(1.0)
        assert all(0.5 < v < 2.0 for _, v, _ in values)
    this_month = date.today().strftime("%Y-%m")
    pet = series[("resident_paid", "plastic", "month")]
    assert [p for p, _, published in pet if published] == sorted(
        p for p, _, _ in pet if p < this_month
    )
    assert all(not published for p, _, published in pet if p >= this_month)


def test_no_personal_data_anywhere_in_the_warehouse(warehouse):
    """Scan every column of every table: no phone number, name, address text, exact
    position (lat/lon with more than 3 decimals) or raw user id column."""
    columns = warehouse.execute(
        "select table_schema, table_name, column_name, data_type "
        "from information_schema.columns where table_catalog = current_database()"
    ).fetchall()
    assert len(columns) > 300
    forbidden_names = {
        "phone",
        "display_name",
        "full_name",
        "national_id_encrypted",
        "national_id_last4",
        "latitude",
        "longitude",
        "home_latitude",
        "home_longitude",
        "text",
        "building",
        "floor",
        "access_notes",
        "resident_id",
        "user_id",
        "owner_user_id",
        "notes",
        "comment",
        "reason",
    }
    assert not [c for c in columns if c[2] in forbidden_names]
    texts = [HOME["text"], COLLECTOR_NAME, "Demo admin", "the scale was wrong", "Station One"]
    coordinates = [HOME["latitude"], HOME["longitude"], *COLLECTOR_HOME, 31.211111, 121.444444]
    # A coordinate written out with 3+ decimals, not part of a longer number or a clock
    # time ("04:46:31.205" must not read as latitude 31.205).
    exact = re.compile("|".join(rf"(?<![\d:.]){re.escape(f'{c:.3f}')}" for c in coordinates))
    for schema, table, column, data_type in columns:
        name = f'"{schema}"."{table}"."{column}"'
        values = warehouse.execute(
            f'select distinct cast("{column}" as varchar) from "{schema}"."{table}"'
        ).fetchall()
        temporal = data_type.startswith(("TIMESTAMP", "DATE", "TIME", "INTERVAL"))
        for (value,) in values:
            if value is None:
                continue
            assert not PHONE.search(value), (name, value)
            assert not any(t in value for t in texts), (name, value)
            if not temporal:
                assert not exact.search(value), (name, value)
        if data_type.startswith(("DOUBLE", "FLOAT", "DECIMAL", "REAL")):
            for (value,) in values:
                if value is not None and re.fullmatch(r"-?\d+\.\d{4,}", value):
                    assert not any(abs(float(value) - c) < 1e-3 for c in coordinates), name


def test_addresses_keep_only_zone_and_coarse_cell(warehouse):
    """The warehouse knows the pickup cell (~1 km), not the address."""
    cells = warehouse.execute("select distinct coarse_cell from raw.addresses").fetchall()
    assert cells == [("3120:12144",)]


def test_export_parquet_writes_every_mart(built, tmp_path):
    """Each mart becomes DIR/<mart>.parquet, readable offline by DuckDB."""
    written = export_parquet(built[2], tmp_path)
    names = {p.stem for p in written}
    assert {"price_indices", "collector_credit_scores", "fct_bids", "material_flows"} <= names
    con = duckdb.connect()
    count = con.execute(
        f"select count(*) from read_parquet('{tmp_path / 'daily_price_levels.parquet'}')"
    ).fetchone()[0]
    assert count > 0


def test_refit_reads_point_in_time_features_for_outcomes(built, warehouse, tmp_path):
    """Lender outcomes join the latest snapshot on or before their date (ASOF), so the
    refit never sees features from after the loan."""
    from warehouse.credit.refit import load_training_set

    key, first = warehouse.execute(
        "select collector_key, min(as_of_date) from marts.collector_credit_features"
        " group by 1 order by 1 limit 1"
    ).fetchone()
    loan_day = date.today()
    expected = warehouse.execute(
        "select tenure_days, completed_jobs_90d from marts.collector_credit_features"
        " where collector_key = ? and as_of_date <= ? order by as_of_date desc limit 1",
        [key, loan_day],
    ).fetchone()
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text(
        "collector_key,as_of_date,defaulted\n"
        f"{key},{first - timedelta(days=1)},1\n"  # before any snapshot: dropped
        f"{key},{loan_day},0\n"
    )
    raw, good = load_training_set(built[2], outcomes, ["tenure_days", "completed_jobs_90d"])
    assert good.tolist() == [1.0]
    assert raw.shape == (1, 2)
    assert raw[0].tolist() == [float(v) for v in expected]


def test_dbt_docs_generate_works(built):
    """The documentation site (manifest + catalog of every relation) builds offline."""
    from warehouse.build import run_dbt

    nodes, failures = run_dbt(built[2], command="docs generate")
    assert failures == []
    assert (built[2].parent / "warehouse.duckdb.dbt" / "target" / "catalog.json").exists()


def test_a_failed_build_publishes_nothing(built, tmp_path):
    """When a model fails the warehouse file is left exactly as it was, and no partial
    copy remains: readers keep the last good build."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(built[2], path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(WarehouseBuildError) as failed:
        build_warehouse(built[3], path, KEY, dbt_vars={"late_bid_seconds": "300 +"})
    assert "int_bids_ranked" in " ".join(failed.value.result.dbt_failures)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "warehouse.duckdb",
        "warehouse.duckdb.dbt",
        "warehouse.duckdb.lock",
    ]


def test_python_scorecard_scores_like_the_mart(warehouse):
    """warehouse.credit.scorecard (calibration tests, what-ifs) gives every snapshot the
    score, band, thin-file flag and reasons that the dbt models gave it."""
    from warehouse.credit.scorecard import score_features

    rows = warehouse.execute(
        "select f.*, s.credit_score, s.score_band, s.is_thin_file, s.probability_of_default, "
        "[s.reason_code_1, s.reason_code_2, s.reason_code_3] as reasons "
        "from marts.collector_credit_features as f "
        "join marts.collector_credit_scores as s using (collector_key, as_of_date)"
    )
    names = [d[0] for d in rows.description]
    snapshots = [dict(zip(names, row, strict=True)) for row in rows.fetchall()]
    assert snapshots
    for snapshot in snapshots:
        scored = score_features(snapshot)
        assert (scored.credit_score, scored.score_band, scored.is_thin_file) == (
            snapshot["credit_score"],
            snapshot["score_band"],
            snapshot["is_thin_file"],
        )
        assert scored.probability_of_default == pytest.approx(snapshot["probability_of_default"])
        assert list(scored.reason_codes) == [r for r in snapshot["reasons"] if r is not None]
