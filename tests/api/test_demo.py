"""``make demo`` end to end: the quick city simulated into a temporary SQLite database and a
temporary DuckDB warehouse, then checked in the databases it wrote (not in its printout)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from api import create_app
from api.auctions.models import Auction
from api.bookings.models import Booking
from api.db import session_scope, utcnow
from api.demo import run_city
from api.ledger.models import LedgerEntry
from api.route_plans.models import RoutePlan
from api.simulation.params import SimulationParams
from api.simulation.runner import plan_calendar
from api.timeutil import local_today
from api.zones.models import Zone

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """One quick run shared by the tests of this module: ``(app, CityRun)``."""
    folder = tmp_path_factory.mktemp("demo")
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite3'}",
            "WAREHOUSE_PATH": str(folder / "warehouse.duckdb"),
            "SMS_SENDER": "capture",
            "CELERY_BROKER_URL": None,
            "CELERY_RESULT_BACKEND": None,
            "TESTING": True,
        }
    )
    run = run_city(
        app, SimulationParams.quick(), report_path=folder / "report.html", echo=lambda _: None
    )
    yield app, run
    app.extensions["db_engine"].dispose()


def test_pickups_were_completed_and_paid(city):
    """Residents booked, collectors weighed and completed jobs (each one a ledger credit)."""
    app, _run = city
    with session_scope(app) as session:
        completed = session.scalar(
            select(func.count()).select_from(Booking).where(Booking.status == "completed")
        )
        made = session.scalar(select(func.count()).select_from(Booking))
    assert completed > 0
    assert made > completed  # some were refused, cancelled or are still open


def test_ledger_balances(city):
    """Every posting of the whole run was balanced: all entries sum to zero."""
    app, _run = city
    with session_scope(app) as session:
        count, total = session.execute(
            select(func.count(), func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
        ).one()
    assert count > 0
    assert total == 0


def test_an_auction_closed_with_a_clearing_price(city):
    """Plants bid on station lots and the close task awarded at least one at a price."""
    app, _run = city
    with session_scope(app) as session:
        sold = session.scalar(
            select(func.count())
            .select_from(Auction)
            .where(Auction.closed_at.is_not(None), Auction.clearing_price_cents > 0)
        )
    assert sold >= 1


def test_a_route_plan_per_zone_for_each_busy_day(city):
    """The nightly dispatch stored a current plan for every zone and busy day."""
    app, _run = city
    _history, busy = plan_calendar(SimulationParams.quick(), local_today())
    with session_scope(app) as session:
        zones = set(session.scalars(select(Zone.zone_id).where(Zone.is_active.is_(True))))
        for day in busy:
            planned = set(
                session.scalars(
                    select(RoutePlan.zone_id).where(
                        RoutePlan.service_date == day, RoutePlan.status == "current"
                    )
                )
            )
            assert planned == zones, day


def test_report_has_charts_and_warehouse_figures(city):
    """The HTML report exists with inline SVG, and the indices came from the warehouse."""
    _app, run = city
    html = run.report_path.read_text(encoding="utf-8")
    assert html.count("<svg") >= 4
    assert run.simulation.warehouse_built
    assert run.report.indices  # read from the DuckDB file's price_indices mart
    assert run.report.ledger_sum_cents == 0


def test_nothing_is_stamped_in_the_future_and_the_clock_is_back(city):
    """The simulated clock stopped before the real now and was handed back afterwards."""
    app, _run = city
    now = datetime.now(UTC)
    assert abs(utcnow() - now) < timedelta(seconds=5)
    with session_scope(app) as session:
        latest = session.scalar(select(func.max(Booking.created_at)))
    assert latest <= now
