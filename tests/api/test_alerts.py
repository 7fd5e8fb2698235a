"""Custody alerts: leaks beyond the moisture band, bags not delivered, strays off the route."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from api.collectors.models import LocationPing
from api.custody.models import CustodyAlert
from api.custody.tasks import run_mass_balance
from api.db import session_scope
from api.timeutil import local_at, local_today
from tests.api.collector_helpers import admin_headers
from tests.api.helpers import HOME
from tests.custody.helpers import (
    approved_plant,
    completed_pickup,
    deliver,
    hand_over_lot,
    make_lot,
    receive_lot,
    regulator,
)


@pytest.fixture
def app_config(app_config):
    """Bags may stay with the collector 24 h; 2 km off the path is a stray."""
    return {**app_config, "TAG_DELIVERY_HOURS": 24, "ROUTE_STRAY_M": 2000}


def _run(app, day=None) -> int:
    with app.app_context():
        return run_mass_balance.run((day or local_today()).isoformat())


def _alerts(client, **query) -> list[dict]:
    response = client.get("/api/alerts", query_string=query, headers=admin_headers(client))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_normal_moisture_loss_raises_nothing(city, client, login):
    """Cardboard drying 6 % (paper band 8 %) and PET losing 2 % (band 3 %) is normal."""
    pickup = completed_pickup(client, login)
    deliver(client, pickup, net_grams={"cardboard": 4700, "pet": 2940})
    assert _run(client.application) == 0
    assert _alerts(client) == []


def test_a_planted_leak_raises_one_alert_naming_the_material(city, client, login):
    """A third of the PET vanishing between door and station is a collector_shortfall."""
    pickup = completed_pickup(client, login)
    deliver(client, pickup, net_grams={"cardboard": 4700, "pet": 2000})
    assert _run(client.application) == 1
    assert _run(client.application) == 0  # idempotent: one alert per collector and day
    [alert] = _alerts(client, kind="collector_shortfall")
    assert alert["subject"] == {"type": "collector", "id": str(pickup.job.collector_id)}
    assert alert["period"] == local_today().isoformat() and alert["status"] == "open"
    [pet] = alert["details"]["materials"]
    assert pet["material"] == "pet" and pet["in_grams"] == 3000 and pet["out_grams"] == 2000
    assert pet["shortfall_pct"] == "33.33" and pet["band_pct"] == "3"


def test_configured_bands_decide(city, client, login, app_config):
    """With the paper band set to 2 %, the same 6 % cardboard loss is an alert."""
    client.application.config["CUSTODY_LOSS_BANDS_PCT"] = {"paper": 2}
    pickup = completed_pickup(client, login)
    deliver(client, pickup, net_grams={"cardboard": 4700})
    assert _run(client.application) == 1
    [alert] = _alerts(client)
    assert [m["material"] for m in alert["details"]["materials"]] == ["cardboard"]


def test_bags_not_delivered_in_time_raise_one_alert_each(city, client, login):
    """With no time allowed, each undelivered bag is a tag_undelivered alert; delivered ones not."""
    pickup = completed_pickup(client, login)
    assert _run(client.application) == 0  # within the 24 h allowed
    client.application.config["TAG_DELIVERY_HOURS"] = 0
    assert _run(client.application) == 2
    subjects = sorted(a["subject"]["id"] for a in _alerts(client, kind="tag_undelivered"))
    assert subjects == sorted(pickup.job.tag_codes)
    other = completed_pickup(
        client,
        login,
        resident_phone="+8613811119333",
        collector=(pickup.job.collector, pickup.job.collector_id),
    )
    deliver(client, other)
    assert _run(client.application) == 0


def test_a_station_losing_material_before_the_plant_gate_is_flagged(city, client, login):
    """A lot weighing 20 % less at the plant than at the station raises station_shortfall."""
    pickup = completed_pickup(client, login)
    deliver(client, pickup)
    _plant, plant_id = approved_plant(client)
    lot_id = make_lot(client, material="cardboard", plant_id=plant_id)
    hand_over_lot(client, lot_id, plant_id)
    receive_lot(client, lot_id, 4000)
    assert _run(client.application) == 1
    [alert] = _alerts(client, kind="station_shortfall")
    year, week, _ = local_today().isocalendar()
    assert alert["period"] == f"{year}-W{week:02d}"
    assert alert["details"]["materials"][0]["shortfall_pct"] == "20.00"


def _ping(app, collector_id, day, hour, lat, lon) -> None:
    with session_scope(app) as session:
        session.add(
            LocationPing(
                collector_id=collector_id,
                recorded_at=local_at(day, hour),
                latitude=lat,
                longitude=lon,
            )
        )


def test_pings_far_from_the_days_jobs_raise_a_route_stray(city, client, login):
    """Near the door is fine; 5 km away is a stray, reported without coordinates."""
    pickup = completed_pickup(client, login)
    tomorrow = local_today() + timedelta(days=1)  # the helper books tomorrow's slot
    app = client.application
    _ping(app, pickup.job.collector_id, tomorrow, 9, HOME["latitude"], HOME["longitude"] + 0.005)
    assert _run(app, tomorrow) == 0
    _ping(app, pickup.job.collector_id, tomorrow, 10, HOME["latitude"] + 0.05, HOME["longitude"])
    assert _run(app, tomorrow) == 1
    [alert] = _alerts(client, kind="route_stray")
    assert alert["details"]["stray_pings"] == 1 and alert["details"]["max_distance_m"] > 4000
    assert str(HOME["latitude"] + 0.05)[:6] not in str(alert)


def test_alert_acknowledgement_and_resolution(city, client, login):
    """open -> acknowledged -> resolved with a note; resolved stays resolved (409)."""
    pickup = completed_pickup(client, login)
    deliver(client, pickup, net_grams={"pet": 1000})
    _run(client.application)
    [alert] = _alerts(client)
    admin = admin_headers(client)
    path = f"/api/alerts/{alert['alert_id']}"
    acked = client.post(f"{path}/acknowledgement", json={}, headers=admin)
    assert acked.status_code == 200 and acked.get_json()["status"] == "acknowledged"
    assert client.post(f"{path}/resolution", json={}, headers=admin).status_code == 422
    assert (
        client.post(
            f"{path}/resolution", json={"note": "ok", "status": "x"}, headers=admin
        ).status_code
        == 422
    )
    done = client.post(
        f"{path}/resolution", json={"note": "scale at the station was off"}, headers=admin
    )
    assert done.status_code == 200
    assert done.get_json()["status"] == "resolved"
    assert done.get_json()["resolution_note"] == "scale at the station was off"
    again = client.post(f"{path}/resolution", json={"note": "again"}, headers=admin)
    assert again.status_code == 409
    assert client.post(f"{path}/acknowledgement", json={}, headers=admin).status_code == 409
    assert (
        client.post("/api/alerts/999999/acknowledgement", json={}, headers=admin).status_code == 404
    )
    assert client.get("/api/alerts", headers=pickup.job.collector).status_code == 403
    assert client.get("/api/alerts", headers=regulator(client)).status_code == 403
    assert _alerts(client, status="resolved")[0]["alert_id"] == alert["alert_id"]
    with session_scope(client.application) as session:
        assert session.scalar(select(func.count()).select_from(CustodyAlert)) == 1


def test_the_cli_runs_the_days_balance(city, client, login):
    """``recycle custody mass-balance --day`` raises the same alerts as the task."""
    pickup = completed_pickup(client, login)
    deliver(client, pickup, net_grams={"pet": 1000})
    runner = client.application.test_cli_runner()
    result = runner.invoke(args=["custody", "mass-balance", "--day", local_today().isoformat()])
    assert result.exit_code == 0 and result.output.strip() == "1 new alerts", result.output
    assert len(_alerts(client, kind="collector_shortfall")) == 1


def test_a_current_route_plan_is_the_path_when_there_is_one(city, client, login):
    """With a planned route and no held jobs, pings on its legs pass and far ones stray."""
    from api.db import utcnow
    from api.route_plans.models import RoutePlan, RoutePlanRoute
    from api.zones.models import Zone
    from tests.api.collector_helpers import enrol_approved_collector

    _headers, collector_id = enrol_approved_collector(client, login)
    today = local_today()
    stops = [
        {"kind": "start", "location": {"lat": 31.20, "lon": 121.40}},
        {"kind": "end", "location": {"lat": 31.20, "lon": 121.50}},
    ]
    with session_scope(client.application) as session:
        zone_id = session.scalar(select(Zone.zone_id).where(Zone.code == "xuhui-s"))
        route = RoutePlanRoute(
            collector_id=collector_id,
            vehicle_type="tricycle",
            stops=stops,
            pickup_count=0,
            distance_m=9500,
            duration_s=3600,
            collected_g=0,
        )
        session.add(
            RoutePlan(
                service_date=today,
                zone_id=zone_id,
                version=1,
                status="current",
                trigger="manual",
                inputs={},
                inputs_hash="0" * 64,
                inputs_built_at=utcnow(),
                result={},
                solve_seconds=0.1,
                pickups_planned=0,
                pickups_unassigned=0,
                routes=[route],
            )
        )
    app = client.application
    _ping(app, collector_id, today, 9, 31.2005, 121.45)
    assert _run(app) == 0
    _ping(app, collector_id, today, 10, 31.25, 121.45)
    assert _run(app) == 1
    [alert] = _alerts(client, kind="route_stray")
    assert alert["subject"]["id"] == str(collector_id)
    assert 5000 < alert["details"]["max_distance_m"] < 6000
